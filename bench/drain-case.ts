/**
 * One run of one drain case: everything fresh (Azurite behind its latency proxies, or a SQLite
 * folder; the loopback Graph, token endpoint and Bot Connector), `instances` processes of the real
 * bot (`src/index.ts`: worker and delivery) sharing them, organizers installed, then the calls
 * queued and timed until every alert card reached the connector. Throws when anything was lost
 * or doubled: every alerting call's card is posted exactly once, no other call's card at all, and
 * every queued item ends done.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openAzureStore } from '../src/store/azure';
import { startAzurite } from '../test/support/azurite';
import { stopBotProcess, type BotProcess } from '../test/support/bot-process';
import { changeNotification } from '../test/support/change-notification';
import { delayAzurite, type DelayedAzurite, type HoldFigures } from '../test/support/latency-proxy';
import { LoopbackBotConnector } from '../test/support/loopback-bot-connector';
import type { LoopbackTlsCertificate } from '../test/support/loopback-certificates';
import { startLoopbackGraph, type LoopbackGraph } from '../test/support/loopback-graph';
import { startLoopbackTokenServer } from '../test/support/loopback-token-server';
import { postPersonalInstall } from '../test/support/personal-install';
import { startBotInstance } from './bot-instance';
import { drainCallAlerts, drainCallId, drainCallIdsIn, drainCallIndex, drainCallRecords, drainOrganizer, drainTenants } from './drain-calls';
import { sustainedShare } from './graph-pacing';
import { childPidsRunning, cpuMsOf, ownCpuMs } from './process-cpu';

const CLIENT_ID = '33333333-3333-4333-8333-333333333333';
const CLIENT_SECRET = 'bench-secret~value';
const CLIENT_STATE = 'drain-bench-client-state-0123456789';
/** Graph's documented limit per app and tenant, which both the loopback and the bot's client apply. */
const TENANT_LIMIT = { limit: 1500, windowMs: 20_000 };
/**
 * Calls each instance drains before the timed part (through its webhook), so that every process has
 * compiled its hot paths and opened its connections: a process's warm-up costs seconds of CPU,
 * which two instances would otherwise pay twice within the timed span.
 */
const WARM_UP_CALLS_PER_INSTANCE = 40;
/** How long a run may take before it counts as stuck. */
const RUN_TIMEOUT_MS = 5 * 60_000;

/** What a case runs. */
export interface DrainCase {
  label: string;
  engine: 'sqlite' | 'azure';
  /** Milliseconds the proxy holds each storage request (Azure only). */
  delayMs: number;
  instances: number;
  /** Tenants the calls are spread over: 1 keeps Graph's per-tenant limit binding; more lift it. */
  tenants: number;
  calls: number;
  organizersPerTenant: number;
  /** `WORKER_CONCURRENCY` of every instance. */
  concurrency: number;
}

/** What one run measured. */
export interface DrainRun {
  seconds: number;
  callsPerSecond: number;
  /** Calls per second up to Graph's last answer: the workers' pace, without the delivery's tail. */
  fetchedPerSecond: number;
  /** The share of Graph's per-tenant ceiling sustained (see `graph-pacing.ts`); NaN when no tenant filled a window. */
  ceilingShare: number;
  /** Requests through the storage proxy per call, from the first call queued to the last card (Azure only, NaN for SQLite). */
  storageRequestsPerCall: number;
  /** Those requests by kind, per call. */
  storageKindsPerCall: Record<string, number>;
  graphRequestsPerCall: number;
  throttled: number;
  /** CPU milliseconds per call from the first call queued to the last card: of the bot processes, of Azurite (NaN for SQLite), of this process (loopbacks, proxies). */
  cpuMsPerCall: { bots: number; azurite: number; bench: number };
  cards: number;
  digests: number;
  /** Per alerting call, milliseconds from Graph's answer with its participants to its card at the connector: median and largest. */
  cardLatencyMs: { median: number; max: number };
  /** Milliseconds from the last card (or Graph answer) to the /healthz read that found everything settled (0 when the first read did). */
  settleTailMs: number;
  /** How long the storage proxies really held the chunks over the timed span (Azure only): the latency injected, lateness of this process's event loop included. */
  proxyHolds?: HoldFigures;
}

/** Runs one case once; `tls` is the loopback certificate every run shares. */
export async function runDrainCase(spec: DrainCase, tls: LoopbackTlsCertificate): Promise<DrainRun> {
  const tenants = drainTenants(spec.tenants);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cqb-bench-drain-'));
  const closers: Array<() => Promise<unknown>> = [];
  const bots: BotProcess[] = [];
  try {
    writeFileSync(path.join(dir, 'ca.pem'), tls.cert);
    const tokens = await startLoopbackTokenServer({ tls, apps: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }], tenants });
    closers.push(() => tokens.close());
    const warmUp = Array.from({ length: WARM_UP_CALLS_PER_INSTANCE * spec.instances }, (_, index) => spec.calls + index);
    const total = spec.calls + warmUp.length;
    const graph = await startLoopbackGraph({ verifyAccessToken: tokens.verifyAccessToken, enforceLimits: true, requestLogLimit: total * 3 + 10_000 });
    closers.push(() => graph.close());
    const connector = await new LoopbackBotConnector().start();
    closers.push(() => connector.stop());
    for (const record of drainCallRecords(total, tenants, spec.organizersPerTenant)) graph.putRecord(record);

    const prefix = `drain${Date.now().toString(36)}`;
    // Through the latency proxies (`delayed`), and `direct` to Azurite for the benchmark's own writes.
    let storage: { delayed: DelayedAzurite; direct: string } | undefined;
    if (spec.engine === 'azure') {
      const azurite = await startAzurite();
      closers.push(() => azurite.stop());
      const delayed = await delayAzurite(azurite, spec.delayMs);
      closers.push(() => delayed.stop());
      storage = { delayed, direct: azurite.connectionString };
    }
    const env: NodeJS.ProcessEnv = {
      DATA_DIR: path.join(dir, 'data'),
      LOG_LEVEL: 'warn',
      STORE: spec.engine,
      ...(storage ? { AZURE_STORAGE_CONNECTION_STRING: storage.delayed.connectionString, AZURE_STORAGE_PREFIX: prefix } : {}),
      GRAPH_TENANT_IDS: tenants.join(','),
      GRAPH_CLIENT_ID: CLIENT_ID,
      GRAPH_CLIENT_SECRET: CLIENT_SECRET,
      GRAPH_BASE_URL: graph.url,
      AUTHORITY_HOST: tokens.url,
      NOTIFICATION_CLIENT_STATE: CLIENT_STATE,
      NODE_EXTRA_CA_CERTS: path.join(dir, 'ca.pem'),
      // No admins' channel is chosen: each alert is one card, to its organizer.
      ALERT_CHANNEL_POLICY: 'poor',
      WORKER_CONCURRENCY: String(spec.concurrency),
      // For profiling the bots (say, `--cpu-prof --cpu-prof-dir=/tmp/p`); npm start's heap flags stay on the command line.
      ...(process.env.BENCH_BOT_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_BOT_NODE_OPTIONS } : {}),
    };
    bots.push(...(await Promise.all(Array.from({ length: spec.instances }, () => startBotInstance(env)))));
    await installOrganizers(bots[0]!, connector.serviceUrl, tenants, spec.organizersPerTenant);
    await Promise.all(bots.map((bot, position) => notifyCalls(bot, tenants, warmUp.filter((_, index) => index % bots.length === position))));
    await waitForCards(connector, graph, bots, warmUp);

    const storageBefore = storage?.delayed.requests() ?? 0;
    const kindsBefore = storage?.delayed.requestsByKind() ?? {};
    const cpu = () => ({
      bots: bots.reduce((sum, bot) => sum + cpuMsOf(bot.child.pid), 0),
      azurite: spec.engine === 'azure' ? childPidsRunning('azurite').reduce((sum, pid) => sum + cpuMsOf(pid), 0) : Number.NaN,
      bench: ownCpuMs(),
    });
    const cpuBefore = cpu();
    storage?.delayed.resetHolds();
    const started = Date.now();
    await enqueue(spec, bots, tenants, storage?.direct, prefix);
    const cardsAt = await waitForCards(connector, graph, bots, Array.from({ length: spec.calls }, (_, index) => index));
    const fetchedAt = graph.requests.at(-1)?.at ?? cardsAt;
    const cpuAfter = cpu();
    const storageRequests = (storage?.delayed.requests() ?? Number.NaN) - storageBefore;
    const kindsAfter = storage?.delayed.requestsByKind() ?? {};
    const proxyHolds = storage?.delayed.holds();
    const ended = Math.max(cardsAt, await confirmDrained(bots[0]!, total));
    const { cards, digests } = checkCardsOnce(total, connector);
    const latencies = cardLatencies(graph, connector, spec.calls);

    const seconds = (ended - started) / 1000;
    const admitted = graph.requests.filter((request) => request.status === 200 && request.at >= started && drainCallIndex(request.callId ?? '')! < spec.calls);
    const shares = tenants
      .map((tenant) => sustainedShare(admitted.filter((request) => request.tenantId === tenant).map((request) => request.at), TENANT_LIMIT.limit, TENANT_LIMIT.windowMs))
      .filter((share) => !Number.isNaN(share));
    const storageKindsPerCall: Record<string, number> = {};
    for (const [kind, count] of Object.entries(kindsAfter)) {
      const added = count - (kindsBefore[kind] ?? 0);
      if (added > 0) storageKindsPerCall[kind.replace(`${prefix}-`, '').replace(prefix, '')] = added / spec.calls;
    }
    return {
      seconds,
      callsPerSecond: spec.calls / seconds,
      fetchedPerSecond: spec.calls / ((fetchedAt - started) / 1000),
      ceilingShare: shares.length === 0 ? Number.NaN : Math.min(...shares),
      storageRequestsPerCall: storageRequests / spec.calls,
      storageKindsPerCall,
      graphRequestsPerCall: admitted.length / spec.calls,
      throttled: graph.stats.throttled + graph.stats.throttledByLimits,
      cpuMsPerCall: {
        bots: (cpuAfter.bots - cpuBefore.bots) / spec.calls,
        azurite: (cpuAfter.azurite - cpuBefore.azurite) / spec.calls,
        bench: (cpuAfter.bench - cpuBefore.bench) / spec.calls,
      },
      cards,
      digests,
      cardLatencyMs: { median: latencies[Math.floor(latencies.length / 2)] ?? Number.NaN, max: latencies.at(-1) ?? Number.NaN },
      settleTailMs: ended - cardsAt,
      proxyHolds,
    };
  } finally {
    await Promise.all(bots.map((bot) => stopBotProcess(bot)));
    for (const close of closers.reverse()) await close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Installs the app for every organizer (personal scope), as Teams tells the bot; 16 at a time. */
async function installOrganizers(bot: BotProcess, serviceUrl: string, tenants: readonly string[], perTenant: number): Promise<void> {
  const organizers = tenants.flatMap((_, tenantIndex) => Array.from({ length: perTenant }, (_, number) => drainOrganizer(tenants, tenantIndex, number)));
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < organizers.length) {
        const { tenantId, aadObjectId, conversationId } = organizers[next++]!;
        const status = await postPersonalInstall(bot.port, { serviceUrl, tenantId, chatId: conversationId, user: { id: `29:${aadObjectId}`, name: 'Organizer', aadObjectId } });
        if (status !== 200) throw new Error(`Installing the app for an organizer got HTTP ${status} from the bot.`);
      }
    }),
  );
}

/**
 * Queues every call. On Azure the items are written straight to Azurite (not through the proxy,
 * so the count is the drain's alone), all but one per instance, whose notification then goes to
 * that instance's webhook to wake its worker. SQLite belongs to its one process: all through the webhook.
 */
async function enqueue(spec: DrainCase, bots: readonly BotProcess[], tenants: readonly string[], direct: string | undefined, prefix: string): Promise<void> {
  const indexes = Array.from({ length: spec.calls }, (_, index) => index);
  if (direct) {
    const store = await openAzureStore({ connectionString: direct }, { prefix });
    try {
      const queued = indexes.slice(0, spec.calls - bots.length);
      for (let at = 0; at < queued.length; at += 500) {
        const items = queued.slice(at, at + 500).map((index) => ({ tenantId: tenants[index % tenants.length]!, callId: drainCallId(index), source: 'notification' as const }));
        await store.inbox.enqueue(items, Date.now());
      }
    } finally {
      await store.close();
    }
    await Promise.all(bots.map((bot, position) => notifyCalls(bot, tenants, [spec.calls - bots.length + position])));
    return;
  }
  for (let at = 0; at < indexes.length; at += 100) await notifyCalls(bots[0]!, tenants, indexes.slice(at, at + 100));
}

/** POSTs the change notifications of some calls to a bot's webhook, as Graph would (one POST). */
async function notifyCalls(bot: BotProcess, tenants: readonly string[], indexes: readonly number[]): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${bot.port}/api/notifications`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ value: indexes.map((index) => changeNotification(tenants[index % tenants.length]!, CLIENT_STATE, drainCallId(index))) }),
  });
  await response.arrayBuffer();
  if (response.status !== 202) throw new Error(`The webhook answered HTTP ${response.status} to a notification POST.`);
}

/**
 * Waits, reading only this process's memory every 50 ms, until Graph answered every call of
 * `indexes` and every alerting one's card reached the connector; resolves to the time of the last
 * request seen by either.
 */
async function waitForCards(connector: LoopbackBotConnector, graph: LoopbackGraph, bots: readonly BotProcess[], indexes: readonly number[]): Promise<number> {
  const carded = new Set<number>();
  let seen = 0;
  let lastCard = 0;
  const deadline = Date.now() + RUN_TIMEOUT_MS;
  for (;;) {
    for (; seen < connector.requests.length; seen += 1) {
      const request = connector.requests[seen]!;
      if (request.method !== 'POST' || request.status >= 300) continue;
      for (const callId of drainCallIdsIn(JSON.stringify(request.body ?? null))) carded.add(drainCallIndex(callId)!);
      lastCard = Math.max(lastCard, request.at);
    }
    // Answered with the participants (not a 429): the last of a call's two requests.
    const fetched = new Set(graph.requests.filter((request) => request.operation === 'getParticipantsPage' && request.status === 200).map((request) => drainCallIndex(request.callId ?? '')));
    const missing = indexes.filter((index) => !fetched.has(index) || (drainCallAlerts(index) && !carded.has(index)));
    if (missing.length === 0) return Math.max(lastCard, graph.requests.at(-1)?.at ?? 0);
    const dead = bots.find((bot) => !bot.alive());
    if (dead) throw new Error(`A bot process exited during the drain:\n${dead.output().slice(-3_000)}`);
    if (Date.now() > deadline) throw new Error(`The drain did not finish within ${RUN_TIMEOUT_MS / 1000} s: ${missing.length} of ${indexes.length} calls not fetched or without their card.`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** For each alerting call of the drain, ms from Graph's answer with its participants to its card's post, sorted. */
function cardLatencies(graph: LoopbackGraph, connector: LoopbackBotConnector, calls: number): number[] {
  const answered = new Map<number, number>();
  for (const request of graph.requests) {
    if (request.operation !== 'getParticipantsPage' || request.status !== 200) continue;
    const index = drainCallIndex(request.callId ?? '');
    if (index !== undefined && index < calls) answered.set(index, request.at);
  }
  const latencies: number[] = [];
  for (const request of connector.posts()) {
    for (const callId of drainCallIdsIn(JSON.stringify(request.body ?? null))) {
      const at = answered.get(drainCallIndex(callId)!);
      if (at !== undefined) latencies.push(request.at - at);
    }
  }
  return latencies.sort((a, b) => a - b);
}

/**
 * One read of the bot's /healthz (retried briefly while the last items settle): every item done,
 * none dead, no alert job left. Resolves to when the read that confirmed it began, when it took more
 * than one (the drain ended later than its last card), else 0.
 */
async function confirmDrained(bot: BotProcess, calls: number): Promise<number> {
  let last = '';
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const readAt = Date.now();
    const response = await fetch(`http://127.0.0.1:${bot.port}/healthz`);
    const health = (await response.json()) as { counts?: { inbox?: Record<string, number>; alerts?: Record<string, number> } };
    const inbox = health.counts?.inbox ?? {};
    const alerts = health.counts?.alerts ?? {};
    last = JSON.stringify({ inbox, alerts });
    if ((inbox.dead ?? 0) > 0 || (alerts.dead ?? 0) > 0) break;
    if ((inbox.pending ?? 0) + (inbox.leased ?? 0) === 0 && (alerts.pending ?? 0) + (alerts.leased ?? 0) === 0 && inbox.done === calls) return attempt === 0 ? 0 : readAt;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Calls were lost or are stuck: the bot's /healthz counts ${last}, expected ${calls} done and nothing pending, leased or dead.`);
}

/** Checks that each alerting call's card was posted exactly once and no other call's; returns the posts and digests. */
function checkCardsOnce(calls: number, connector: LoopbackBotConnector): { cards: number; digests: number } {
  const posts = new Map<number, number>();
  let cards = 0;
  let digests = 0;
  for (const request of connector.posts()) {
    const ids = drainCallIdsIn(JSON.stringify(request.body ?? null));
    if (ids.length === 0) continue;
    cards += 1;
    if (ids.length > 1) digests += 1;
    for (const id of ids) posts.set(drainCallIndex(id)!, (posts.get(drainCallIndex(id)!) ?? 0) + 1);
  }
  const wrong: string[] = [];
  for (let index = 0; index < calls; index += 1) {
    const count = posts.get(index) ?? 0;
    if (count !== (drainCallAlerts(index) ? 1 : 0)) wrong.push(`${drainCallId(index)}: ${count}`);
  }
  if (wrong.length > 0) throw new Error(`Cards lost or doubled (call: posts, expected 1 for every fifth call from the first, 0 for the others): ${wrong.slice(0, 10).join(', ')}${wrong.length > 10 ? ` and ${wrong.length - 10} more` : ''}.`);
  return { cards, digests };
}
