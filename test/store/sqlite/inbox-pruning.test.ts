import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { openSqliteStore, type Store } from '../../../src/store';
import { SQLITE_SCHEMA } from '../../../src/store/sqlite/schema';
import { DELETE_DONE, PRUNE_BATCH_ROWS } from '../../../src/store/sqlite/inbox-pruning';

describe('SQLite inbox pruning', () => {
  let store: Store;
  beforeEach(() => {
    store = openSqliteStore({ path: ':memory:' });
  });
  afterEach(async () => {
    await store.close();
  });

  it('removes done rows over several batches, and keeps the dead ones', async () => {
    const now = Date.UTC(2026, 11, 1);
    const doneCount = 2 * PRUNE_BATCH_ROWS + 500;
    const requests = Array.from({ length: doneCount + 10 }, (_, index) => ({ tenantId: 't', callId: `c-${index}`, source: 'notification' as const }));
    await store.inbox.enqueue(requests, now);
    const claimed = await store.inbox.claim(now, requests.length, 60_000);
    assert.equal(claimed.length, requests.length);
    for (const [index, item] of claimed.entries()) {
      if (index < doneCount) await store.inbox.complete(item, now + 1);
      else await store.inbox.kill(item, now + 1, 'gave up');
    }
    assert.equal(await store.inbox.prune(now + 2), doneCount);
    const stats = await store.inbox.stats(now + 2);
    assert.deepEqual(stats.byState, { pending: 0, leased: 0, done: 0, dead: 10 });
  });

  it('finds old done rows through the due index, not by reading the whole table', () => {
    const db = new DatabaseSync(':memory:');
    db.exec(SQLITE_SCHEMA);
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN ${DELETE_DONE}`)
      .all(1)
      .map((row) => String((row as { detail: string }).detail));
    db.close();
    assert.ok(plan.some((detail) => detail.includes('INDEX work_items_due')), plan.join('; '));
    assert.ok(!plan.some((detail) => /^SCAN work_items\b(?! USING)/.test(detail)), plan.join('; '));
  });
});
