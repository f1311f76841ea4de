/**
 * The insights' history: what it costs to keep every scored call and to answer `trends 30d` and
 * `top sites 30d` from it. A tenant's month (100,000 calls over 30 days, about 400,000 streams) is
 * written into SQLite through the store, then the answers are timed cold (no cached day
 * aggregate: every day recomputed from its calls) and warm (the cached aggregates), three times
 * each, min/median/max. On Azure Storage (Azurite) the storage requests of the same answers are
 * counted with a pipeline policy, for a smaller month (requests, not seconds, carry over to a real
 * account: Azurite is one process on the same cores).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { HistoryReader } from '../src/history';
import { encodeCallHistory, peopleOf, utcDay, type CallHistory, type ConnectionType, type HistoryEndpoint, type HistoryStream } from '../src/insights';
import { openSqliteStore, SQLITE_FILE_NAME, type Store } from '../src/store';
import { dropAzureStore, openAzureStore, type AzureStoreOptions } from '../src/store/azure';
import { startAzurite } from '../test/support/azurite';
import type { BenchResult, BenchSection } from './bench-section';
import { seededRandom, type Random } from '../test/support/seeded-random';
import { spread } from './timing';

const TENANT = 'dc368399-474c-4d40-900c-6265431fd81f';
const DAYS = 30;
/** The last day of the month of history; `now` is noon of it. */
const LAST_DAY = Date.UTC(2026, 10, 30);
const NOW = LAST_DAY + 12 * 3_600_000;
const SQLITE_CALLS = 100_000;
const AZURE_CALLS = 3_000;
const RUNS = 3;
const PEOPLE = 4_000;
const BUILDINGS = 40;
const CONNECTIONS: readonly ConnectionType[] = ['wired', 'wired', 'wifi-5GHz', 'wifi-2.4GHz', 'wifi', 'mobile'];
const PLATFORMS = ['windows', 'macOS', 'iOS', 'android', 'web'];

type Policy = NonNullable<AzureStoreOptions['tablePolicies']>[number]['policy'];

/** A call of 2 to 4 people: audio both ways for each, video for some, screen sharing now and then; 1 in 10 streams poor. */
function generateCall(random: Random, index: number): CallHistory {
  const day = LAST_DAY - Math.floor(random() * DAYS) * 86_400_000;
  const startedAt = day + Math.floor(random() * 86_400_000);
  const people = 2 + Math.floor(random() * 3);
  const endpoints: HistoryEndpoint[] = Array.from({ length: people }, () => {
    const person = Math.floor(random() * PEOPLE);
    const building = Math.floor(random() * (BUILDINGS + 8));
    const inside = building < BUILDINGS;
    return {
      userId: `0000${person.toString(16).padStart(4, '0')}-0000-4000-8000-${String(person).padStart(12, '0')}`,
      upn: `person${person}@contoso.com`,
      name: `Person ${person}`,
      subnet: inside ? `10.${building}.${person % 16}.0` : `192.168.${person % 200}.0`,
      ip: inside ? `10.${building}.${person % 16}.${1 + (person % 250)}` : `192.168.${person % 200}.${1 + (person % 250)}`,
      connection: CONNECTIONS[Math.floor(random() * CONNECTIONS.length)]!,
      relayed: random() < 0.1,
      platform: PLATFORMS[Math.floor(random() * PLATFORMS.length)]!,
      product: 'teams',
      building: inside ? `Building ${building}` : null,
      network: inside ? `Floor ${person % 16}` : null,
    };
  });
  const streams: HistoryStream[] = [];
  const stream = (kind: HistoryStream['kind'], from: number, to: number) => {
    const poor = random() < 0.1;
    streams.push({
      kind,
      direction: from === 0 ? 'callerToCallee' : 'calleeToCaller',
      classification: poor ? 'poor' : random() < 0.05 ? 'unclassified' : 'good',
      reasons: poor ? [{ metric: 'averageJitter', value: 30 + Math.round(random() * 900) / 10, threshold: 30, comparison: '>' }] : [],
      from,
      to,
    });
  };
  for (let person = 1; person < people; person += 1) {
    stream('audio', 0, person);
    stream('audio', person, 0);
  }
  if (random() < 0.4) stream('video', 0, 1);
  if (random() < 0.15) stream('vbss', 1, 0);
  const rated = random() < 0.2;
  return {
    tenantId: TENANT,
    callId: `ca110000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    version: 1,
    startedAt,
    endedAt: startedAt + 1_800_000,
    type: people > 2 ? 'groupCall' : 'peerToPeer',
    organizer: { userId: endpoints[0]!.userId, upn: endpoints[0]!.upn, name: endpoints[0]!.name },
    participantCount: people,
    quality: streams.some((s) => s.classification === 'poor') ? 'poor' : 'good',
    alert: streams.some((s) => s.classification === 'poor'),
    profile: 'cqd',
    source: random() < 0.01 ? 'sweep' : 'notification',
    endpoints,
    streams,
    ratings: rated ? [{ userId: endpoints[1]!.userId, name: endpoints[1]!.name, rating: random() < 0.3 ? 'bad' : 'good', tokens: random() < 0.5 ? ['Echo'] : [] }] : [],
  };
}

/** Writes `count` calls; resolves to the summaries' total bytes and the streams written. */
async function writeMonth(store: Store, count: number): Promise<{ summaryBytes: number; streams: number; msPerCall: number }> {
  const random = seededRandom(20261130);
  let summaryBytes = 0;
  let streams = 0;
  const started = process.hrtime.bigint();
  for (let index = 0; index < count; index += 1) {
    const call = generateCall(random, index);
    const summary = encodeCallHistory(call);
    summaryBytes += Buffer.byteLength(summary);
    streams += call.streams.length;
    await store.history.putCall({ tenantId: TENANT, callId: call.callId, version: 1, day: utcDay(call.startedAt!), startedAt: call.startedAt, people: peopleOf(call), summary });
  }
  return { summaryBytes, streams, msPerCall: Number(process.hrtime.bigint() - started) / 1e6 / count };
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function sqliteCase(): Promise<BenchResult[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cqb-history-bench-'));
  const store = openSqliteStore({ dataDir: dir });
  try {
    const written = await writeMonth(store, SQLITE_CALLS);
    const file = path.join(dir, SQLITE_FILE_NAME);
    // Whole pages only: checkpoint the WAL into the file before measuring it.
    const db = new DatabaseSync(file);
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    const fileBytes = statSync(file).size;
    const reader = new HistoryReader({ history: store.history });
    const forgetAggregates = () => db.exec('UPDATE history_days SET rollup = NULL, rollup_generation = NULL');
    const forgetToday = () => db.exec(`UPDATE history_days SET rollup = NULL, rollup_generation = NULL WHERE day = '${utcDay(NOW)}'`);
    const cold = { trends: [] as number[], top: [] as number[] };
    const warm = { trends: [] as number[], top: [] as number[] };
    const today = { trends: [] as number[], top: [] as number[] };
    for (let run = 0; run < RUNS; run += 1) {
      forgetAggregates();
      cold.trends.push(await timed(() => reader.trends(TENANT, 30, NOW)));
      forgetAggregates();
      cold.top.push(await timed(() => reader.top(TENANT, 'sites', 30, NOW)));
    }
    await reader.trends(TENANT, 30, NOW);
    for (let run = 0; run < RUNS; run += 1) {
      warm.trends.push(await timed(() => reader.trends(TENANT, 30, NOW)));
      warm.top.push(await timed(() => reader.top(TENANT, 'sites', 30, NOW)));
    }
    for (let run = 0; run < RUNS; run += 1) {
      forgetToday();
      today.trends.push(await timed(() => reader.trends(TENANT, 30, NOW)));
      forgetToday();
      today.top.push(await timed(() => reader.top(TENANT, 'sites', 30, NOW)));
    }
    db.close();
    const bytesPerCall = fileBytes / SQLITE_CALLS;
    return [
      {
        case: `SQLite: write ${SQLITE_CALLS.toLocaleString('en-US')} calls (${written.streams.toLocaleString('en-US')} streams) over ${DAYS} days`,
        figures: { 'ms/call written': written.msPerCall, 'summary bytes/call': written.summaryBytes / SQLITE_CALLS, 'file bytes/call': bytesPerCall },
        targets: [
          { description: 'summary ≤ 1 KB a call', met: written.summaryBytes / SQLITE_CALLS <= 1024 },
          { description: 'file (tables and indexes) ≤ 1 KB a call', met: bytesPerCall <= 1024 },
        ],
      },
      {
        case: 'SQLite: trends 30d, warm (cached day aggregates)',
        figures: spread('ms', warm.trends),
        targets: [{ description: '< 200 ms', met: Math.max(...warm.trends) < 200 }],
      },
      {
        case: 'SQLite: top sites 30d, warm',
        figures: spread('ms', warm.top),
        targets: [{ description: '< 200 ms', met: Math.max(...warm.top) < 200 }],
      },
      {
        case: "SQLite: trends 30d, today's calls new (the closed days cached, as the upkeep leaves them)",
        figures: spread('ms', today.trends),
        targets: [{ description: '< 200 ms', met: Math.max(...today.trends) < 200 }],
      },
      {
        case: "SQLite: top sites 30d, today's calls new",
        figures: spread('ms', today.top),
        targets: [{ description: '< 200 ms', met: Math.max(...today.top) < 200 }],
      },
      {
        case: 'SQLite: trends 30d, cold (60 days recomputed from their calls)',
        figures: spread('ms', cold.trends),
        targets: [{ description: '< 200 ms', met: Math.max(...cold.trends) < 200 }],
      },
      {
        case: 'SQLite: top sites 30d, cold (30 days recomputed)',
        figures: spread('ms', cold.top),
        targets: [{ description: '< 200 ms', met: Math.max(...cold.top) < 200 }],
      },
    ];
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function azureCase(): Promise<BenchResult[]> {
  const azurite = await startAzurite();
  let requests = 0;
  const counter: Policy = { name: 'count-table-requests', sendRequest: async (request, next) => ((requests += 1), next(request)) };
  const connection = { connectionString: azurite.connectionString };
  const store = await openAzureStore(connection, { prefix: 'historybench', tablePolicies: [{ policy: counter, position: 'perRetry' }] });
  try {
    requests = 0;
    await writeMonth(store, AZURE_CALLS);
    const perCallWritten = requests / AZURE_CALLS;
    const reader = new HistoryReader({ history: store.history });
    const count = async (work: () => Promise<unknown>) => {
      requests = 0;
      await work();
      return requests;
    };
    const coldTrends = await count(() => reader.trends(TENANT, 30, NOW));
    const warmTrends = await count(() => reader.trends(TENANT, 30, NOW));
    const warmTop = await count(() => reader.top(TENANT, 'sites', 30, NOW));
    return [
      {
        case: `Azure (Azurite): ${AZURE_CALLS.toLocaleString('en-US')} calls over ${DAYS} days, storage requests`,
        figures: { 'requests/call written': perCallWritten, 'trends 30d cold': coldTrends, 'trends 30d warm': warmTrends, 'top sites 30d warm': warmTop },
        targets: [
          { description: 'trends 30d (warm) ≤ 40 requests', met: warmTrends <= 40 },
          { description: 'top sites 30d (warm) ≤ 40 requests', met: warmTop <= 40 },
        ],
      },
    ];
  } finally {
    await store.close();
    await dropAzureStore(connection, { prefix: 'historybench' }).catch(() => undefined);
    await azurite.stop();
  }
}

export const historyBench: BenchSection = {
  name: 'history',
  description: `A tenant's month of history (${SQLITE_CALLS.toLocaleString('en-US')} calls) on SQLite: bytes kept per call and trends/top answered cold and warm; on Azurite the storage requests of the same answers.`,
  async run() {
    return [...(await sqliteCase()), ...(await azureCase())];
  },
};
