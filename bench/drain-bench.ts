import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
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
/** Graph requests a record costs: itself with its sessions (one page), and its participants_v2 (one page). */
const REQUESTS_PER_RECORD = 2;

function limits(): GraphRateLimits {
  return {
    perTenant: { limit: 1500, windowMs: WINDOW_MS },
    perCallRecord: { limit: 40, windowMs: WINDOW_MS },
    listCallRecords: { limit: 40, windowMs: WINDOW_MS },
  };
}

/** Where the drain runs: workers inside this process on a store it opens, or worker processes on a shared Azure store. */
export type DrainTarget =
  | { kind: 'in-process'; openStore: () => Promise<Store> }
  | { kind: 'processes'; connectionString: string; prefix: string };

/** What one drain measured. */
export interface DrainFigures {
  seconds: number;
  recordsPerSecond: number;
  ceiling: number;
  throttled: number;
  lost: number;
  /** Peak resident memory: of this process (in-process), or of the largest worker process. */
  peakRssMb: number;
}

/**
 * Drains `RECORDS` queued call records with `instances` workers: the real Graph client and worker
 * against a loopback Graph that enforces the documented limits (429 beyond them). In-process, the
 * workers share this process; with `processes`, each is a `drain-worker` process on the shared Azure
 * store, as App Service instances would be. Each instance takes its share of the tenant's budget.
 */
export async function drain(target: DrainTarget, instances = 1): Promise<DrainFigures> {
  const tls = await createLoopbackTlsCertificate();
  const untrust = trustCertificateInProcess(tls.cert);
  const tokens = await startLoopbackTokenServer({ tls, apps: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }], tenants: [TENANT] });
  const graph = await startLoopbackGraph({ verifyAccessToken: tokens.verifyAccessToken, limits: limits(), enforceLimits: true });
  const logger = createLogger('silent');
  const stores: Store[] = [];
  const children: WorkerProcess[] = [];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cqb-bench-drain-ca-'));
  try {
    const template = generateCallRecord(4, 7);
    const ids = Array.from({ length: RECORDS }, (_, i) => `dddddddd-0000-4000-8000-${String(i).padStart(12, '0')}`);
    for (const id of ids) graph.putRecord({ ...template, id, version: 1 } as { id: string });
    const openStore =
      target.kind === 'in-process'
        ? target.openStore
        : async () => (await import('../src/store/azure/index.js')).openAzureStore({ connectionString: target.connectionString }, { prefix: target.prefix });
    for (let i = 0; i < (target.kind === 'in-process' ? instances : 1); i += 1) stores.push(await openStore());
    for (let i = 0; i < ids.length; i += 500) {
      await stores[0]!.inbox.enqueue(ids.slice(i, i + 500).map((callId) => ({ tenantId: TENANT, callId, source: 'notification' as const })), Date.now());
    }
    // One Graph client per instance, as separate processes would have; they share the tenant's budget,
    // so each takes its share of it.
    const share = (rule: { limit: number; windowMs: number }) => ({ limit: Math.floor(rule.limit / instances), windowMs: rule.windowMs });
    let start: () => void;
    let stop: () => Promise<number>;
    if (target.kind === 'in-process') {
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
      start = () => workers.forEach((worker) => worker.start());
      stop = async () => {
        clearInterval(sampler);
        await Promise.all(workers.map((worker) => worker.stop()));
        return peakRss;
      };
    } else {
      const caFile = path.join(dir, 'ca.pem');
      writeFileSync(caFile, tls.cert);
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        NODE_EXTRA_CA_CERTS: caFile,
        DRAIN_AZURE_CONNECTION_STRING: target.connectionString,
        DRAIN_AZURE_PREFIX: target.prefix,
        DRAIN_GRAPH_URL: graph.url,
        DRAIN_AUTHORITY_HOST: tokens.url,
        DRAIN_CLIENT_ID: CLIENT_ID,
        DRAIN_CLIENT_SECRET: CLIENT_SECRET,
        DRAIN_WINDOW_MS: String(WINDOW_MS),
        DRAIN_PER_TENANT_LIMIT: String(share(limits().perTenant).limit),
        DRAIN_CONCURRENCY: '64',
      };
      for (let i = 0; i < instances; i += 1) children.push(spawnWorker(env));
      await Promise.all(children.map((child) => child.ready));
      start = () => children.forEach((child) => child.send('start'));
      stop = async () => Math.max(...(await Promise.all(children.map((child) => child.stop()))));
    }
    const started = process.hrtime.bigint();
    start();
    for (;;) {
      const stats = await stores[0]!.inbox.stats(Date.now());
      if (stats.byState.pending + stats.byState.leased === 0) break;
      for (const child of children) if (child.failure) throw child.failure;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const peakRss = await stop();
    const stats = await stores[0]!.inbox.stats(Date.now());
    // The ceiling: the tenant's budget, with the first window free (the limiter starts empty).
    const ceiling = RECORDS / Math.max(WINDOW_MS / 1000, (Math.ceil((RECORDS * REQUESTS_PER_RECORD) / 1500) - 1) * (WINDOW_MS / 1000));
    return {
      seconds,
      recordsPerSecond: stats.byState.done / seconds,
      ceiling,
      throttled: graph.stats.throttled,
      lost: RECORDS - stats.byState.done,
      peakRssMb: peakRss / 2 ** 20,
    };
  } finally {
    await Promise.all(children.map((child) => child.kill()));
    for (const store of stores) await store.close();
    await Promise.all([graph.close(), tokens.close()]);
    untrust();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A running `drain-worker` process. */
interface WorkerProcess {
  /** Resolves once the worker opened the store and waits for `start`. */
  ready: Promise<void>;
  /** Set when the process failed (exited before being told to stop). */
  failure: Error | undefined;
  send(line: 'start' | 'stop'): void;
  /** Tells it to stop; resolves to its peak RSS in bytes. */
  stop(): Promise<number>;
  /** Ends it for good (after a failure); safe to call twice. */
  kill(): Promise<void>;
}

/** How long a worker process may take to start (tsx compiles on the fly on a busy machine). */
const WORKER_START_TIMEOUT_MS = 60_000;

/** Starts `drain-worker` (compiled next to this file, or through tsx when running from source). */
function spawnWorker(env: NodeJS.ProcessEnv): WorkerProcess {
  const fromSource = path.extname(__filename) === '.ts';
  const script = path.join(__dirname, `drain-worker${fromSource ? '.ts' : '.js'}`);
  const child = spawn(process.execPath, [...(fromSource ? ['--import', 'tsx'] : []), script], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  let stopped: ((peakRss: number) => void) | undefined;
  const stoppedPromise = new Promise<number>((resolve) => (stopped = resolve));
  let onReady: (() => void) | undefined;
  let onFailure: ((error: Error) => void) | undefined;
  const worker: WorkerProcess = {
    ready: new Promise<void>((resolve, reject) => {
      onReady = resolve;
      onFailure = reject;
    }),
    failure: undefined,
    send: (line) => child.stdin!.write(`${line}\n`),
    async stop() {
      worker.send('stop');
      return stoppedPromise;
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
  const timer = setTimeout(() => onFailure?.(new Error(`The drain worker did not start within ${WORKER_START_TIMEOUT_MS / 1000} s:\n${output.slice(-2_000)}`)), WORKER_START_TIMEOUT_MS);
  createInterface({ input: child.stdout! }).on('line', (line) => {
    output += `${line}\n`;
    let message: { ready?: boolean; stopped?: boolean; peakRssMb?: number };
    try {
      message = JSON.parse(line) as typeof message;
    } catch {
      return;
    }
    if (message.ready) {
      clearTimeout(timer);
      onReady?.();
    }
    if (message.stopped) stopped?.((message.peakRssMb ?? 0) * 2 ** 20);
  });
  child.stderr!.on('data', (chunk) => (output += chunk));
  child.once('exit', (code, signal) => {
    clearTimeout(timer);
    const error = new Error(`A drain worker exited (${signal ?? `code ${code}`}) before it was told to stop:\n${output.slice(-2_000)}`);
    worker.failure ??= code === 0 ? undefined : error;
    onFailure?.(error);
    stopped?.(0);
  });
  return worker;
}

function resultOf(label: string, figures: DrainFigures): BenchResult {
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
  description: `${RECORDS} queued call records drained through the real Graph client and worker (SQLite: in this process; Azure: 1 and 2 worker processes sharing the store and the tenant budget) against a loopback Graph enforcing 1,500 requests / ${WINDOW_MS / 1000} s per tenant and 40 / ${WINDOW_MS / 1000} s per call record (429 beyond)`,
  async run(): Promise<BenchResult[]> {
    const results: BenchResult[] = [];
    const engines = process.env.BENCH_STORES?.split(',') ?? ['sqlite'];
    for (const engine of engines) {
      if (engine === 'sqlite') {
        const dir = mkdtempSync(path.join(os.tmpdir(), 'cqb-bench-drain-'));
        try {
          results.push(resultOf('sqlite, 1 worker', await drain({ kind: 'in-process', openStore: async () => openSqliteStore({ dataDir: dir }) })));
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      } else if (engine === 'azure') {
        const azurite = await startAzurite();
        try {
          let run = 0;
          for (const instances of [1, 2]) {
            const prefix = `drain${(run += 1)}`;
            const target = { kind: 'processes' as const, connectionString: azurite.connectionString, prefix };
            results.push(resultOf(`azure (Azurite), ${instances} worker process${instances > 1 ? 'es' : ''}`, await drain(target, instances)));
          }
        } finally {
          await azurite.stop();
        }
      }
    }
    return results;
  },
};
