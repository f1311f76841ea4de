import assert from 'node:assert/strict';
import { InboxBatcher, MAX_WRITES_IN_FLIGHT } from '../../src/ingest/inbox-batcher';
import { openSqliteStore, type Inbox, type Store } from '../../src/store';
import { dropAzureStore, openAzureStore } from '../../src/store/azure';
import { startAzurite, type AzuriteInstance } from '../support/azurite';
import { delayAzurite, type DelayedAzurite } from '../support/latency-proxy';

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

  describe('on Azure Storage, behind 20 ms per request', () => {
    let azurite: AzuriteInstance;
    let delayed: DelayedAzurite;
    let store: Store;
    before(async () => {
      azurite = await startAzurite();
      delayed = await delayAzurite(azurite, 20);
      store = await openAzureStore({ connectionString: delayed.connectionString }, { prefix: 'batcher' });
    });
    after(async () => {
      await dropAzureStore({ connectionString: azurite.connectionString }, { prefix: 'batcher' }).catch(() => undefined);
      await store?.close();
      await delayed?.stop();
      await azurite?.stop();
    });

    it('writes the notifications that come during its writes together: one table request per write, not per turn', async () => {
      const batcher = new InboxBatcher(store.inbox);
      const before = delayed.requestsByKind();
      const ids = Array.from({ length: 40 }, (_, i) => `call-${i}`);
      const answers: Array<Promise<void>> = [];
      // Forty POSTs, each in a turn of its own, all while the first writes take their round trips.
      for (const callId of ids) {
        answers.push(batcher.enqueue([{ tenantId: 'tenant-a', callId, source: 'notification' }]));
        await new Promise((resolve) => setImmediate(resolve));
      }
      await Promise.all(answers);
      const after = delayed.requestsByKind();
      const added = (kind: string) => (after[kind] ?? 0) - (before[kind] ?? 0);
      const tableWrites = Object.keys(after).filter((kind) => !kind.includes('messages')).reduce((sum, kind) => sum + added(kind), 0);
      const messages = Object.keys(after).filter((kind) => kind.includes('messages')).reduce((sum, kind) => sum + added(kind), 0);
      // The first MAX_WRITES_IN_FLIGHT turns' writes, then the rest in as many writes again at most
      // (they queued while those were in flight); each write one message for its calls and one table request.
      assert.ok(tableWrites <= 2 * MAX_WRITES_IN_FLIGHT, `${tableWrites} table requests for 40 notifications: ${JSON.stringify(after)}`);
      assert.equal(messages, tableWrites, `one message per write: ${JSON.stringify(after)}`);
      for (const callId of ids) assert.equal((await store.inbox.get('tenant-a', callId))?.state, 'pending', callId);
      // Every call can be claimed once, five at a time (fewer than a message names).
      const claimed: string[] = [];
      for (let round = 0; round < 40 && claimed.length < ids.length; round += 1) {
        for (const item of await store.inbox.claim(Date.now(), 5, 60_000)) {
          claimed.push(item.callId);
          assert.equal(await store.inbox.complete(item, Date.now()), true);
        }
      }
      assert.deepEqual([...claimed].sort(), [...ids].sort());
    });
  });
});
