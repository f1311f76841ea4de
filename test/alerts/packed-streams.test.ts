import assert from 'node:assert/strict';
import { assessmentOf, PACK_FROM_STREAMS, packStreams, summarizeCall, unpackStreams } from '../../src/alerts';
import { storedReportOf } from '../../src/ingest';
import { resolveScoringOptions, scoreCallRecord, streamTotalsOf, type CallQualityReport, type StreamVerdict } from '../../src/quality';
import { openSqliteStore } from '../../src/store';
import { generateCallRecord } from '../../bench/records';

const MEGABYTE = 1024 * 1024;

/** A stored report as rows were written before packing: every kept stream a plain object. */
function plainRow(streamCount: number): { report: CallQualityReport; summary: Record<string, unknown> } {
  const streams: StreamVerdict[] = Array.from({ length: streamCount }, (_, index) => ({
    sessionId: `s-${index}`,
    segmentId: `g-${index}`,
    label: 'main-audio',
    kind: 'audio',
    streamId: String(index),
    direction: 'callerToCallee',
    classification: 'poor',
    reasons: [{ metric: 'averageJitter', value: 90, threshold: 30, unit: 'ms' } as unknown as StreamVerdict['reasons'][number]],
  }));
  const report: CallQualityReport = { callId: 'old', version: 1, profile: 'cqd', quality: 'poor', alert: true, streams, feedback: [] } as unknown as CallQualityReport;
  const summary = { callId: 'old', streams: streams.map((stream) => ({ sessionId: stream.sessionId, streamId: stream.streamId, from: 'Ann', to: 'Bo', fromPerson: 0, toPerson: 1 })), people: [] };
  return { report, summary };
}

describe('packed stream lists of a stored report', function () {
  this.timeout(120_000);

  it("keeps the benchmark's 6,000-session meeting (36 % poor streams) under 1 MB and reads it back as it was", async () => {
    const record = generateCallRecord(6_000);
    const report = scoreCallRecord(record, resolveScoringOptions());
    const summary = summarizeCall(record);
    const stored = storedReportOf({ tenantId: 't1', callId: 'big' }, record, report, summary, Date.UTC(2026, 10, 21), report.alert);
    const store = openSqliteStore({ path: ':memory:' });
    try {
      await store.reports.recordReport(stored, false);
      const row = await store.reports.getReport('t1', 'big');
      assert.ok(row);
      const bytes = Buffer.byteLength(JSON.stringify(row.report)) + Buffer.byteLength(JSON.stringify(row.summary));
      assert.ok(bytes < MEGABYTE, `the row is ${bytes} bytes`);
      const poor = report.streams.filter((stream) => stream.classification === 'poor');
      assert.ok(poor.length > 8_000, `the meeting has ${poor.length} poor streams`);
      const read = assessmentOf(row);
      assert.deepEqual(read.report.streams.filter((stream) => stream.classification === 'poor'), poor);
      assert.deepEqual(streamTotalsOf(read.report), streamTotalsOf(report));
      // Each kept summary entry is the whole summary's entry for the same stream.
      const byStream = new Map(summary.streams.map((entry) => [`${entry.sessionId}/${entry.segmentId}/${entry.streamId}`, entry]));
      for (const entry of read.summary.streams) assert.deepEqual(entry, byStream.get(`${entry.sessionId}/${entry.segmentId}/${entry.streamId}`));
      assert.equal(read.summary.streams.length, read.report.streams.length);
      assert.deepEqual(read.summary.people, summary.people);
    } finally {
      store.close();
    }
  });

  it('reads a row written before packing (plain streams, big or small) unchanged', () => {
    for (const count of [3, PACK_FROM_STREAMS + 50]) {
      const row = JSON.parse(JSON.stringify(plainRow(count))) as ReturnType<typeof plainRow>;
      const read = assessmentOf(row);
      assert.equal(read.report.streams.length, count);
      assert.deepEqual(read.report, row.report);
      assert.deepEqual(read.summary, row.summary);
    }
  });

  it('leaves a small call plain and packs a big one losslessly, summary fields that differ from the report included', () => {
    const small = plainRow(PACK_FROM_STREAMS - 1);
    assert.equal(packStreams(small.report, small.summary).report, small.report);
    const big = plainRow(PACK_FROM_STREAMS);
    // One summary entry names another stream id than the report's: it must survive as written.
    (big.summary.streams as Array<Record<string, unknown>>)[7]!.streamId = 'other';
    const packed = packStreams(big.report, big.summary);
    assert.equal(packed.report.streams.length, 0);
    assert.ok(packed.report.packedStreams);
    const read = unpackStreams(JSON.parse(JSON.stringify(packed.report)) as CallQualityReport, JSON.parse(JSON.stringify(packed.summary)));
    assert.deepEqual(read.report, big.report);
    assert.deepEqual(read.summary, big.summary);
  });
});
