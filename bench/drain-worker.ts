/**
 * One instance of the drain benchmark as its own process: opens the Azure store on the connection
 * string and prefix it is given, and runs the real inbox worker with a Graph client against the
 * loopback Graph and token server named in its environment, with its share of the tenant's budget.
 *
 * Protocol on stdin/stdout, one line each: it prints `{"ready":true}` once the store is open, starts
 * draining on `start`, and on `stop` (or when stdin closes: the benchmark is gone) it stops, prints
 * `{"stopped":true,"peakRssMb":…}` and exits. The TLS certificate of the loopback servers comes in
 * through `NODE_EXTRA_CA_CERTS`.
 *
 * Environment: DRAIN_AZURE_CONNECTION_STRING, DRAIN_AZURE_PREFIX, DRAIN_GRAPH_URL,
 * DRAIN_AUTHORITY_HOST, DRAIN_CLIENT_ID, DRAIN_CLIENT_SECRET, DRAIN_WINDOW_MS,
 * DRAIN_PER_TENANT_LIMIT (this process's share), DRAIN_CONCURRENCY (default 64).
 */
import { createInterface } from 'node:readline';
import { summarizeCall } from '../src/alerts';
import { createGraphClient } from '../src/graph';
import { InboxWorker, IngestStatus } from '../src/ingest';
import { createLogger } from '../src/logger';
import { resolveScoringOptions } from '../src/quality';
import { openAzureStore } from '../src/store/azure';

/** Drain-worker settings read from the environment. */
interface DrainWorkerSettings {
  connectionString: string;
  prefix: string;
  graphUrl: string;
  authorityHost: string;
  clientId: string;
  clientSecret: string;
  windowMs: number;
  perTenantLimit: number;
  concurrency: number;
}

/** Reads the worker's settings; throws naming the first variable that is missing or wrong. */
function drainWorkerSettings(env: NodeJS.ProcessEnv): DrainWorkerSettings {
  const text = (name: string): string => {
    const value = env[name]?.trim();
    if (!value) throw new Error(`${name} is not set; the drain benchmark sets it when it starts this worker.`);
    return value;
  };
  const whole = (name: string, fallback?: number): number => {
    const raw = env[name]?.trim();
    const value = raw ? Number(raw) : fallback;
    if (value === undefined || !Number.isInteger(value) || value < 1) throw new Error(`${name}=${raw ?? ''} is not a whole number of 1 or more.`);
    return value;
  };
  return {
    connectionString: text('DRAIN_AZURE_CONNECTION_STRING'),
    prefix: text('DRAIN_AZURE_PREFIX'),
    graphUrl: text('DRAIN_GRAPH_URL'),
    authorityHost: text('DRAIN_AUTHORITY_HOST'),
    clientId: text('DRAIN_CLIENT_ID'),
    clientSecret: text('DRAIN_CLIENT_SECRET'),
    windowMs: whole('DRAIN_WINDOW_MS'),
    perTenantLimit: whole('DRAIN_PER_TENANT_LIMIT'),
    concurrency: whole('DRAIN_CONCURRENCY', 64),
  };
}

async function main(): Promise<void> {
  const settings = drainWorkerSettings(process.env);
  const logger = createLogger('silent');
  const store = await openAzureStore({ connectionString: settings.connectionString }, { prefix: settings.prefix });
  const options = resolveScoringOptions();
  const worker = new InboxWorker({
    store,
    source: createGraphClient({
      baseUrl: settings.graphUrl,
      authorityHost: settings.authorityHost,
      clientId: settings.clientId,
      credential: { clientSecret: settings.clientSecret },
      logger,
      limits: {
        perTenant: { limit: settings.perTenantLimit, windowMs: settings.windowMs },
        perCallRecord: { limit: 40, windowMs: settings.windowMs },
        listCallRecords: { limit: 40, windowMs: settings.windowMs },
      },
    }),
    logger,
    status: new IngestStatus(),
    scoringFor: async () => options,
    summarize: summarizeCall,
    concurrency: settings.concurrency,
    idleMs: 50,
  });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await worker.stop();
      clearInterval(sampler);
      await store.close();
      process.stdout.write(`${JSON.stringify({ stopped: true, peakRssMb: peakRss / 2 ** 20 })}\n`, () => process.exit(0));
    })());
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line.trim() === 'start') worker.start();
    else if (line.trim() === 'stop') void stop();
  });
  lines.on('close', () => void stop());
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`The drain worker failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
