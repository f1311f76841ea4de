/**
 * The webhook benchmark: `POST /api/notifications` (one notification per request, a new call each
 * time, written to the inbox) beside a bare restify endpoint that only answers 202, each target in
 * its own process. Cases (`BENCH_WEBHOOK_CASES`, comma-separated; all by default):
 * - `sqlite`: an empty SQLite inbox;
 * - `filled`: the SQLite inbox holding `BENCH_WEBHOOK_FILL` (1,000,000) done items, then the same
 *   file after `INBOX_RETENTION_DAYS` pruned them: how the rate holds as the inbox grows;
 * - `azure`: Azurite behind a 5 ms latency proxy per request (real Storage answers in a few ms),
 *   with the storage requests per notification counted by the proxy, and the CPU time per
 *   notification of the webhook, Azurite and this process (proxies and autocannon): what bounds it.
 *   Run at each of `BENCH_WEBHOOK_AZURE_CONNECTIONS` (20, 50 and 100) connections: every answer
 *   waits for a durable write (a round trip of at least 5 ms), so a closed loop of `n` connections
 *   can never send more than `n` over that wait a second (Little's law), and the rate at 20 alone
 *   measures the load generator's concurrency as much as the webhook. Graph's documentation names
 *   no limit on how many notifications it posts at once; the rate and p99 at each concurrency show
 *   what the webhook takes;
 * - `burst-sqlite`, `burst-azure`: 10,000 notifications as fast as 200 connections (`BENCH_WEBHOOK_BURST_CONNECTIONS`)
 *   get answers, on the bare endpoint, SQLite, and Azure at 5 ms. (With 1,000 connections on a busy
 *   2-core machine even the bare endpoint's p99 is 1 s: SYN retries, not the webhook.)
 * Each steady case runs `BENCH_WEBHOOK_REPEATS` (3) times after a warm-up; figures are min/median/max.
 * The SQLite cases run in turns with a bare endpoint kept up beside them (which goes first
 * alternates), and their share of it is taken pair by pair.
 * `BENCH_WEBHOOK_BASELINE`, the `dist/bench` folder of another build (say, main's), adds its
 * webhook beside this one's in the `sqlite`, `azure` and `burst-azure` cases: before and after in one run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchResult, BenchSection } from './bench-section';
import { startAzurite } from '../test/support/azurite';
import { delayAzurite, type HoldFigures } from '../test/support/latency-proxy';
import { azuriteCeiling } from './webhook-azurite-ceiling';
import { fillDoneItems, pruneInbox } from './webhook-inbox-fill';
import { childPidsRunning, cpuMsOf, ownCpuMs } from './process-cpu';
import { load, startTarget, type LoadFigures, type LoadShape, type Target } from './webhook-load';
import { median, spread } from './timing';

const SECONDS = Number(process.env.BENCH_WEBHOOK_SECONDS ?? 5);
const REPEATS = Math.max(1, Number(process.env.BENCH_WEBHOOK_REPEATS ?? 3));
const FILL = Number(process.env.BENCH_WEBHOOK_FILL ?? 1_000_000);
const CASES = new Set((process.env.BENCH_WEBHOOK_CASES ?? 'sqlite,filled,azure,burst-sqlite,burst-azure').split(',').map((name) => name.trim()));
const CONNECTIONS = 20;
/** The connections of the Azure steady cases, one case each (20, as the SQLite cases, then 50 and 100 by default). */
const AZURE_CONNECTIONS = (process.env.BENCH_WEBHOOK_AZURE_CONNECTIONS ?? `${CONNECTIONS},50,100`).split(',').map((count) => {
  const connections = Number(count.trim());
  if (!Number.isInteger(connections) || connections < 1) throw new Error(`BENCH_WEBHOOK_AZURE_CONNECTIONS: "${count}" is not a whole number of connections.`);
  return connections;
});
const AZURE_DELAY_MS = 5;
const BURST = { connections: Number(process.env.BENCH_WEBHOOK_BURST_CONNECTIONS ?? 200), amount: 10_000 };
const DAY_MS = 24 * 3_600_000;
const BASELINE = process.env.BENCH_WEBHOOK_BASELINE;

/** What a case measured: its runs, the storage requests per accepted notification (Azure), and where the CPU went. */
interface Measured {
  runs: LoadFigures[];
  requestsPerNotification?: number;
  /** CPU milliseconds per notification sent during the timed runs, by process (Azure). */
  cpuMsPerNotification?: Record<string, number>;
  /** Those processes' CPU time over the wall time of the timed runs: how much of the machine's cores they used. */
  coresBusy?: number;
  /** Two targets measured side by side: the other one's runs, paired with these by index. */
  paired?: LoadFigures[];
  /** How long the storage proxies really held each chunk during the timed runs (Azure). */
  holds?: HoldFigures;
}

/** Readings taken before and after the timed runs: a storage request counter, CPU times by process. */
interface Meters {
  count?: () => number;
  /** CPU milliseconds so far by process, given the target measured. */
  cpu?: (target: Target) => Record<string, number>;
  /** Starts counting the proxies' holds afresh, then reads them (Azure). */
  resetHolds?: () => void;
  holds?: () => HoldFigures;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts a target and warms it up. */
async function startWarm(mode: 'webhook' | 'bare', dataDir: string, env: NodeJS.ProcessEnv, benchDir?: string): Promise<Target> {
  const target = await startTarget(mode, dataDir, env, benchDir);
  try {
    await load(target.port, { connections: CONNECTIONS, seconds: Math.min(2, SECONDS) });
  } catch (error) {
    await target.stop();
    throw error;
  }
  return target;
}

/** Starts a target, warms it up, then measures `repeats` runs of `shape`, reading `meters` around them. */
async function measure(mode: 'webhook' | 'bare', dataDir: string, env: NodeJS.ProcessEnv, shape: LoadShape, repeats: number, meters: Meters = {}, benchDir?: string): Promise<Measured> {
  const target = await startWarm(mode, dataDir, env, benchDir);
  try {
    // The warm-up's last writes (answered or not) land before the count starts.
    await pause(1_000);
    const count = meters.count;
    const before = count?.() ?? 0;
    const cpuBefore = meters.cpu?.(target);
    meters.resetHolds?.();
    const startedAt = Date.now();
    const runs: LoadFigures[] = [];
    for (let repeat = 0; repeat < repeats; repeat += 1) runs.push(await load(target.port, shape));
    // Requests still in flight when a timed run ends are written too: let them land, and count them.
    if (count || meters.cpu) await pause(1_000);
    const sent = Math.max(1, runs.reduce((sum, run) => sum + run.sent, 0));
    const cpuAfter = meters.cpu?.(target);
    const holds = meters.holds?.();
    const used = cpuBefore && cpuAfter ? Object.entries(cpuAfter).map(([name, ms]) => [name, ms - cpuBefore[name]!] as const) : undefined;
    return {
      runs,
      requestsPerNotification: count ? (count() - before) / sent : undefined,
      cpuMsPerNotification: used && Object.fromEntries(used.map(([name, ms]) => [name, ms / sent])),
      coresBusy: used && used.reduce((sum, [, ms]) => sum + ms, 0) / (Date.now() - startedAt),
      holds,
    };
  } finally {
    await target.stop();
  }
}

/**
 * Measures `repeats` runs of `shape` on `subject` and on the bare endpoint in turns, the one going
 * first alternating, so each of the subject's runs has a bare run beside it on the same machine
 * (a shared machine's load drifts between runs more than builds differ: the share is per pair).
 */
async function measureBesideBare(bare: Target, subject: Target, shape: LoadShape, repeats: number): Promise<Measured> {
  const runs: LoadFigures[] = [];
  const paired: LoadFigures[] = [];
  for (let repeat = 0; repeat < repeats; repeat += 1) {
    if (repeat % 2 === 0) {
      paired.push(await load(bare.port, shape));
      runs.push(await load(subject.port, shape));
    } else {
      runs.push(await load(subject.port, shape));
      paired.push(await load(bare.port, shape));
    }
  }
  return { runs, paired };
}

/** The share of the bare endpoint in each pair of runs. */
function sharesOf(measured: Measured): number[] {
  return measured.runs.map((run, index) => run.requestsPerSecond / measured.paired![index]!.requestsPerSecond);
}

/** The share of the bare endpoint: pair by pair when the case ran beside one, else of the bare endpoint's median (when given). */
function shareFigures(measured: Measured, bareMedian: number | undefined): Record<string, number> {
  if (measured.paired !== undefined) {
    return { 'bare req/s median (paired)': median(measured.paired.map((run) => run.requestsPerSecond)), ...spread('share of bare', sharesOf(measured)) };
  }
  return bareMedian === undefined ? {} : { 'share of bare': median(measured.runs.map((run) => run.requestsPerSecond)) / bareMedian };
}

/** The figures of a case: rate and latencies as min/median/max, with its share of the bare endpoint. */
function figuresOf(measured: Measured, bareMedian: number | undefined): Record<string, number> {
  const rates = measured.runs.map((run) => run.requestsPerSecond);
  return {
    ...spread('req/s', rates),
    ...shareFigures(measured, bareMedian),
    'p50 ms median': median(measured.runs.map((run) => run.p50)),
    ...spread('p99 ms', measured.runs.map((run) => run.p99)),
    'failed answers': measured.runs.reduce((sum, run) => sum + run.non2xx + run.errors, 0),
    ...(measured.requestsPerNotification === undefined ? {} : { 'storage req/notification': measured.requestsPerNotification }),
    ...Object.fromEntries(Object.entries(measured.cpuMsPerNotification ?? {}).map(([name, ms]) => [`${name} CPU ms/notification`, ms])),
    ...(measured.coresBusy === undefined ? {} : { 'cores busy': measured.coresBusy }),
    ...(measured.holds === undefined ? {} : { 'proxy hold ms mean': measured.holds.meanMs, 'proxy hold ms p99': measured.holds.p99Ms }),
  };
}

const steady: LoadShape = { connections: CONNECTIONS, seconds: SECONDS };

/** The webhook under load beside a bare restify endpoint; see the file's comment for the cases. */
export const webhookBench: BenchSection = {
  name: 'webhook',
  description: `POST /api/notifications (one notification per request, a new call each time, written to the inbox) under autocannon with ${CONNECTIONS} connections for ${SECONDS} s, ${REPEATS} runs per case after a warm-up, beside a bare restify endpoint that only answers 202; Azure is Azurite behind a ${AZURE_DELAY_MS} ms latency proxy, at ${AZURE_CONNECTIONS.join(', ')} connections (each answer waits for a durable write, so a closed loop of n connections sends at most n over that wait a second); a burst is ${BURST.amount.toLocaleString('en-US')} notifications from ${BURST.connections.toLocaleString('en-US')} connections`,
  async run(): Promise<BenchResult[]> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cqb-bench-webhook-'));
    const results: BenchResult[] = [];
    const sqliteEnv = { ...process.env, STORE: 'sqlite' };
    const folder = (name: string) => path.join(dir, name);
    try {
      const bare = await measure('bare', folder('bare'), process.env, steady, REPEATS);
      const bareMedian = median(bare.runs.map((run) => run.requestsPerSecond));
      results.push({ case: 'bare restify 202', figures: figuresOf(bare, undefined) });
      const sqliteTargets = (measured: Measured) => [
        { description: '≥ 0.7 × the bare endpoint (median of the paired runs)', met: median(sharesOf(measured)) >= 0.7 },
        { description: 'p99 < 50 ms', met: Math.max(...measured.runs.map((run) => run.p99)) < 50 },
      ];

      if (CASES.has('sqlite') || CASES.has('filled')) {
        // The bare endpoint stays up through the SQLite cases, each of whose runs has a bare run beside it.
        const bareBeside = await startWarm('bare', folder('bare-beside'), process.env);
        const besideBare = async (dataDir: string, benchDir?: string): Promise<Measured> => {
          const subject = await startWarm('webhook', dataDir, sqliteEnv, benchDir);
          try {
            return await measureBesideBare(bareBeside, subject, steady, REPEATS);
          } finally {
            await subject.stop();
          }
        };
        try {
          if (CASES.has('sqlite')) {
            if (BASELINE !== undefined) {
              const before = await besideBare(folder('sqlite-baseline'), BASELINE);
              results.push({ case: 'webhook, sqlite, empty inbox (baseline build)', figures: figuresOf(before, undefined) });
            }
            const measured = await besideBare(folder('sqlite'));
            results.push({ case: 'webhook, sqlite, empty inbox', figures: figuresOf(measured, undefined), targets: sqliteTargets(measured) });
          }

          if (CASES.has('filled')) {
            const now = Date.now();
            await fillDoneItems(folder('filled'), FILL, now - 30 * DAY_MS);
            const full = await besideBare(folder('filled'));
            results.push({ case: `webhook, sqlite, ${FILL.toLocaleString('en-US')} done items kept`, figures: figuresOf(full, undefined), targets: sqliteTargets(full) });
            const pruned = await pruneInbox(folder('filled'), now - 7 * DAY_MS);
            const after = await besideBare(folder('filled'));
            results.push({
              case: `webhook, sqlite, same file after pruning (${pruned.removed.toLocaleString('en-US')} removed)`,
              figures: { ...figuresOf(after, undefined), 'prune s': pruned.seconds },
              targets: sqliteTargets(after),
            });
          }
        } finally {
          await bareBeside.stop();
        }
      }

      const azureSteady = AZURE_CONNECTIONS.flatMap((connections) => {
        const shape: LoadShape = { connections, seconds: SECONDS };
        const label = `webhook, azure at ${AZURE_DELAY_MS} ms per request, ${connections} connections`;
        return [
          ...(BASELINE === undefined ? [] : [['azure', shape, `${label} (baseline build)`, BASELINE] as const]),
          ['azure', shape, label, undefined] as const,
        ];
      });
      for (const [wanted, shape, label, benchDir] of [
        ...azureSteady,
        ...(BASELINE === undefined ? [] : [['burst-azure', BURST, `burst of ${BURST.amount.toLocaleString('en-US')}, azure at ${AZURE_DELAY_MS} ms (baseline build)`, BASELINE] as const]),
        ['burst-azure', BURST, `burst of ${BURST.amount.toLocaleString('en-US')}, azure at ${AZURE_DELAY_MS} ms`, undefined],
      ] as const) {
        if (!CASES.has(wanted)) continue;
        // A fresh emulator per case: what one case leaves in Azurite slows the next.
        const azurite = await startAzurite();
        const delayed = await delayAzurite(azurite, AZURE_DELAY_MS);
        try {
          const env = { ...process.env, STORE: 'azure', AZURE_STORAGE_CONNECTION_STRING: delayed.connectionString, AZURE_STORAGE_PREFIX: 'benchwebhook' };
          const meters: Meters = {
            count: () => delayed.requests(),
            // Where the two cores go: the webhook, the emulator, and this process (the latency proxies and autocannon).
            cpu: (target) => ({ webhook: cpuMsOf(target.pid), azurite: childPidsRunning('azurite').reduce((sum, pid) => sum + cpuMsOf(pid), 0), 'bench process': ownCpuMs() }),
            // The latency really injected: the delay, plus this process's event loop's lateness (autocannon runs here too).
            resetHolds: () => delayed.resetHolds(),
            holds: () => delayed.holds(),
          };
          // Azurite's own ceiling beside the case whose loops it matches (20 connections: as the SQLite cases).
          if (wanted === 'azure' && benchDir === undefined && shape.connections === CONNECTIONS) {
            const ceiling = await azuriteCeiling(delayed.connectionString, CONNECTIONS, SECONDS);
            results.push({
              case: `Azurite's ceiling at ${AZURE_DELAY_MS} ms: message + row, ${CONNECTIONS} loops, no webhook`,
              figures: { 'req/s median': ceiling.pairsPerSecond, 'p50 ms median': ceiling.p50, 'p99 ms median': ceiling.p99, 'storage req/notification': 2 },
            });
          }
          const measured = await measure('webhook', folder(wanted), env, shape, wanted === 'burst-azure' ? 1 : REPEATS, meters, benchDir);
          const p99 = Math.max(...measured.runs.map((run) => run.p99));
          const failed = measured.runs.some((run) => run.non2xx + run.errors > 0);
          results.push({
            case: label,
            figures: figuresOf(measured, wanted === 'burst-azure' ? undefined : bareMedian),
            targets:
              benchDir !== undefined
                ? undefined
                : wanted === 'burst-azure'
                  ? [{ description: 'p99 < 1 s, every notification accepted', met: p99 < 1000 && !failed }]
                  : [
                      { description: '≥ 1,000 req/s', met: median(measured.runs.map((run) => run.requestsPerSecond)) >= 1000 },
                      { description: 'p99 < 100 ms', met: p99 < 100 },
                      { description: '≤ 2 storage requests per notification', met: (measured.requestsPerNotification ?? Infinity) <= 2 },
                    ],
          });
        } finally {
          await delayed.stop();
          await azurite.stop();
        }
      }

      if (CASES.has('burst-sqlite')) {
        // The bare endpoint under the same burst: what the machine and the load generator allow.
        for (const [mode, env, label] of [
          ['bare', process.env, 'bare restify 202'],
          ['webhook', sqliteEnv, 'sqlite'],
        ] as const) {
          const measured = await measure(mode, folder(`burst-${mode}`), env, BURST, 1);
          const p99 = Math.max(...measured.runs.map((run) => run.p99));
          const failed = measured.runs.some((run) => run.non2xx + run.errors > 0);
          results.push({
            case: `burst of ${BURST.amount.toLocaleString('en-US')}, ${label}`,
            figures: figuresOf(measured, undefined),
            targets: mode === 'bare' ? undefined : [{ description: 'p99 < 1 s, every notification accepted', met: p99 < 1000 && !failed }],
          });
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return results;
  },
};
