import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createGraphClient, type GraphRateLimits } from '../src/graph';
import { InboxWorker, IngestStatus } from '../src/ingest';
import { summarizeCall } from '../src/alerts';
import { createLogger } from '../src/logger';
import { resolveScoringOptions } from '../src/quality';
import { openSqliteStore, type Store } from '../src/store';
import { createLoopbackTlsCertificate, trustCertificateInProcess } from '../test/support/loopback-certificates';
import { startLoopbackGraph } from '../test/support/loopback-graph';
import { startLoopbackTokenServer } from '../test/support/loopback-token-server';
import { startAzurite } from '../test/support/azurite';
import type { BenchResult, BenchSection } from './bench-section';
import { generateCallRecord } from './records';

const TENANT = '11111111-1111-4111-8111-111111111111';
const CLIENT_ID = '33333333-3333-4333-8333-333333333333';
const CLIENT_SECRET = 'bench-secret~value';
const RECORDS = Number(process.env.BENCH_DRAIN_RECORDS ?? 5000);
/**
 * The documented limits are per 20 s; the benchmark keeps their ratios but shortens the window
 * (BENCH_DRAIN_WINDOW_MS, default 20,000: the real one) so that a quick run stays possible.
 */
const WINDOW_MS = Number(process.env.BENCH_DRAIN_WINDOW_MS ?? 20_000);

function limits(): GraphRateLimits {
  return {
    perTenant: { limit: 1500, windowMs: WINDOW_MS },
    perCallRecord: { limit: 40, windowMs: WINDOW_MS },
    listCallRecords: { limit: 40, windowMs: WINDOW_MS },
  };
}

/**
 * Drains `RECORDS` queued call records through one process: the real Graph client and worker
 * against a loopback Graph that enforces the documented limits (429 beyond them).
 */
export async function drain(openStore: () => Promise<Store>, instances = 1): Promise<{ seconds: number; recordsPerSecond: number; ceiling: number; throttled: number; lost: number; peakRssMb: number }> {
  const tls = await createLoopbackTlsCertificate();
  const untrust = trustCertificateInProcess(tls.cert);
  const tokens = await startLoopbackTokenServer({ tls, apps: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }], tenants: [TENANT] });
  const graph = await startLoopbackGraph({ verifyAccessToken: tokens.verifyAccessToken, limits: limits(), enforceLimits: true });
  const logger = createLogger('silent');
  const stores: Store[] = [];
  try {
    const template = generateCallRecord(4, 7);
    const ids = Array.from({ length: RECORDS }, (_, i) => `dddddddd-0000-4000-8000-${String(i).padStart(12, '0')}`);
    for (const id of ids) graph.putRecord({ ...template, id, version: 1 } as { id: string });
    for (let i = 0; i < instances; i += 1) stores.push(await openStore());
    for (let i = 0; i < ids.length; i += 500) {
      await stores[0]!.inbox.enqueue(ids.slice(i, i + 500).map((callId) => ({ tenantId: TENANT, callId, source: 'notification' as const })), Date.now());
    }
    // One Graph client per instance, as separate processes would have; they share the tenant's budget,
    // so each takes its share of it.
    const share = (rule: { limit: number; windowMs: number }) => ({ limit: Math.floor(rule.limit / instances), windowMs: rule.windowMs });
    const options = resolveScoringOptions();
    const workers = stores.map(
      (store) =>
        new InboxWorker({
          store,
          source: createGraphClient({
            baseUrl: graph.url,
            authorityHost: tokens.url,
            clientId: CLIENT_ID,
            credential: { clientSecret: CLIENT_SECRET },
            logger,
            limits: { perTenant: share(limits().perTenant), perCallRecord: limits().perCallRecord, listCallRecords: limits().listCallRecords },
          }),
          logger,
          status: new IngestStatus(),
          scoringFor: async () => options,
          summarize: summarizeCall,
          concurrency: 64,
          idleMs: 50,
        }),
    );
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
    const started = process.hrtime.bigint();
    for (const worker of workers) worker.start();
    for (;;) {
      const stats = await stores[0]!.inbox.stats(Date.now());
      if (stats.byState.pending + stats.byState.leased === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    clearInterval(sampler);
    await Promise.all(workers.map((worker) => worker.stop()));
    const stats = await stores[0]!.inbox.stats(Date.now());
    // The ceiling: the tenant's budget, with the first window free (the limiter starts empty).
    const ceiling = RECORDS / Math.max(WINDOW_MS / 1000, (Math.ceil(RECORDS / 1500) - 1) * (WINDOW_MS / 1000));
    return {
      seconds,
      recordsPerSecond: stats.byState.done / seconds,
      ceiling,
      throttled: graph.stats.throttled,
      lost: RECORDS - stats.byState.done,
      peakRssMb: peakRss / 2 ** 20,
    };
  } finally {
    for (const store of stores) await store.close();
    await Promise.all([graph.close(), tokens.close()]);
    untrust();
  }
}

function resultOf(label: string, figures: Awaited<ReturnType<typeof drain>>): BenchResult {
  const share = figures.recordsPerSecond / figures.ceiling;
  return {
    case: label,
    figures: {
      records: RECORDS,
      seconds: figures.seconds,
      'records/s': figures.recordsPerSecond,
      'ceiling records/s': figures.ceiling,
      'share of ceiling': share,
      '429s': figures.throttled,
      lost: figures.lost,
      'peak RSS MB': figures.peakRssMb,
    },
    targets: [
      { description: '≥ 90 % of the ceiling', met: share >= 0.9 },
      { description: 'zero 429s', met: figures.throttled === 0 },
      { description: 'zero lost', met: figures.lost === 0 },
    ],
  };
}

/** The drain of queued records through a loopback Graph enforcing the documented limits. */
export const drainBench: BenchSection = {
  name: 'drain',
  description: `${RECORDS} queued call records drained through the real Graph client and worker against a loopback Graph enforcing 1,500 requests / ${WINDOW_MS / 1000} s per tenant and 40 / ${WINDOW_MS / 1000} s per call record (429 beyond)`,
  async run(): Promise<BenchResult[]> {
    const results: BenchResult[] = [];
    const engines = process.env.BENCH_STORES?.split(',') ?? ['sqlite'];
    for (const engine of engines) {
      if (engine === 'sqlite') {
        const dir = mkdtempSync(path.join(os.tmpdir(), 'cqb-bench-drain-'));
        try {
          results.push(resultOf('sqlite, 1 worker', await drain(async () => openSqliteStore({ dataDir: dir }))));
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      } else if (engine === 'azure') {
        const azurite = await startAzurite();
        try {
          const { openAzureStore } = await import('../src/store/azure/index.js');
          let run = 0;
          for (const instances of [1, 2]) {
            const prefix = `drain${(run += 1)}`;
            results.push(resultOf(`azure (Azurite), ${instances} worker${instances > 1 ? 's' : ''}`, await drain(() => openAzureStore({ connectionString: azurite.connectionString }, { prefix }), instances)));
          }
        } finally {
          await azurite.stop();
        }
      }
    }
    return results;
  },
};
