import assert from 'node:assert/strict';
import pino from 'pino';
import { HistoryReader } from '../../src/history';
import { decodeDayAggregate } from '../../src/insights';
import { openSqliteStore, type HistoryStore, type Store } from '../../src/store';
import { HISTORY_TENANT, historyCall, keepCalls, OLGA, RAVI, SAM, twoWeeks } from '../support/history-calls';
import { rankedSitesDay, reportWeeks } from '../support/ranked-history';

/** The store's history, counting how often each day's calls are listed. */
function counted(history: HistoryStore): { history: HistoryStore; listed: string[] } {
  const listed: string[] = [];
  return {
    listed,
    history: {
      ...history,
      readRollups: history.readRollups.bind(history),
      writeRollup: history.writeRollup.bind(history),
      callsOf: history.callsOf.bind(history),
      listCalls(tenantId, fromDay, toDay) {
        listed.push(fromDay === toDay ? fromDay : `${fromDay}…${toDay}`);
        return history.listCalls(tenantId, fromDay, toDay);
      },
    },
  };
}

describe('HistoryReader (on the SQLite store)', () => {
  let store: Store;
  const now = Date.parse('2026-03-08T15:00:00Z');

  beforeEach(async () => {
    store = openSqliteStore({ path: ':memory:' });
    // twoWeeks(): worked out by hand in test/insights/trends.test.ts (B's two versions: the newer is kept).
    await keepCalls(store.history, twoWeeks());
  });
  afterEach(async () => {
    await store.close();
  });

  it('answers trends from the calls, one listing for the 14 days none of which was cached', async () => {
    const { history, listed } = counted(store.history);
    const trends = await new HistoryReader({ history }).trends(HISTORY_TENANT, 7, now);
    assert.deepEqual(listed, ['2026-02-23…2026-03-08']);
    assert.equal(trends.from, '2026-03-02');
    assert.equal(trends.current.calls, 4);
    assert.equal(trends.current.badRatings, 3);
    assert.equal(trends.current.poorPercent.audio, 37.5, 'audio 3 poor of 8');
    assert.equal(trends.previous.calls, 2);
    assert.equal(trends.change.callsPercent, 100);
    assert.deepEqual(trends.daily[0]!.poorPercent, { audio: 50, video: 50, vbss: 100 });
  });

  it('caches each day and reads only the days a call was kept for since', async () => {
    const first = counted(store.history);
    await new HistoryReader({ history: first.history }).trends(HISTORY_TENANT, 7, now);
    const rollups = await store.history.readRollups(HISTORY_TENANT, '2026-02-23', '2026-03-08');
    assert.ok(rollups.every((rollup) => rollup.rollup !== null), 'every day, empty ones too, is cached');
    assert.equal(decodeDayAggregate(rollups.find((rollup) => rollup.day === '2026-03-05')!.rollup!).calls, 1);

    const second = counted(store.history);
    const again = await new HistoryReader({ history: second.history }).trends(HISTORY_TENANT, 7, now);
    assert.deepEqual(second.listed, [], 'nothing recomputed');
    assert.equal(again.current.calls, 4);

    // A new call on 03-05 (audio 1 poor of 2) makes that day stale, and only that day.
    await keepCalls(store.history, [
      historyCall({ id: 'abcdabcd-0000-4000-8000-000000000009', start: '2026-03-05T16:00:00Z', endpoints: [OLGA, SAM], streams: [['audio', 'poor', 0, 1], ['audio', 'good', 1, 0]] }),
    ]);
    const third = counted(store.history);
    const after = await new HistoryReader({ history: third.history }).trends(HISTORY_TENANT, 7, now);
    assert.deepEqual(third.listed, ['2026-03-05']);
    assert.equal(after.current.calls, 5);
    assert.equal(after.current.poorPercent.audio, 40, 'audio 4 poor of 10');
  });

  it('counts a re-scored call once, as its newest version', async () => {
    // A's version 2: its poor audio stream turned out good (audio now 2 poor of 6 on 03-02).
    await keepCalls(store.history, [
      historyCall({
        id: 'aaaaaaaa-0000-4000-8000-000000000001',
        version: 2,
        start: '2026-03-02T09:00:00Z',
        endpoints: [OLGA, RAVI],
        streams: [['audio', 'good', 0, 1], ['audio', 'good', 1, 0], ['video', 'poor', 0, 1], ['video', 'unclassified', 1, 0]],
        ratings: [[OLGA, 'bad'], [RAVI, 'good']],
      }),
    ]);
    const trends = await new HistoryReader({ history: store.history }).trends(HISTORY_TENANT, 7, now);
    assert.equal(trends.daily[0]!.calls, 3);
    assert.equal(trends.daily[0]!.poorPercent.audio, (2 / 6) * 100);
  });

  it('ranks top lists over the period, with both rankings for networks', async () => {
    await keepCalls(store.history, rankedSitesDay());
    const reader = new HistoryReader({ history: store.history });
    const sites = await reader.top(HISTORY_TENANT, 'sites', 7, now);
    assert.deepEqual(
      sites.rankings[0]!.rows.map((row) => [row.label, row.poor, row.classified, row.calls]),
      // rankedSitesDay()'s three; twoWeeks()' HQ (9 classified streams) and Branch (8) are under the sample.
      [
        ['North', 6, 12, 3],
        ['West', 6, 15, 3],
        ['South', 4, 12, 4],
      ],
    );
    assert.deepEqual({ from: sites.from, to: sites.to, days: sites.days, list: sites.list }, { from: '2026-03-02', to: '2026-03-08', days: 7, list: 'sites' });
    const networks = await reader.top(HISTORY_TENANT, 'networks', 7, now);
    assert.deepEqual(networks.rankings.map((ranking) => ranking.dimension), ['networks', 'connections']);
  });

  it("lists a person's calls newest first, at most the limit, saying there were more", async () => {
    const reader = new HistoryReader({ history: store.history });
    const olga = await reader.callsOf(HISTORY_TENANT, 'Olga@Contoso.com', 7, now, 1);
    assert.deepEqual(olga.calls.map((call) => [call.callId, call.poorStreams, call.streams]), [['cccccccc-0000-4000-8000-000000000003', 2, 3]]);
    assert.equal(olga.more, true);
    const all = await reader.callsOf(HISTORY_TENANT, OLGA.userId!, 30, now, 20);
    // C and A this week, E and F the week before.
    assert.deepEqual(all.calls.map((call) => call.callId.slice(0, 8)), ['cccccccc', 'aaaaaaaa', 'ffffffff', 'eeeeeeee']);
    assert.equal(all.more, false);
  });

  it('finds people by name: the whole name first, else every word of it', async () => {
    const reader = new HistoryReader({ history: store.history });
    assert.deepEqual(await reader.findPeople(HISTORY_TENANT, 'olga ahlgren', 30, now), [{ userId: OLGA.userId, name: 'Olga Ahlgren' }]);
    assert.deepEqual((await reader.findPeople(HISTORY_TENANT, 'a', 30, now)).map((person) => person.name), ['Olga Ahlgren', 'Ravi Bose', 'Sam Chen']);
    assert.deepEqual(await reader.findPeople(HISTORY_TENANT, 'Nobody', 30, now), []);
  });

  it('gives the weekly report of the seven days before the report day', async () => {
    await keepCalls(store.history, reportWeeks());
    const report = await new HistoryReader({ history: store.history }).weeklyReport(HISTORY_TENANT, Date.parse('2026-03-02T09:00:00Z'));
    assert.equal(report.trend.from, '2026-02-23');
    assert.equal(report.trend.to, '2026-03-01');
    // reportWeeks()'s 7 calls and twoWeeks()' E and F (02-25, 02-27); Wes's first was found by the sweep.
    assert.equal(report.trend.current.calls, 9);
    assert.equal(report.trend.current.sweepCalls, 1);
    assert.deepEqual(report.topSites.rows.map((row) => row.label), ['North', 'West']);
  });

  it('skips a summary it cannot read and recomputes a cached aggregate it cannot read', async () => {
    await store.history.putCall({ tenantId: HISTORY_TENANT, callId: 'damaged', version: 1, day: '2026-03-05', startedAt: null, people: [], summary: 'not a summary' });
    const reader = new HistoryReader({ history: store.history });
    assert.equal((await reader.trends(HISTORY_TENANT, 7, now)).current.calls, 4);
    const [rollup] = await store.history.readRollups(HISTORY_TENANT, '2026-03-02', '2026-03-02');
    assert.equal(await store.history.writeRollup(HISTORY_TENANT, '2026-03-02', '[9]', rollup!.tag), true);
    assert.equal((await reader.trends(HISTORY_TENANT, 7, now)).daily[0]!.calls, 3);
  });

  it('recomputes a day cached before failed calls were counted, with them, quietly (debug, not a warning)', async () => {
    const lines: Array<{ level: number; msg: string }> = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const [rollup] = await store.history.readRollups(HISTORY_TENANT, '2026-03-02', '2026-03-02');
    // Encoding 2 as it was written: sampleDay()'s counts without the failed calls.
    const old = ['[2,"2026-03-02",3,2,1,3,2,[[3,6,0],[1,2,1],[1,1,0]]]', '[]', '[]', '[]', '[]', '[]', '[]'].join('\n');
    assert.equal(await store.history.writeRollup(HISTORY_TENANT, '2026-03-02', old, rollup!.tag), true);
    const trends = await new HistoryReader({ history: store.history, logger }).trends(HISTORY_TENANT, 7, now);
    assert.equal(trends.daily[0]!.failedCalls, 2, "sampleDay()'s B and C");
    const recomputed = lines.filter((line) => line.msg === 'history: recomputing a cached day aggregate that cannot be read');
    assert.deepEqual(recomputed.map((line) => line.level), [20], 'once, at debug');
  });
});
