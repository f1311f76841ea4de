/**
 * The drain section: queued calls drained by processes of the real bot (worker and delivery) through
 * a loopback Graph that enforces the documented limits, with the cards delivered to a loopback Bot
 * Connector. Each run starts from nothing (a fresh Azurite or SQLite folder, fresh loopbacks), the
 * cases run in alternating order round after round (A B C D, D C B A, …), and the figures are the
 * smallest, median and largest over the runs.
 *
 * Settings: BENCH_STORES (`sqlite,azure`), BENCH_DRAIN_RUNS (3), BENCH_DRAIN_LIMITED_CALLS (900:
 * the one-tenant, Graph-bound cases), BENCH_DRAIN_SCALING_CALLS (300: the four-tenant cases),
 * BENCH_DRAIN_CONCURRENCY (16: `WORKER_CONCURRENCY` of the Graph-bound cases, the app's default),
 * BENCH_DRAIN_SCALING_CONCURRENCY (2: of every instance in the scaling cases; low enough that one
 * instance is bound by its storage round trips and not by the two cores it shares with Azurite,
 * the loopbacks and the other instance, which is what a real account with its own machines gives.
 * It was 4 until the worker claimed calls ahead on Azure: an instance then drains about 1.5 times
 * as fast at 4, and two of them kept about 1.6 of the 2 cores busy, so they measured the machine,
 * not the instances; docs/benchmarks.md gives both), BENCH_BOT_NODE_OPTIONS (unset: `NODE_OPTIONS`
 * for the bots, say `--cpu-prof --cpu-prof-dir=/tmp/p` to profile them).
 */
import { createLoopbackTlsCertificate } from '../test/support/loopback-certificates';
import type { BenchResult, BenchSection } from './bench-section';
import { runDrainCase, type DrainCase, type DrainRun } from './drain-case';
import { formatFigure, spreadOf } from './timing';

const RUNS = Number(process.env.BENCH_DRAIN_RUNS ?? 3);
const LIMITED_CALLS = Number(process.env.BENCH_DRAIN_LIMITED_CALLS ?? 900);
const SCALING_CALLS = Number(process.env.BENCH_DRAIN_SCALING_CALLS ?? 300);
const CONCURRENCY = Number(process.env.BENCH_DRAIN_CONCURRENCY ?? 16);
const SCALING_CONCURRENCY = Number(process.env.BENCH_DRAIN_SCALING_CONCURRENCY ?? 2);
const SCALING_TENANTS = 4;
const ORGANIZERS_PER_TENANT = 50;

/** The cases of the engines asked for: Graph-bound on one tenant, and one against two instances with the tenant limit spread. */
function drainCases(engines: readonly string[]): DrainCase[] {
  const common = { organizersPerTenant: ORGANIZERS_PER_TENANT, concurrency: CONCURRENCY };
  const scaling = { ...common, concurrency: SCALING_CONCURRENCY };
  const cases: DrainCase[] = [];
  if (engines.includes('sqlite')) {
    cases.push({ ...common, label: 'sqlite, 1 instance, 1 tenant (Graph-bound)', engine: 'sqlite', delayMs: 0, instances: 1, tenants: 1, calls: LIMITED_CALLS });
  }
  if (engines.includes('azure')) {
    cases.push(
      { ...common, label: 'azure 5 ms, 1 instance, 1 tenant (Graph-bound)', engine: 'azure', delayMs: 5, instances: 1, tenants: 1, calls: LIMITED_CALLS },
      { ...scaling, label: `azure 20 ms, 1 instance, ${SCALING_TENANTS} tenants`, engine: 'azure', delayMs: 20, instances: 1, tenants: SCALING_TENANTS, calls: SCALING_CALLS },
      { ...scaling, label: `azure 20 ms, 2 instances, ${SCALING_TENANTS} tenants`, engine: 'azure', delayMs: 20, instances: 2, tenants: SCALING_TENANTS, calls: SCALING_CALLS },
    );
  }
  return cases;
}

/** Figures of a case over its runs, each as min, median and max. */
function spreadFigures(name: string, samples: readonly number[]): Record<string, number> {
  const known = samples.filter((sample) => !Number.isNaN(sample));
  if (known.length === 0) return {};
  const { min, median, max } = spreadOf(known);
  return { [`${name} min`]: min, [`${name} median`]: median, [`${name} max`]: max };
}

/** The median of a figure over the runs, when known. */
function medianFigure(name: string, samples: readonly number[]): Record<string, number> {
  const known = samples.filter((sample) => !Number.isNaN(sample));
  return known.length === 0 ? {} : { [`${name} median`]: spreadOf(known).median };
}

function resultOf(spec: DrainCase, runs: readonly DrainRun[], scaling?: readonly number[]): BenchResult {
  const shares = runs.map((run) => run.ceilingShare);
  const figures: Record<string, number> = {
    calls: spec.calls,
    runs: runs.length,
    ...spreadFigures('calls/s', runs.map((run) => run.callsPerSecond)),
    ...spreadFigures('fetched calls/s', runs.map((run) => run.fetchedPerSecond)),
    ...spreadFigures('share of ceiling', shares),
    ...spreadFigures('storage req/call', runs.map((run) => run.storageRequestsPerCall)),
    'Graph req/call': Math.max(...runs.map((run) => run.graphRequestsPerCall)),
    ...spreadFigures('bot CPU ms/call', runs.map((run) => run.cpuMsPerCall.bots)),
    ...medianFigure('Azurite CPU ms/call', runs.map((run) => run.cpuMsPerCall.azurite)),
    ...medianFigure('bench CPU ms/call', runs.map((run) => run.cpuMsPerCall.bench)),
    ...medianFigure('proxy hold ms mean', runs.map((run) => run.proxyHolds?.meanMs ?? Number.NaN)),
    ...medianFigure('proxy hold ms p99', runs.map((run) => run.proxyHolds?.p99Ms ?? Number.NaN)),
    '429s': runs.reduce((sum, run) => sum + run.throttled, 0),
    'digest cards': runs.reduce((sum, run) => sum + run.digests, 0),
    ...(scaling ? spreadFigures('× 1 instance', scaling) : {}),
  };
  const targets = [{ description: 'nothing lost or doubled (checked every run)', met: true }];
  if (spec.tenants === 1) targets.push({ description: '≥ 0.9 of Graph\u2019s ceiling in every run', met: shares.every((share) => share >= 0.9) });
  if (scaling) targets.push({ description: 'median ≥ 1.7 × one instance', met: spreadOf(scaling).median >= 1.7 });
  return { case: spec.label, figures, targets };
}

/** The median run's storage requests per call by kind, as one line. */
function kindsLine(runs: readonly DrainRun[]): string {
  const sorted = [...runs].sort((a, b) => a.storageRequestsPerCall - b.storageRequestsPerCall);
  const middle = sorted[Math.floor(sorted.length / 2)]!;
  return Object.entries(middle.storageKindsPerCall)
    .sort(([, a], [, b]) => b - a)
    .map(([kind, perCall]) => `${kind} ${formatFigure(perCall)}`)
    .join(', ');
}

/** The drain of queued calls by the real bot processes, Graph-bound and scaled out. */
export const drainBench: BenchSection = {
  name: 'drain',
  description:
    `Queued call records drained by processes of the real bot (worker and delivery; WORKER_CONCURRENCY=${CONCURRENCY} in the Graph-bound cases, ${SCALING_CONCURRENCY} per instance in the scaling ones) against a loopback Graph enforcing 1,500 requests / 20 s per tenant ` +
    `and 40 / 20 s per call record (2 requests per call: the record and participants_v2), every alert card delivered to a loopback Bot Connector (every fifth call alerts); ` +
    `a fresh store per run, cases in alternating order, ${RUNS} runs each; Azure is Azurite behind a proxy holding each request 5 or 20 ms; ` +
    `"share of ceiling": 20 s over the median time between a request and the one 1,500 after it (1 = the bot keeps up with Graph's limit); ` +
    `"fetched calls/s": calls over the time to Graph's last answer (the workers' pace, without the delivery's tail); "storage req/call": requests through the proxy from the first call queued to the last card, per call (drain, delivery and idle polls); ` +
    `"CPU ms/call": CPU time per call over the same span, of the bot processes, of Azurite, and of the benchmark process (loopback Graph, Bot Connector, latency proxies); ` +
    `"proxy hold": how long the latency proxies really held each chunk over the same span (the delay, plus the lateness of the benchmark process's event loop); ` +
    `"× 1 instance": calls/s of two instances over one instance in the same round`,
  async run(): Promise<BenchResult[]> {
    const cases = drainCases(process.env.BENCH_STORES?.split(',') ?? ['sqlite', 'azure']);
    const runs = new Map<DrainCase, DrainRun[]>(cases.map((spec) => [spec, []]));
    const tls = await createLoopbackTlsCertificate();
    for (let round = 0; round < RUNS; round += 1) {
      const order = round % 2 === 0 ? cases : [...cases].reverse();
      for (const spec of order) {
        const run = await runDrainCase(spec, tls);
        runs.get(spec)!.push(run);
        process.stdout.write(
          `  round ${round + 1}, ${spec.label}: ${formatFigure(run.callsPerSecond)} calls/s in ${formatFigure(run.seconds)} s (fetched: ${formatFigure(run.fetchedPerSecond)} calls/s), share of ceiling ${formatFigure(run.ceilingShare)}, ` +
            `storage ${formatFigure(run.storageRequestsPerCall)} req/call, Graph ${formatFigure(run.graphRequestsPerCall)} req/call, ${run.throttled} 429s, ${run.cards} cards, ` +
            `CPU ms/call: bots ${formatFigure(run.cpuMsPerCall.bots)}, Azurite ${formatFigure(run.cpuMsPerCall.azurite)}, bench ${formatFigure(run.cpuMsPerCall.bench)}; ` +
            `card after its Graph answer: median ${formatFigure(run.cardLatencyMs.median)} ms, largest ${formatFigure(run.cardLatencyMs.max)} ms; settled ${formatFigure(run.settleTailMs)} ms after the last card` +
            (run.proxyHolds ? `; storage proxy held a chunk ${formatFigure(run.proxyHolds.meanMs)} ms on average (p99 ${formatFigure(run.proxyHolds.p99Ms)}, largest ${formatFigure(run.proxyHolds.maxMs)})` : '') +
            '\n',
        );
      }
    }
    const oneInstance = cases.find((spec) => spec.engine === 'azure' && spec.instances === 1 && spec.tenants > 1);
    const results: BenchResult[] = [];
    for (const spec of cases) {
      const own = runs.get(spec)!;
      const scaling = spec.instances > 1 && oneInstance ? own.map((run, round) => run.callsPerSecond / runs.get(oneInstance)![round]!.callsPerSecond) : undefined;
      results.push(resultOf(spec, own, scaling));
      if (spec.engine === 'azure') process.stdout.write(`  ${spec.label}, storage requests per call by kind (median run): ${kindsLine(own)}\n`);
    }
    return results;
  },
};
