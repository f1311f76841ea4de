import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assessCall } from '../src/alerts';
import { storedReportOf } from '../src/ingest';
import { resolveScoringOptions } from '../src/quality';
import { openSqliteStore } from '../src/store';
import { poorRecord, TENANT } from '../test/bot/bot-harness';
import { freePort } from '../test/support/free-port';
import { LoopbackBotConnector } from '../test/support/loopback-bot-connector';
import { personalChatRecord } from '../test/support/personal-install';
import type { BenchResult, BenchSection } from './bench-section';
import { HEAP_AS_SHIPPED, HEAP_SIZINGS, measureBySizing } from './heap-sizing';
import { REPO_ROOT, startCommand } from '../test/support/start-command';
import { InspectorClient, inspectorUrlIn } from './inspector-client';
import { median, spread } from './timing';

/**
 * Each call's card goes to its organizer's chat, over many chats so that Teams' limit per
 * conversation (60 in 30 s) does not set the pace; the bot's 30 a second per tenant does.
 */
const ORGANIZERS = 500;
const EARLY_CARDS = 500;
const LATE_CARDS = 5_000;
/** How long the bot is left alone after it answers before its idle RSS is read. */
const SETTLE_MS = 3_000;
const IDLE_TARGET_MB = 120;
/** RSS after 5,000 cards may exceed RSS after 500 by this share. */
const GROWTH_TARGET = 0.2;

const callId = (n: number) => `eeeeeeee-0000-4000-8000-${String(n).padStart(12, '0')}`;
const organizer = (n: number) => ({ id: `29:user-${n}`, name: `User ${n}`, aadObjectId: `0000${String(n).padStart(4, '0')}-0000-4000-8000-000000000000` });

/** The resident set of a process in MB, from Linux's `/proc` (the benchmark needs Linux). */
function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('VmRSS:'));
  if (!line) throw new Error(`/proc/${pid}/status has no VmRSS line: the memory benchmark needs Linux.`);
  return Number(line.replace(/\D+/g, '')) / 1024;
}

/** Progress on stderr when `MEMORY_BENCH_VERBOSE` is set (a run takes minutes). */
const progress = (text: string) => {
  if (process.env.MEMORY_BENCH_VERBOSE) process.stderr.write(`memory bench: ${text}\n`);
};

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The compiled entry point, whether this runs compiled (`dist/bench`) or under tsx (`bench`). */
function compiledEntry(): string {
  const entry = path.join(REPO_ROOT, startCommand().script);
  if (!existsSync(entry)) throw new Error(`${entry} does not exist: run \`npm run build\` first.`);
  return entry;
}

/** A compiled bot process the benchmark started. */
interface BotProcess {
  child: ChildProcess;
  output(): string;
}

/** Starts the compiled bot (plain node, as `npm start` does, with `nodeArgs`) and resolves once `/healthz` answers. */
async function startCompiledBot(env: NodeJS.ProcessEnv, nodeArgs: readonly string[] = []): Promise<BotProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeArgs, compiledEntry()], { env: { PATH: process.env.PATH, ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const bot = { child, output: () => output };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stopBot(bot);
      throw new Error(`The compiled bot did not start on port ${port}:\n${output.slice(-3000)}`);
    }
    try {
      await (await fetch(`http://127.0.0.1:${port}/healthz`)).arrayBuffer();
      return bot;
    } catch {
      await pause(50);
    }
  }
}

/** Kills the bot and waits for it to be gone. */
async function stopBot(bot: BotProcess): Promise<void> {
  if (bot.child.exitCode !== null || bot.child.signalCode !== null) return;
  const exited = new Promise((resolve) => bot.child.once('exit', resolve));
  bot.child.kill('SIGKILL');
  await exited;
}

/** Seeds `dataDir` with the organizers' chats and `calls` poor calls whose alert cards wait to be sent. */
async function seedAlerts(dataDir: string, connector: LoopbackBotConnector, calls: number): Promise<void> {
  const store = openSqliteStore({ dataDir });
  try {
    for (let n = 0; n < ORGANIZERS; n++) {
      const user = organizer(n);
      connector.installFor(user.aadObjectId);
      await store.conversations.putConversation(personalChatRecord({ serviceUrl: connector.serviceUrl, tenantId: TENANT, chatId: `a:chat-${n}`, user }));
    }
    const scoring = resolveScoringOptions({});
    for (let i = 0; i < calls; i++) {
      const record = poorRecord(callId(i), { organizer: organizer(i % ORGANIZERS) });
      const { report, summary } = assessCall(record, scoring);
      const call = { tenantId: TENANT, callId: callId(i) };
      await store.reports.recordReport(storedReportOf(call, record, report, summary, Date.now()), true);
    }
  } finally {
    await store.close();
  }
}

/** Waits until the connector has received `count` posts and reads the bot's RSS right then. */
async function rssWhenPosted(connector: LoopbackBotConnector, bot: BotProcess, count: number): Promise<number> {
  const deadline = Date.now() + 600_000;
  while (connector.posts().length < count) {
    if (Date.now() > deadline || bot.child.exitCode !== null) {
      throw new Error(`Only ${connector.posts().length} of ${count} cards were posted in time; the bot said:\n${bot.output().slice(-3000)}`);
    }
    await pause(20);
  }
  return rssMb(bot.child.pid!);
}

/** The idle RSS: the compiled bot as shipped (`npm start`'s heap flags) on an empty embedded store, no cloud account, nothing to do. */
async function measureIdle(): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cqb-memory-bench-'));
  try {
    const idleBot = await startCompiledBot({ DATA_DIR: dir, LOG_LEVEL: 'warn' }, HEAP_AS_SHIPPED);
    try {
      await pause(SETTLE_MS);
      const idle = rssMb(idleBot.child.pid!);
      progress(`idle ${idle.toFixed(1)} MB`);
      return idle;
    } finally {
      await stopBot(idleBot);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Seeds a fresh store with 5,000 calls whose cards wait to be sent, starts the compiled bot on it
 * with `nodeArgs` and a loopback Bot Connector, and hands both to `use`; everything is stopped and
 * removed afterwards.
 */
async function withSeededBot<T>(nodeArgs: readonly string[], use: (bot: BotProcess, connector: LoopbackBotConnector) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cqb-memory-bench-'));
  const connector = await new LoopbackBotConnector().start();
  try {
    await seedAlerts(dir, connector, LATE_CARDS);
    progress(`seeded ${LATE_CARDS} calls`);
    const bot = await startCompiledBot({ DATA_DIR: dir, LOG_LEVEL: 'warn' }, nodeArgs);
    try {
      return await use(bot, connector);
    } finally {
      await stopBot(bot);
    }
  } finally {
    await connector.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The RSS after 500 and after 5,000 cards, of a bot started with `nodeArgs`. */
function measureCards(nodeArgs: readonly string[]): Promise<{ early: number; late: number }> {
  const name = nodeArgs.join(' ') || 'default heap';
  return withSeededBot(nodeArgs, async (bot, connector) => {
    const early = await rssWhenPosted(connector, bot, EARLY_CARDS);
    progress(`${name}: ${EARLY_CARDS} cards: ${early.toFixed(1)} MB`);
    const late = await rssWhenPosted(connector, bot, LATE_CARDS);
    progress(`${name}: ${LATE_CARDS} cards: ${late.toFixed(1)} MB`);
    return { early, late };
  });
}

/** The bot's memory at one point of the anatomy run, MB. */
interface MemoryAnatomy {
  rss: number;
  /** V8's heap as committed (all spaces), and in use, before the forced collection. */
  heapCommitted: number;
  heapUsed: number;
  /** V8's heap in use right after a full collection: what the process really keeps. */
  liveHeap: number;
}

const MB = 2 ** 20;

/** Reads the bot's memory through the inspector, then forces a full collection and reads the heap left. */
async function anatomyOf(inspector: InspectorClient, bot: BotProcess): Promise<MemoryAnatomy> {
  const rss = rssMb(bot.child.pid!);
  const before = await inspector.evaluate<{ heapTotal: number; heapUsed: number }>('process.memoryUsage()');
  await inspector.send('HeapProfiler.collectGarbage');
  const after = await inspector.evaluate<{ heapUsed: number }>('process.memoryUsage()');
  return { rss, heapCommitted: before.heapTotal / MB, heapUsed: before.heapUsed / MB, liveHeap: after.heapUsed / MB };
}

/**
 * One more run, apart from the RSS runs: the bot started with `--inspect`, and at 500 and 5,000
 * cards its RSS, V8's committed heap, and the heap left after a forced full collection. It tells
 * memory the process keeps (the live heap) from room V8 keeps for garbage (committed heap, RSS).
 * The collection at 500 cards changes what follows, so these RSS figures are not the target's.
 */
function measureAnatomy(): Promise<{ early: MemoryAnatomy; late: MemoryAnatomy }> {
  // The heap as this machine sizes it, as in the first of the card cases.
  return withSeededBot(['--inspect=127.0.0.1:0'], async (bot, connector) => {
    const url = inspectorUrlIn(bot.output());
    if (!url) throw new Error(`The bot started with --inspect printed no inspector address:\n${bot.output().slice(-2000)}`);
    const inspector = await InspectorClient.connect(url);
    try {
      await rssWhenPosted(connector, bot, EARLY_CARDS);
      const early = await anatomyOf(inspector, bot);
      progress(`anatomy at ${EARLY_CARDS} cards: ${JSON.stringify(early)}`);
      await rssWhenPosted(connector, bot, LATE_CARDS);
      return { early, late: await anatomyOf(inspector, bot) };
    } finally {
      inspector.close();
    }
  });
}

/** The anatomy run's figures at one point, named by the number of cards. */
function anatomyFigures(cards: number, anatomy: MemoryAnatomy): Record<string, number> {
  const at = cards.toLocaleString('en-US');
  return {
    [`RSS at ${at} MB`]: anatomy.rss,
    [`heap committed at ${at} MB`]: anatomy.heapCommitted,
    [`heap in use at ${at} MB`]: anatomy.heapUsed,
    [`live heap at ${at} MB`]: anatomy.liveHeap,
  };
}

/**
 * `memory`: the resident set of the compiled bot (`dist/src/index.js`, embedded store, no cloud
 * account) when idle, and after 500 and 5,000 alert cards delivered to the loopback Bot Connector,
 * with the heap as shipped (`npm start`'s flags: as on the B1 plan) and as Node sizes it for this machine. Each run starts fresh processes;
 * 3 runs, or `MEMORY_BENCH_RUNS`. Then one anatomy run.
 */
export const memoryBench: BenchSection = {
  name: 'memory',
  description: `RSS of the compiled bot process: idle on the embedded store, then after ${EARLY_CARDS} and ${LATE_CARDS.toLocaleString('en-US')} alert cards delivered to the loopback Bot Connector, with V8's heap as shipped (npm start's flags: as on the B1 plan) and as Node sizes it for this machine, side by side (idle: as shipped); min/median/max over 3 runs (MEMORY_BENCH_RUNS); then one run read through the inspector (committed heap, and the live heap after a full collection)`,
  async run(): Promise<BenchResult[]> {
    // Fewer runs only for a quick look (MEMORY_BENCH_RUNS=1); the figures to report need three.
    const runs = Math.max(1, Math.floor(Number(process.env.MEMORY_BENCH_RUNS ?? 3)) || 3);
    const idle: number[] = [];
    for (let run = 0; run < runs; run++) idle.push(await measureIdle());
    // The cards with the heap as Node sizes it for this machine and as shipped, side by side.
    const sized = await measureBySizing(runs, measureCards);
    const anatomy = await measureAnatomy();
    const cardCases = (label: string, sized: ReadonlyArray<{ early: number; late: number }>): BenchResult[] => {
      const growth = median(sized.map((result) => result.late / result.early - 1));
      return [
        { case: `after ${EARLY_CARDS} cards, ${label}`, figures: spread('RSS MB', sized.map((result) => result.early)) },
        {
          case: `after ${LATE_CARDS.toLocaleString('en-US')} cards, ${label}`,
          figures: { ...spread('RSS MB', sized.map((result) => result.late)), 'growth vs 500 median %': growth * 100 },
          targets: [{ description: `RSS after ${LATE_CARDS} cards within ${GROWTH_TARGET * 100} % of after ${EARLY_CARDS} (median)`, met: growth <= GROWTH_TARGET }],
        },
      ];
    };
    return [
      {
        case: 'idle',
        figures: spread('RSS MB', idle),
        targets: [{ description: `idle RSS ≤ ${IDLE_TARGET_MB} MB (median)`, met: median(idle) <= IDLE_TARGET_MB }],
      },
      ...HEAP_SIZINGS.flatMap((sizing, which) => cardCases(sizing.label, sized[which]!)),
      {
        case: `anatomy: one run with --inspect, heap sized by Node for this machine, a full collection after each reading`,
        figures: { ...anatomyFigures(EARLY_CARDS, anatomy.early), ...anatomyFigures(LATE_CARDS, anatomy.late), 'live heap growth MB': anatomy.late.liveHeap - anatomy.early.liveHeap },
      },
    ];
  },
};
