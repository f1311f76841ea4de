/**
 * A child process of the quality benchmark's large-meeting case: the real Graph client and inbox
 * worker (SQLite in a temporary folder) against the loopback Graph named in its environment. It first processes
 * a small call (modules loaded, token fetched, code warmed: the idle state of a running bot), then
 * the large meeting, sampling RSS every 10 ms, and prints one JSON line: idle and peak RSS, the peak
 * from the kernel (`maxRSS`), the stored report row's bytes and how many streams were poor.
 */
import { createGraphClient } from '../src/graph';
import { InboxWorker, IngestStatus } from '../src/ingest';
import { createLogger } from '../src/logger';
import { resolveScoringOptions, streamTotalsOf, type CallQualityReport } from '../src/quality';
import { quietSqliteExperimentalWarning } from '../src/quiet-sqlite-warning';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { getHeapSpaceStatistics } from 'node:v8';
import { openSqliteStore, SQLITE_FILE_NAME } from '../src/store';

const MB = 2 ** 20;

function required(name: string): string {
  const value = process.env[name]?.trim();
  if (!value) throw new Error(`${name} is not set; the quality benchmark sets it when it starts this process.`);
  return value;
}

async function main(): Promise<void> {
  const tenantId = required('MEETING_TENANT');
  const logger = createLogger('silent');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cqb-bench-meeting-'));
  const store = openSqliteStore({ dataDir: dir });
  const options = resolveScoringOptions();
  const worker = new InboxWorker({
    store,
    source: createGraphClient({
      baseUrl: required('MEETING_GRAPH_URL'),
      authorityHost: required('MEETING_AUTHORITY_HOST'),
      clientId: required('MEETING_CLIENT_ID'),
      credential: { clientSecret: required('MEETING_CLIENT_SECRET') },
      logger,
      // Lifted so that the case measures memory, not the wait for Graph's per-record budget (100 pages).
      limits: { perCallRecord: { limit: 10_000, windowMs: 20_000 } },
    }),
    logger,
    status: new IngestStatus(),
    scoringFor: async () => options,
    concurrency: 1,
  });
  const drain = async (callId: string) => {
    await store.inbox.enqueue([{ tenantId, callId, source: 'notification' }], Date.now());
    const outcomes = await worker.drainOnce();
    if (outcomes.join() !== 'scored') throw new Error(`Call ${callId} was not scored: ${outcomes.join() || 'nothing claimed'}.`);
  };
  await drain(required('MEETING_WARM_UP_CALL'));
  global.gc?.();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const idleRss = process.memoryUsage().rss;
  const idleHeap = process.memoryUsage().heapUsed;
  const atIdle = Object.fromEntries(getHeapSpaceStatistics().map((space) => [`${space.space_name}SizeMb`, space.space_size / MB]));
  let peakRss = idleRss;
  // At the highest sample, where the memory was: V8's heap spaces (used) and what lives outside the heap.
  let atPeak: Record<string, number> = {};
  const started = process.hrtime.bigint();
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    if (usage.rss <= peakRss) return;
    peakRss = usage.rss;
    atPeak = { atSecond: Number(process.hrtime.bigint() - started) / 1e9, rssMb: usage.rss / MB, externalMb: usage.external / MB, arrayBuffersMb: usage.arrayBuffers / MB };
    for (const space of getHeapSpaceStatistics()) {
      atPeak[`${space.space_name}UsedMb`] = space.space_used_size / MB;
      atPeak[`${space.space_name}SizeMb`] = space.space_size / MB;
    }
  }, 10);
  const callId = required('MEETING_CALL');
  await drain(callId);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  // The kernel's peak before anything is read back (reading the row decodes its 8,748 streams).
  const maxRssMb = (process.resourceUsage().maxRSS * 1024) / MB;
  // What of the peak was still live once the meeting was stored: the heap after a full collection.
  global.gc?.();
  const liveHeapAfterMb = process.memoryUsage().heapUsed / MB;
  const idleHeapMb = idleHeap / MB;
  // The row's bytes as SQLite keeps them (the store hands its readers plain streams, not its encoding).
  const file = new DatabaseSync(path.join(dir, SQLITE_FILE_NAME), { readOnly: true });
  const stored = file.prepare('SELECT length(CAST(report AS BLOB)) + length(CAST(summary AS BLOB)) AS bytes FROM reports WHERE call_id = ?').get(callId) as { bytes: number } | undefined;
  file.close();
  if (!stored) throw new Error('The meeting was scored but no report row was stored.');
  const row = await store.reports.getReport(tenantId, callId);
  if (!row) throw new Error('The meeting was scored but the store cannot read its report row.');
  // The row keeps every poor stream in full, so its size follows their number.
  const { poor, judged } = streamTotalsOf(row.report as CallQualityReport);
  process.stdout.write(`${JSON.stringify({ idleRssMb: idleRss / MB, peakRssMb: peakRss / MB, maxRssMb, idleHeapMb, liveHeapAfterMb, atIdle, atPeak, rowBytes: Number(stored.bytes), poorStreams: poor, judgedStreams: judged, seconds })}\n`);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

quietSqliteExperimentalWarning();
main().catch((error: unknown) => {
  process.stderr.write(`The large-meeting process failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
