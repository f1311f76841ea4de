/**
 * A child process of the quality benchmark's large-meeting case: the real Graph client and inbox
 * worker (SQLite in memory) against the loopback Graph named in its environment. It first processes
 * a small call (modules loaded, token fetched, code warmed: the idle state of a running bot), then
 * the large meeting, sampling RSS every 10 ms, and prints one JSON line: idle and peak RSS, the peak
 * from the kernel (`maxRSS`), the stored report row's bytes and how many streams were poor.
 */
import { createGraphClient } from '../src/graph';
import { InboxWorker, IngestStatus } from '../src/ingest';
import { createLogger } from '../src/logger';
import { resolveScoringOptions, streamTotalsOf, type CallQualityReport } from '../src/quality';
import { quietSqliteExperimentalWarning } from '../src/quiet-sqlite-warning';
import { openSqliteStore } from '../src/store';

const MB = 2 ** 20;

function required(name: string): string {
  const value = process.env[name]?.trim();
  if (!value) throw new Error(`${name} is not set; the quality benchmark sets it when it starts this process.`);
  return value;
}

async function main(): Promise<void> {
  const tenantId = required('MEETING_TENANT');
  const logger = createLogger('silent');
  const store = openSqliteStore({ path: ':memory:' });
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
  let peakRss = idleRss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 10);
  const callId = required('MEETING_CALL');
  const started = process.hrtime.bigint();
  await drain(callId);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  const row = await store.reports.getReport(tenantId, callId);
  if (!row) throw new Error('The meeting was scored but no report row was stored.');
  const rowBytes = Buffer.byteLength(JSON.stringify(row.report)) + Buffer.byteLength(JSON.stringify(row.summary));
  // The row keeps every poor stream in full, so its size follows their number.
  const { poor, judged } = streamTotalsOf(row.report as CallQualityReport);
  process.stdout.write(
    `${JSON.stringify({ idleRssMb: idleRss / MB, peakRssMb: peakRss / MB, maxRssMb: (process.resourceUsage().maxRSS * 1024) / MB, rowBytes, poorStreams: poor, judgedStreams: judged, seconds })}\n`,
  );
  await store.close();
}

quietSqliteExperimentalWarning();
main().catch((error: unknown) => {
  process.stderr.write(`The large-meeting process failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
