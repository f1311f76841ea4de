import assert from 'node:assert/strict';
import { assessmentOf, buildAlertCard, poorSidesOf, summarizeCall } from '../../src/alerts';
import { storedReportOf } from '../../src/ingest';
import { compactAssessment } from '../../src/ingest/compact-assessment';
import { compactReport, compactStreamPositions, scoreCallRecord, streamCountsOf, streamTotalsOf, type JsonObject } from '../../src/quality';
import { openSqliteStore, type Store } from '../../src/store';

const SESSIONS = 6_000;
const MEGABYTE = 1024 * 1024;

/** A GUID-shaped id from a number, as long as Graph's session and segment ids. */
function guid(prefix: number, index: number): string {
  const hex = index.toString(16).padStart(12, '0');
  return `${prefix.toString(16).padStart(8, '0')}-0000-4000-8000-${hex}`;
}

function stream(direction: string, metrics: JsonObject, index: number): JsonObject {
  return { streamId: String(1_000_000_000 + index), streamDirection: direction, averageRoundTripTime: 'PT0.045S', averagePacketLossRate: 0.001, ...metrics };
}

/**
 * A 6,000-session meeting: session i is person i % 300 with the meeting server, over one segment,
 * with audio both ways and, when i % 3 === 0, video both ways. The audio the person sends is poor
 * (90 ms jitter over 900 packets) when i % 20 === 0; the video they receive is poor (80 % frames
 * lost) when i % 30 === 0. So: 12,000 audio streams, 300 poor; 4,000 video streams, 200 poor.
 */
function largeMeeting(): JsonObject {
  const server = { '@odata.type': '#microsoft.graph.callRecords.serviceEndpoint', userAgent: { '@odata.type': '#microsoft.graph.callRecords.serviceUserAgent', role: 'conferencingServer' } };
  const sessions: JsonObject[] = [];
  for (let i = 0; i < SESSIONS; i += 1) {
    const person = i % 300;
    const caller = { '@odata.type': '#microsoft.graph.callRecords.participantEndpoint', identity: { user: { id: guid(7, person), displayName: `Person ${person}`, tenantId: 'dc368399-474c-4d40-900c-6265431fd81f' } } };
    const audioJitter = i % 20 === 0 ? 'PT0.090S' : 'PT0.012S';
    const media: JsonObject[] = [
      {
        label: 'main-audio',
        callerNetwork: { connectionType: 'wired', ipAddress: `10.1.${person % 250}.${(i % 250) + 1}`, subnet: `10.1.${person % 250}.0` },
        streams: [stream('callerToCallee', { packetUtilization: 900, averageJitter: audioJitter }, 4 * i), stream('calleeToCaller', { packetUtilization: 900, averageJitter: 'PT0.010S' }, 4 * i + 1)],
      },
    ];
    if (i % 3 === 0) {
      const frameLoss = i % 30 === 0 ? 80 : 2;
      media.push({ label: 'main-video', streams: [stream('callerToCallee', { averageVideoFrameLossPercentage: 1 }, 4 * i + 2), stream('calleeToCaller', { averageVideoFrameLossPercentage: frameLoss }, 4 * i + 3)] });
    }
    const segment = { id: guid(2, i), startDateTime: '2026-11-21T09:00:00Z', endDateTime: '2026-11-21T10:00:00Z', caller, callee: server, media };
    sessions.push({ id: guid(1, i), modalities: i % 3 === 0 ? ['audio', 'video'] : ['audio'], caller, callee: server, segments: [segment] });
  }
  return { id: 'a1b2c3d4-0000-4000-8000-000000006000', version: 2, type: 'groupCall', startDateTime: '2026-11-21T09:00:00Z', endDateTime: '2026-11-21T10:00:00Z', organizer_v2: { id: guid(7, 0) }, sessions };
}

describe('compact assessment of a 6,000-session meeting', function () {
  this.timeout(60_000);
  let store: Store;
  const record = largeMeeting();
  const full = scoreCallRecord(record);
  const summary = summarizeCall(record);

  before(() => {
    store = openSqliteStore({ path: ':memory:' });
  });
  after(async () => {
    await store.close();
  });

  it('stores a report row under 1 MB that keeps every poor stream and the counts of all', async () => {
    const stored = storedReportOf({ tenantId: 't1', callId: String(record.id) }, record, full, summary, Date.UTC(2026, 10, 21, 11));
    await store.reports.recordReport(stored, stored.alert);
    const row = await store.reports.getReport('t1', String(record.id));
    assert.ok(row, 'the row was stored');
    const bytes = Buffer.byteLength(JSON.stringify(row.report)) + Buffer.byteLength(JSON.stringify(row.summary));
    const wholeBytes = Buffer.byteLength(JSON.stringify(full)) + Buffer.byteLength(JSON.stringify(summary));
    assert.ok(bytes < MEGABYTE, `the stored row is ${bytes} bytes`);
    assert.ok(wholeBytes > 4 * bytes, `every stream in full would be ${wholeBytes} bytes, the compact row ${bytes}`);

    const { report } = assessmentOf(row);
    // By hand from the meeting's construction (see largeMeeting).
    assert.deepEqual(streamTotalsOf(report), { poor: 500, judged: 16_000, scored: 16_000 });
    assert.deepEqual(streamCountsOf(report).audio, { poor: 300, good: 11_700, unclassified: 0 });
    assert.deepEqual(streamCountsOf(report).video, { poor: 200, good: 3_800, unclassified: 0 });
    assert.equal(report.streams.filter((verdict) => verdict.classification === 'poor').length, 500);
  });

  it('gives the same verdict, poor streams, sides and alert card as the one-shot scoring of the record', async () => {
    const row = await store.reports.getReport('t1', String(record.id));
    const stored = assessmentOf(row!);
    assert.equal(stored.report.quality, full.quality);
    assert.equal(stored.report.alert, full.alert);
    assert.deepEqual(stored.report.feedback, full.feedback);
    assert.deepEqual(stored.report.failures, full.failures);
    assert.deepEqual(streamCountsOf(stored.report), streamCountsOf(full));
    assert.deepEqual(
      stored.report.streams.filter((verdict) => verdict.classification === 'poor'),
      full.streams.filter((verdict) => verdict.classification === 'poor'),
    );
    const whole = { report: full, summary };
    assert.ok(poorSidesOf(whole).size > 0, "people are on the hook for the poor streams");
    assert.deepEqual(poorSidesOf(stored), poorSidesOf(whole));
    for (const audience of ['admins', 'organizer'] as const) {
      assert.deepEqual(buildAlertCard({ ...stored, audience, showDetails: true }), buildAlertCard({ ...whole, audience, showDetails: true }));
    }
  });

  it('stores a report already compact (as the worker makes it) and its summary as they are, without cutting them again', () => {
    // Compact with more early streams than a row keeps: compacting it again would drop some.
    const positions = compactStreamPositions(full.streams, 100);
    const compact = compactReport(full, positions);
    const cut = { ...summary, streams: positions.map((position) => summary.streams[position]!) };
    assert.ok(compactStreamPositions(compact.streams).length < positions.length, 'the case is one that a second compaction would change');
    const stored = storedReportOf({ tenantId: 't1', callId: String(record.id) }, record, compact, cut, Date.UTC(2026, 10, 21, 11));
    assert.equal(stored.report, compact);
    assert.equal(stored.summary, cut);
    assert.equal(compactAssessment(compact, cut).summary, cut);
  });

  it('keeps a summary whole when its streams do not follow the report', () => {
    const odd = { ...summary, streams: summary.streams.slice(1) };
    assert.equal(compactAssessment(full, odd).summary, odd);
  });
});
