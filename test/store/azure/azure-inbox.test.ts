import assert from 'node:assert/strict';
import type { EnqueueRequest, Store } from '../../../src/store';
import { dropAzureStore, openAzureStore } from '../../../src/store/azure';
import { startAzurite, type AzuriteInstance } from '../../support/azurite';
import { delayAzurite, type DelayedAzurite } from '../../support/latency-proxy';

/** Storage requests (all services) that went through the proxies while `work` ran. */
async function requestsDuring(delayed: DelayedAzurite, work: () => Promise<unknown>): Promise<number> {
  const total = () => delayed.requests();
  const before = total();
  await work();
  return total() - before;
}

describe('Azure inbox: requests per notification enqueued', function () {
  this.timeout(60_000);
  let azurite: AzuriteInstance;
  let delayed: DelayedAzurite;
  let store: Store;
  const prefix = 'inboxcount';
  const now = Date.UTC(2026, 11, 4, 12, 0, 0);
  const notification = (callId: string): EnqueueRequest => ({ tenantId: 'tenant-a', callId, source: 'notification' });

  before(async () => {
    azurite = await startAzurite();
    // No delay: the proxy is here to count what the SDK really sends.
    delayed = await delayAzurite(azurite, 0);
    store = await openAzureStore({ connectionString: delayed.connectionString }, { prefix });
  });
  after(async () => {
    await dropAzureStore({ connectionString: azurite.connectionString }, { prefix }).catch(() => undefined);
    await delayed?.stop();
    await azurite?.stop();
  });

  it('enqueues a batch of new calls with a message each and one table request per 100, and every one can be claimed', async () => {
    const calls = Array.from({ length: 120 }, (_, index) => `new-call-${index}`);
    let due = 0;
    const requests = await requestsDuring(delayed, async () => {
      due = await store.inbox.enqueue(calls.map(notification), now);
    });
    assert.equal(due, 120);
    // 120 queue messages, and the rows in two entity-group transactions (100 + 20).
    assert.ok(requests <= calls.length + 2, `${requests} storage requests for ${calls.length} notifications`);
    const claimed = new Set<string>();
    for (let round = 0; round < 20 && claimed.size < calls.length; round += 1) {
      for (const item of await store.inbox.claim(now, 32, 60_000)) claimed.add(item.callId);
    }
    assert.deepEqual([...claimed].sort(), [...calls].sort());
  });

  it('makes at most two storage requests for a notification that comes alone', async () => {
    for (const callId of ['alone-1', 'alone-2', 'alone-3']) {
      const requests = await requestsDuring(delayed, () => store.inbox.enqueue([notification(callId)], now));
      assert.ok(requests <= 2, `${requests} storage requests for ${callId}`);
    }
  });

  it('enqueues every new call of a batch in which some calls are known, leaving the known ones as the rules say', async () => {
    await store.inbox.enqueue([notification('mixed-known')], now);
    const calls = ['mixed-a', 'mixed-known', 'mixed-b', 'mixed-c'];
    const due = await store.inbox.enqueue(calls.map(notification), now + 5);
    // The known call is pending and due already: only the three new ones became due.
    assert.equal(due, 3);
    for (const callId of calls) assert.equal((await store.inbox.get('tenant-a', callId))?.state, 'pending', callId);
    assert.equal((await store.inbox.get('tenant-a', 'mixed-known'))?.enqueuedAt, now, 'the known call was not recreated');
    assert.equal((await store.inbox.get('tenant-a', 'mixed-b'))?.enqueuedAt, now + 5);
  });

  it('still revives a done call and leaves a due one alone when a notification names a known call', async () => {
    await store.inbox.enqueue([notification('known-done'), notification('known-pending')], now);
    let done: string | undefined;
    for (let round = 0; round < 20 && done === undefined; round += 1) {
      const item = (await store.inbox.claim(now, 32, 60_000)).find((claimed) => claimed.callId === 'known-done');
      if (item) {
        assert.equal(await store.inbox.complete(item, now + 1), true);
        done = item.callId;
      }
    }
    assert.equal((await store.inbox.get('tenant-a', 'known-done'))?.state, 'done');
    const due = await store.inbox.enqueue([notification('known-done'), notification('known-pending'), notification('known-pending')], now + 2);
    // The done call became due again; the pending one already was, its duplicate changes nothing.
    assert.equal(due, 1);
    assert.equal((await store.inbox.get('tenant-a', 'known-done'))?.state, 'pending');
    assert.equal((await store.inbox.get('tenant-a', 'known-pending'))?.enqueuedAt, now);
  });
});
