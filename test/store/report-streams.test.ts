import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assessmentOf, summarizeCall } from '../../src/alerts';
import { storedReportOf } from '../../src/ingest';
import { resolveScoringOptions, scoreCallRecord, streamTotalsOf, type CallQualityReport, type StreamVerdict } from '../../src/quality';
import { openSqliteStore, SQLITE_FILE_NAME } from '../../src/store';
import { PACK_FROM_STREAMS, packedReportBodyText, plainReportBody } from '../../src/store/report-streams';
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

  it("keeps the benchmark's 6,000-session meeting (36 % poor streams) in a SQLite row under 1 MB and reads it back as it was", async () => {
    const record = generateCallRecord(6_000);
    const report = scoreCallRecord(record, resolveScoringOptions());
    const summary = summarizeCall(record);
    const stored = storedReportOf({ tenantId: 't1', callId: 'big' }, record, report, summary, Date.UTC(2026, 10, 21), report.alert);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cqb-packed-'));
    const store = openSqliteStore({ dataDir: dir }, { checkpoints: false });
    try {
      await store.reports.recordReport(stored, false);
      // The row's bytes as SQLite holds them (the store hands out plain streams, so ask the file).
      const { DatabaseSync } = await import('node:sqlite');
      const db = new DatabaseSync(path.join(dir, SQLITE_FILE_NAME));
      const { bytes } = db.prepare('SELECT length(CAST(report AS BLOB)) + length(CAST(summary AS BLOB)) AS bytes FROM reports').get() as { bytes: number };
      db.close();
      assert.ok(bytes < MEGABYTE, `the row is ${bytes} bytes`);
      const row = await store.reports.getReport('t1', 'big');
      assert.ok(row);
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
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a row written before packing (plain streams, big or small) unchanged', async () => {
    for (const count of [3, PACK_FROM_STREAMS + 50]) {
      const row = JSON.parse(JSON.stringify(plainRow(count))) as ReturnType<typeof plainRow>;
      const read = await plainReportBody(row);
      assert.equal((read.report as CallQualityReport).streams.length, count);
      assert.deepEqual(read.report, row.report);
      assert.deepEqual(read.summary, row.summary);
    }
  });

  it('leaves a small call plain and packs a big one losslessly, summary fields that differ from the report included', async () => {
    const small = plainRow(PACK_FROM_STREAMS - 1);
    assert.equal(await packedReportBodyText(small), undefined, 'a small call stays plain JSON');
    const big = plainRow(PACK_FROM_STREAMS);
    // One summary entry names another stream id than the report's: it must survive as written.
    (big.summary.streams as Array<Record<string, unknown>>)[7]!.streamId = 'other';
    const packed = JSON.parse((await packedReportBodyText(big))!) as { report: CallQualityReport & { packedStreams?: unknown }; summary: { streams: unknown[] } };
    assert.equal(packed.report.streams.length, 0);
    assert.equal(packed.summary.streams.length, 0);
    assert.ok(packed.report.packedStreams);
    const read = await plainReportBody(packed);
    assert.deepEqual(read.report, big.report);
    assert.deepEqual(read.summary, big.summary);
  });
});
