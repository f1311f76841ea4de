import assert from 'node:assert/strict';
import { HistoryRetention } from '../../src/ingest/history-retention';
import { createLogger } from '../../src/logger';
import { openSqliteStore, type Store } from '../../src/store';
import { keepCall, KEPT_TENANT, olgaCallsRay } from '../support/kept-calls';

const DAY = 24 * 3_600_000;

describe('history retention', () => {
  let store: Store;
  let retention: HistoryRetention | undefined;

  beforeEach(() => {
    store = openSqliteStore({ path: ':memory:' });
  });
  afterEach(async () => {
    await retention?.stop();
    await store.close();
  });

  /** Calls at 23:00 UTC on 2026-02-27, -28, 03-01 and 03-02. */
  async function keepFourDays(): Promise<void> {
    for (const [month, day] of [[2, 27], [2, 28], [3, 1], [3, 2]] as const) {
      await keepCall(store, olgaCallsRay(`call-0${month}-${day}`.replace(/-(\d)$/, '-0$1'), Date.UTC(2026, month - 1, day, 23)));
    }
  }

  async function keptCallIds(): Promise<string[]> {
    const ids: string[] = [];
    for await (const record of store.history.listCalls(KEPT_TENANT, '2026-01-01', '2026-12-31')) ids.push(record.callId);
    return ids;
  }

  it('keeps HISTORY_DAYS whole days back from today and removes the days before', async () => {
    await keepFourDays();
    // Now is 2026-03-03 10:00 UTC; two days back is 2026-03-01: the calls of 02-27 and 02-28 go.
    const now = Date.UTC(2026, 2, 3, 10);
    retention = new HistoryRetention({ history: store.history, days: 2, logger: createLogger('silent'), clock: () => now });
    assert.equal(retention.firstDayKept(), '2026-03-01');
    assert.equal(await retention.pruneOnce(), 2);
    assert.deepEqual(await keptCallIds(), ['call-03-01', 'call-03-02']);
    assert.equal(await retention.pruneOnce(), 0, 'nothing more the same day');
  });

  it("brings the aggregates of the kept days before today up to date, and leaves today's to the reader", async () => {
    await keepFourDays();
    // Now is 2026-03-02 10:00 UTC, four days kept: 02-27 to 03-01 are closed days, 03-02 is today.
    const now = Date.UTC(2026, 2, 2, 10);
    retention = new HistoryRetention({ history: store.history, days: 4, logger: createLogger('silent'), clock: () => now });
    const cached = async () => (await store.history.readRollups(KEPT_TENANT, '2026-02-26', '2026-03-02')).map((rollup) => [rollup.day, rollup.rollup !== null]);
    assert.deepEqual(await cached(), [['2026-02-26', false], ['2026-02-27', false], ['2026-02-28', false], ['2026-03-01', false], ['2026-03-02', false]]);
    await retention.refreshAggregates();
    assert.deepEqual(await cached(), [['2026-02-26', true], ['2026-02-27', true], ['2026-02-28', true], ['2026-03-01', true], ['2026-03-02', false]]);
    // A newer version of a call of 02-28 makes that day stale; the next round recomputes it.
    await keepCall(store, olgaCallsRay('call-02-28', Date.UTC(2026, 1, 28, 23), { version: 2 }));
    assert.deepEqual((await cached())[2], ['2026-02-28', false]);
    await retention.refreshAggregates();
    assert.deepEqual((await cached())[2], ['2026-02-28', true]);
  });

  it('prunes once as soon as it starts, then every interval', async () => {
    await keepFourDays();
    let now = Date.UTC(2026, 2, 2, 12);
    retention = new HistoryRetention({ history: store.history, days: 3, logger: createLogger('silent'), clock: () => now, intervalMs: 50 });
    retention.start();
    // Three days back from 03-02 is 02-27: nothing is older yet.
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal((await keptCallIds()).length, 4);
    // A day later, at the next round, 02-27 goes.
    now += DAY;
    await waitFor(async () => (await keptCallIds()).length === 3);
    assert.deepEqual(await keptCallIds(), ['call-02-28', 'call-03-01', 'call-03-02']);
  });
});

async function waitFor(probe: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
