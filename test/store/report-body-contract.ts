import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import type { Store, StoredReport } from '../../src/store';
import { PACK_FROM_STREAMS } from '../../src/store/report-streams';
import { openStorePerTest } from './store-contract';

const T = 'tenant-a';

function entry(callId: string, report: Record<string, unknown>, summary: unknown): StoredReport {
  const now = Date.now();
  return { tenantId: T, callId, version: 1, quality: 'poor', alert: true, report, summary, startedAt: now - 60_000, endedAt: now - 30_000, processedAt: now };
}

/** A call keeping `count` poor streams, with the summary's entry for each (one naming another stream id than the report's). */
function bigCall(count: number): { report: Record<string, unknown>; summary: Record<string, unknown> } {
  const streams = Array.from({ length: count }, (_, index) => ({
    sessionId: `session-${index % 7}`,
    segmentId: `segment-${index}`,
    label: 'main-audio',
    kind: 'audio',
    streamId: String(index),
    direction: 'callerToCallee',
    classification: 'poor',
    reasons: [{ metric: 'averageJitter', value: 90 + index, threshold: 30, unit: 'ms' }],
  }));
  const entries: Record<string, unknown>[] = streams.map((stream, index) => ({ sessionId: stream.sessionId, segmentId: stream.segmentId, streamId: stream.streamId, from: `Person ${index % 11}`, fromPerson: index % 11 }));
  entries[7]!.streamId = 'other';
  return { report: { callId: 'big', version: 1, profile: 'cqd', quality: 'poor', alert: true, streams, feedback: [] }, summary: { callId: 'big', streams: entries, people: ['Ann'] } };
}

/**
 * A row as written before the engines packed: `report.packedStreams` holding base64 of gzip of the
 * columns, both stream lists empty. Built by hand (the columns format of `cqb-streams-gzip-1`), with
 * the streams it stands for.
 */
function oldPackedRow(): { row: { report: Record<string, unknown>; summary: Record<string, unknown> }; streams: unknown[]; entries: unknown[] } {
  const payload = {
    report: { keys: ['sessionId', 'kind', 'classification', 'extra'], values: [[0, 0], ['audio', 'video'], ['poor', 'poor'], [null, 1]], absent: [[], [], [], [0]], indexed: ['sessionId'], dictionary: ['s-1'] },
    summary: { keys: ['from', '$shared'], values: [[0, 1], ['sessionId', 'sessionId,kind']], absent: [[], []], indexed: ['from'], dictionary: ['Ann', 'Bo'] },
  };
  const packedStreams = { format: 'cqb-streams-gzip-1', data: gzipSync(JSON.stringify(payload)).toString('base64') };
  return {
    row: { report: { callId: 'old', version: 1, quality: 'poor', alert: true, streams: [], packedStreams, feedback: [] }, summary: { callId: 'old', streams: [], people: ['Ann', 'Bo'] } },
    streams: [
      { sessionId: 's-1', kind: 'audio', classification: 'poor' },
      { sessionId: 's-1', kind: 'video', classification: 'poor', extra: 1 },
    ],
    entries: [
      { sessionId: 's-1', from: 'Ann' },
      { sessionId: 's-1', kind: 'video', from: 'Bo' },
    ],
  };
}

/**
 * How every engine keeps a report row's body: a big call's stream lists are packed inside the
 * engine, and every reader gets them back as plain objects, rows written in earlier forms included.
 */
export function describeReportBodyContract(name: string, open: () => Promise<Store>, cleanup?: (store: Store) => Promise<void>): void {
  describe(`Report bodies: ${name}`, function () {
    this.timeout(30_000);
    let store!: Store;
    openStorePerTest(open, cleanup, (opened) => (store = opened));

    it('gives back a big call\'s report and summary as they were recorded (getReport and recentReports)', async () => {
      const big = bigCall(PACK_FROM_STREAMS + 50);
      await store.reports.recordReport(entry('big', big.report, big.summary), false);
      const read = await store.reports.getReport(T, 'big');
      assert.deepEqual(read?.report, big.report);
      assert.deepEqual(read?.summary, big.summary);
      const [recent] = await store.reports.recentReports({ tenantId: T, limit: 1 });
      assert.deepEqual(recent?.summary, big.summary);
    });

    it('reads a row written before the engines packed (packedStreams as gzipped base64 text), with plain streams', async () => {
      const old = oldPackedRow();
      // Fewer than PACK_FROM_STREAMS streams on its lists: the engine writes the body as it is, as it did then.
      await store.reports.recordReport(entry('old', old.row.report, old.row.summary), false);
      const read = await store.reports.getReport(T, 'old');
      const { packedStreams: _packed, ...plain } = old.row.report;
      assert.deepEqual(read?.report, { ...plain, streams: old.streams });
      assert.deepEqual(read?.summary, { callId: 'old', streams: old.entries, people: ['Ann', 'Bo'] });
    });
  });
}
