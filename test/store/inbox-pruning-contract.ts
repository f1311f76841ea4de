import assert from 'node:assert/strict';
import type { Store, WorkItem } from '../../src/store';
import { openStorePerTest } from './store-contract';

const T = 'tenant-a';

/** Claims until every one of `callIds` is leased (the Azure engine hands out up to 32 a round). */
async function claimAll(store: Store, callIds: readonly string[], now: number): Promise<Map<string, WorkItem>> {
  const claimed = new Map<string, WorkItem>();
  for (let round = 0; round < 40 && claimed.size < callIds.length; round += 1) {
    for (const item of await store.inbox.claim(now, 32, 300_000)) claimed.set(item.callId, item);
  }
  assert.deepEqual([...claimed.keys()].sort(), [...callIds].sort(), 'every call was claimed');
  return claimed;
}

/**
 * The inbox retention every engine must keep: done items older than the cut are removed, nothing
 * else ever is. Times are real (`Date.now()` based) because the Azure engine's queue visibility runs
 * on the service's clock.
 */
export function describeInboxPruningContract(name: string, open: () => Promise<Store>, cleanup?: (store: Store) => Promise<void>): void {
  describe(`Inbox pruning contract: ${name}`, function () {
    this.timeout(30_000);
    let store!: Store;
    openStorePerTest(open, cleanup, (opened) => (store = opened));

    it('removes only the done items that finished before the cut: never pending, leased or dead ones', async () => {
      const now = Date.now();
      const calls = ['done-old-1', 'done-old-2', 'done-recent', 'dead-old', 'leased', 'pending'];
      const notify = (callIds: readonly string[]) => store.inbox.enqueue(callIds.map((callId) => ({ tenantId: T, callId, source: 'notification' as const })), now);
      await notify(calls.slice(0, 5));
      const claimed = await claimAll(store, calls.slice(0, 5), now);
      await notify(['pending']);
      // Finished an hour before the cut, or after it.
      const cut = now + 2 * 3_600_000;
      assert.equal(await store.inbox.complete(claimed.get('done-old-1')!, now + 3_600_000), true);
      assert.equal(await store.inbox.complete(claimed.get('done-old-2')!, now + 3_600_000), true);
      assert.equal(await store.inbox.complete(claimed.get('done-recent')!, cut + 1), true);
      assert.equal(await store.inbox.kill(claimed.get('dead-old')!, now + 3_600_000, 'gave up'), true);

      assert.equal(await store.inbox.prune(cut), 2);

      const states = Object.fromEntries(await Promise.all(calls.map(async (callId) => [callId, (await store.inbox.get(T, callId))?.state ?? 'gone'])));
      assert.deepEqual(states, { 'done-old-1': 'gone', 'done-old-2': 'gone', 'done-recent': 'done', 'dead-old': 'dead', leased: 'leased', pending: 'pending' });
      assert.equal(await store.inbox.prune(cut), 0, 'a second prune finds nothing more');
    });

    it('takes a pruned call that is notified again as new work', async () => {
      const now = Date.now();
      await store.inbox.enqueue([{ tenantId: T, callId: 'again', source: 'notification' }], now);
      const claimed = await claimAll(store, ['again'], now);
      await store.inbox.complete(claimed.get('again')!, now);
      assert.equal(await store.inbox.prune(now + 1), 1);
      assert.equal(await store.inbox.enqueue([{ tenantId: T, callId: 'again', source: 'notification' }], now + 2), 1);
      const item = await store.inbox.get(T, 'again');
      assert.equal(item?.state, 'pending');
      assert.equal(item?.attempts, 0);
      assert.equal(item?.enqueuedAt, now + 2);
    });
  });
}
