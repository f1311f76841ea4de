import assert from 'node:assert/strict';
import { InboxBatcher } from '../../src/ingest/inbox-batcher';
import { openSqliteStore, type Inbox } from '../../src/store';

describe('InboxBatcher (group commit for the webhook)', () => {
  it('writes what arrives in one turn in one inbox write, and resolves each caller after it', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    const writes: number[] = [];
    const counting: Inbox = { ...store.inbox, enqueue: (requests, now, options) => (writes.push(requests.length), store.inbox.enqueue(requests, now, options)) };
    const batcher = new InboxBatcher(counting);
    const ids = Array.from({ length: 50 }, (_, i) => `call-${i}`);
    await Promise.all(ids.map((callId) => batcher.enqueue([{ tenantId: 't', callId, source: 'notification' }])));
    assert.deepEqual(writes, [50], 'one write for the 50 requests of the turn');
    assert.equal((await store.inbox.stats(Date.now())).byState.pending, 50, 'all durable when the callers resume');
    await batcher.enqueue([{ tenantId: 't', callId: 'later', source: 'notification' }]);
    assert.deepEqual(writes, [50, 1], 'a later request gets its own write');
    await store.close();
  });

  it('rejects every caller of a batch whose write failed, so each POST can ask Graph to retry', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    await store.close();
    const batcher = new InboxBatcher(store.inbox);
    const results = await Promise.allSettled([1, 2, 3].map((n) => batcher.enqueue([{ tenantId: 't', callId: `c${n}`, source: 'notification' }])));
    assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected', 'rejected']);
  });
});
