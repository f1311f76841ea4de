import assert from 'node:assert/strict';
import { InboxRetention } from '../../src/ingest/inbox-retention';
import { createLogger } from '../../src/logger';
import { openSqliteStore, type Store } from '../../src/store';

const DAY = 24 * 3_600_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('inbox retention', () => {
  let store: Store;
  let retention: InboxRetention | undefined;
  const start = Date.UTC(2026, 10, 1);

  beforeEach(() => {
    store = openSqliteStore({ path: ':memory:' });
  });
  afterEach(async () => {
    await retention?.stop();
    await store.close();
  });

  /** A call done on each of days 0..4 after `start` (at noon), and one still pending from day 0. */
  async function fiveDoneDays(): Promise<void> {
    for (let day = 0; day < 5; day += 1) {
      const at = start + day * DAY + DAY / 2;
      await store.inbox.enqueue([{ tenantId: 't', callId: `day-${day}`, source: 'notification' }], at);
      const [item] = await store.inbox.claim(at, 1, 60_000);
      assert.equal(await store.inbox.complete(item!, at), true);
    }
    await store.inbox.enqueue([{ tenantId: 't', callId: 'waiting', source: 'notification' }], start);
  }

  it('removes the items done more than INBOX_RETENTION_DAYS ago, keeping newer and unfinished ones', async () => {
    await fiveDoneDays();
    // Now is day 5 at 00:00; two days back is day 3 at 00:00: days 0, 1 and 2 go.
    const now = start + 5 * DAY;
    retention = new InboxRetention({ inbox: store.inbox, days: 2, logger: createLogger('silent'), clock: () => now });
    assert.equal(retention.cutoff(), start + 3 * DAY);
    assert.equal(await retention.pruneOnce(), 3);
    const left = await Promise.all(['day-0', 'day-1', 'day-2', 'day-3', 'day-4', 'waiting'].map(async (id) => (await store.inbox.get('t', id))?.state ?? 'gone'));
    assert.deepEqual(left, ['gone', 'gone', 'gone', 'done', 'done', 'pending']);
  });

  it('prunes once as soon as it starts', async () => {
    await fiveDoneDays();
    retention = new InboxRetention({ inbox: store.inbox, days: 2, logger: createLogger('silent'), clock: () => start + 6 * DAY });
    retention.start();
    for (let tries = 0; tries < 100 && (await store.inbox.get('t', 'day-3')) !== undefined; tries += 1) await sleep(10);
    const stats = await store.inbox.stats(start + 6 * DAY);
    // Day 4 (finished 1.5 days before now) stays; so does the pending one.
    assert.deepEqual(stats.byState, { pending: 1, leased: 0, done: 1, dead: 0 });
  });
});
