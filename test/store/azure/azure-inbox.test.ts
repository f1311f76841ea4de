import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { TableClient } from '@azure/data-tables';
import { QueueServiceClient } from '@azure/storage-queue';
import type { ClaimedItem, EnqueueRequest, Store } from '../../../src/store';
import { azureStoreResourceNames, dropAzureStore, openAzureStore } from '../../../src/store/azure';
import { parseInboxMessage } from '../../../src/store/azure/inbox-messages';
import { decodeMessage } from '../../../src/store/azure/queue-lease-types';
import { tableKey } from '../../../src/store/azure/table-keys';
import { startAzurite, type AzuriteInstance } from '../../support/azurite';
import { dropOpenedStores, type OpenedStores } from './opened-stores';
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

  it('enqueues a batch of new calls with one message and one table request per 100, and every one can be claimed', async () => {
    const calls = Array.from({ length: 120 }, (_, index) => `new-call-${index}`);
    let due = 0;
    const requests = await requestsDuring(delayed, async () => {
      due = await store.inbox.enqueue(calls.map(notification), now);
    });
    assert.equal(due, 120);
    // The rows in two entity-group transactions (100 + 20), each announced by one group message.
    assert.equal(requests, 4, `${requests} storage requests for ${calls.length} notifications`);
    const claimed = new Set<string>();
    for (let round = 0; round < 20 && claimed.size < calls.length; round += 1) {
      for (const item of await store.inbox.claim(now, 32, 60_000)) claimed.add(item.callId);
    }
    assert.deepEqual([...claimed].sort(), [...calls].sort());
  });

  it('sends the message and the rows of a batch side by side: the second request leaves before the first could be answered', async () => {
    // Each request is held a second on its way: sent one after the other, the second could not leave before that.
    const slow = await delayAzurite(azurite, 1_000);
    const slowPrefix = 'inboxside';
    try {
      const slowStore = await openAzureStore({ connectionString: slow.connectionString }, { prefix: slowPrefix });
      const before = slow.requests();
      const started = Date.now();
      const writing = slowStore.inbox.enqueue(['side-1', 'side-2', 'side-3'].map(notification), now);
      while (slow.requests() - before < 2 && Date.now() - started < 5_000) await sleep(5);
      const secondLeftAfter = Date.now() - started;
      assert.ok(secondLeftAfter < 1_000, `the second request left ${secondLeftAfter} ms after the write began`);
      assert.equal(await writing, 3);
      const kinds = slow.requestsByKind();
      assert.equal(kinds[`POST ${slowPrefix}-inbox/messages`], 1);
      assert.equal(kinds['POST $batch'], 1);
    } finally {
      await slow.stop();
      await dropAzureStore({ connectionString: azurite.connectionString }, { prefix: slowPrefix }).catch(() => undefined);
    }
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

describe('Azure inbox: a group message is the lease of the calls a claim takes from it', function () {
  this.timeout(60_000);
  let azurite: AzuriteInstance;
  let counted: DelayedAzurite;
  let queues: QueueServiceClient;
  const opened: OpenedStores = [];
  let next = 0;
  const tenantId = 'tenant-g';
  const request = (callId: string): EnqueueRequest => ({ tenantId, callId, source: 'notification' });
  const callsNamed = (count: number) => Array.from({ length: count }, (_, index) => `group-call-${index}`);

  /** A store of its own (tables and queues), so that no other test's messages are received. */
  const fresh = async () => {
    const prefix = `grouplease${(next += 1)}`;
    const store = await openAzureStore({ connectionString: counted.connectionString }, { prefix });
    opened.push({ store, prefix });
    return { store, prefix };
  };
  /** Messages in the inbox queue, visible or not. */
  const messagesIn = async (prefix: string) => (await queues.getQueueClient(azureStoreResourceNames(prefix).queues.inbox).getProperties()).approximateMessagesCount ?? -1;
  /** Claims until `count` items were handed out (or rounds run out), settling each with `settle`. */
  const claimAll = async (store: Store, count: number, limit: number, settle: (item: ClaimedItem) => Promise<unknown>) => {
    const claimed: string[] = [];
    for (let round = 0; round < 40 && claimed.length < count; round += 1) {
      for (const item of await store.inbox.claim(Date.now(), limit, 60_000)) {
        claimed.push(item.callId);
        await settle(item);
      }
    }
    return claimed;
  };

  before(async () => {
    azurite = await startAzurite();
    // No delay: the proxy counts requests.
    counted = await delayAzurite(azurite, 0);
    queues = QueueServiceClient.fromConnectionString(azurite.connectionString);
  });
  after(async () => {
    await dropOpenedStores(opened, azurite.connectionString);
    await counted?.stop();
    await azurite?.stop();
  });

  it('hands out no more calls than a claim asks for, and the rest of the group to later claims, each once', async () => {
    const { store, prefix } = await fresh();
    const calls = callsNamed(12);
    await store.inbox.enqueue(calls.map(request), Date.now());
    assert.equal(await messagesIn(prefix), 1, 'one message for the twelve new calls');
    const first = await store.inbox.claim(Date.now(), 5, 60_000);
    assert.equal(first.length, 5);
    const rest = await claimAll(store, 7, 5, (item) => store.inbox.complete(item, Date.now()));
    assert.deepEqual([...first.map((item) => item.callId), ...rest].sort(), [...calls].sort(), 'each call handed out once');
    for (const item of first) assert.equal(await store.inbox.complete(item, Date.now()), true);
    for (const callId of calls) assert.equal((await store.inbox.get(tenantId, callId))?.state, 'done', callId);
    assert.equal(await messagesIn(prefix), 0, 'no message left once every call is done');
  });

  it('reads a big group only as far as a small claim can take: a hundred calls drained four at a time in fewer than 4 requests a call', async () => {
    const { store, prefix } = await fresh();
    const calls = callsNamed(100);
    await store.inbox.enqueue(calls.map(request), Date.now());
    const before = counted.requests();
    const claimed = await claimAll(store, 100, 4, (item) => store.inbox.complete(item, Date.now()));
    const perCall = (counted.requests() - before) / calls.length;
    assert.deepEqual([...claimed].sort(), [...calls].sort());
    // By hand, per claim of four: a receive, four reads and four leases, the other calls announced again in one
    // message; then four completions and the message deleted after the last: 15 requests for 4 calls.
    assert.ok(perCall < 4, `${perCall} requests per call`);
    assert.equal(await messagesIn(prefix), 0);
  });

  it('takes a call with a message of its own before the calls of a group received with it: it is not shown again behind the group', async () => {
    const { store } = await fresh();
    // The group's message goes first in the queue, the lone call's message (a one-row message) after it.
    await store.inbox.enqueue(callsNamed(2).map(request), Date.now());
    await store.inbox.enqueue([request('lone-call')], Date.now());
    // Room for two, and both messages in one receive: the lone call and one call of the group.
    const claimed = (await store.inbox.claim(Date.now(), 2, 60_000)).map((item) => item.callId);
    assert.equal(claimed.length, 2, claimed.join(', '));
    assert.ok(claimed.includes('lone-call'), `the lone call is claimed first: ${claimed.join(', ')}`);
    // The group's other call was announced again: a later claim gets it, and every call is handed out once.
    const rest = await claimAll(store, 1, 2, (item) => store.inbox.complete(item, Date.now()));
    assert.deepEqual([...claimed, ...rest].sort(), [...callsNamed(2), 'lone-call'].sort());
  });

  it('keeps the group message until its last call is settled, and a call due again gets a message of its own', async () => {
    const { store, prefix } = await fresh();
    const calls = callsNamed(3);
    await store.inbox.enqueue(calls.map(request), Date.now());
    const items = await store.inbox.claim(Date.now(), 3, 60_000);
    assert.deepEqual(items.map((item) => item.callId).sort(), [...calls].sort());
    const [retried, ...completed] = items;
    assert.equal(await store.inbox.complete(completed[0]!, Date.now()), true);
    assert.equal(await messagesIn(prefix), 1, 'the group message stays while two of its calls are leased');
    assert.equal(await store.inbox.retry(retried!, Date.now(), Date.now() + 1_000, 'Graph answered 404'), true);
    assert.equal(await store.inbox.complete(completed[1]!, Date.now()), true);
    assert.equal(await messagesIn(prefix), 1, 'the group message is gone; the retried call has one of its own');
    assert.equal((await store.inbox.claim(Date.now(), 3, 60_000)).length, 0, 'the retried call is not due yet');
    await sleep(1_200);
    const [again] = await store.inbox.claim(Date.now(), 3, 60_000);
    assert.equal(again?.callId, retried!.callId);
    assert.equal(await store.inbox.complete(again!, Date.now()), true);
    assert.equal(await messagesIn(prefix), 0);
  });

  it("announces the write of a call made due again under a group lease: its own message names the row's next generation", async () => {
    const { store, prefix } = await fresh();
    const calls = callsNamed(2);
    await store.inbox.enqueue(calls.map(request), Date.now());
    const items = await store.inbox.claim(Date.now(), 2, 60_000);
    assert.equal(items.length, 2);
    const [retried, held] = items;
    // Due again at once, while the other call keeps the group message hidden under its lease.
    assert.equal(await store.inbox.retry(retried!, Date.now(), Date.now(), 'Graph answered 404'), true);
    const names = azureStoreResourceNames(prefix);
    const visible = await queues.getQueueClient(names.queues.inbox).peekMessages({ numberOfMessages: 32 });
    const own = visible.peekedMessageItems.map((message) => parseInboxMessage(decodeMessage(message.messageText)));
    const row = await TableClient.fromConnectionString(azurite.connectionString, names.tables.inbox, { allowInsecureConnection: true }).getEntity<{ generation: number }>(tableKey(tenantId), tableKey(retried!.callId));
    // The group message announced generation 1; the row was leased at 1 until the settle's write.
    // Its own message, sent before that write, announces 2, so a claim that meets it first reads the
    // row as a write in flight and looks again, instead of reading it leased elsewhere and dropping it.
    assert.deepEqual(own, [{ t: tenantId, c: retried!.callId, g: 2 }]);
    assert.equal(row.generation, 2);
    const [again] = await store.inbox.claim(Date.now(), 2, 60_000);
    assert.equal(again?.callId, retried!.callId);
    assert.equal(await store.inbox.complete(again!, Date.now()), true);
    assert.equal(await store.inbox.complete(held!, Date.now()), true);
    assert.equal(await messagesIn(prefix), 0);
  });

  it('hands the calls of a holder that never settled out again when the lease ends, and not the ones it settled', async () => {
    const { store } = await fresh();
    const calls = callsNamed(4);
    await store.inbox.enqueue(calls.map(request), Date.now());
    const items = await store.inbox.claim(Date.now(), 4, 1_000);
    assert.equal(items.length, 4);
    // The holder settles two and crashes with the other two leased.
    for (const item of items.slice(0, 2)) assert.equal(await store.inbox.complete(item, Date.now()), true);
    assert.equal((await store.inbox.claim(Date.now(), 4, 60_000)).length, 0, 'nothing while the lease runs');
    await sleep(1_500);
    const again = await claimAll(store, 2, 4, (item) => store.inbox.complete(item, Date.now()));
    assert.deepEqual(again.sort(), items.slice(2).map((item) => item.callId).sort());
    for (const item of items.slice(2)) assert.equal(await store.inbox.complete(item, Date.now()), false, 'the crashed holder lost its lease');
    for (const callId of calls) assert.equal((await store.inbox.get(tenantId, callId))?.state, 'done', callId);
  });

  it('announces a call again when it is named long after it fell due and its message was lost, and not sooner', async () => {
    const { store, prefix } = await fresh();
    const calls = callsNamed(3);
    const now = Date.now();
    await store.inbox.enqueue(calls.map(request), now);
    // The group message is lost (as when an instance of an older build sets it aside in the poison queue).
    await queues.getQueueClient(azureStoreResourceNames(prefix).queues.inbox).clearMessages();
    assert.equal((await store.inbox.claim(now, 8, 60_000)).length, 0);
    // Named again a minute later (a notification): the calls are not overdue yet, and nothing is sent.
    assert.equal(await store.inbox.enqueue(calls.map(request), now + 60_000), 0);
    assert.equal(await messagesIn(prefix), 0);
    // Named by the reconciliation sweep (only if unseen) after sixteen minutes: each gets a message again.
    const later = now + 16 * 60_000;
    assert.equal(await store.inbox.enqueue(calls.map(request), later, { onlyIfUnseen: true }), 0, 'they were due already');
    const claimed = await claimAll(store, 3, 8, (item) => store.inbox.complete(item, later));
    assert.deepEqual([...claimed].sort(), [...calls].sort());
  });

  it('fails a write whose rows landed but whose message could not be sent, saying so, and announces those calls when they are named overdue', async () => {
    const { store, prefix } = await fresh();
    const inboxQueue = queues.getQueueClient(azureStoreResourceNames(prefix).queues.inbox);
    // A known call, done: a notification later makes it due again (a changed row, not a new one).
    await store.inbox.enqueue([request('known-call')], Date.now());
    const [known] = await store.inbox.claim(Date.now(), 1, 60_000);
    assert.equal(await store.inbox.complete(known!, Date.now()), true);
    // The queue answers 404 while the table service works: the rows land beside a message that fails, and it fails again.
    await inboxQueue.delete();
    const calls = callsNamed(4);
    const now = Date.now();
    await assert.rejects(
      store.inbox.enqueue(calls.slice(0, 3).map(request), now),
      (error: Error) => {
        assert.equal(error.name, 'AzureStoreError');
        assert.match(error.message, /^Wrote 3 new call\(s\) of tenant tenant-g to the inbox table, but their queue message could not be sent; they will be announced again when a notification or the reconciliation sweep names them 15 minutes overdue\. Azure Storage failed during inbox\.enqueue \(HTTP 404 QueueNotFound\)/);
        assert.match(error.message, /A table, queue or container is missing/);
        return true;
      },
    );
    await assert.rejects(store.inbox.enqueue([request(calls[3]!)], now), /^AzureStoreError: Wrote 1 new call\(s\) of tenant tenant-g/);
    await assert.rejects(store.inbox.enqueue([request('known-call')], now), /^AzureStoreError: Wrote 1 changed call\(s\) of tenant tenant-g to the inbox table, but their queue message could not be sent/);
    assert.equal((await store.inbox.get(tenantId, 'known-call'))?.state, 'pending', 'the done call is due again, without a message');
    for (const callId of calls) assert.equal((await store.inbox.get(tenantId, callId))?.state, 'pending', callId);
    await inboxQueue.create();
    // Graph delivers the notifications again a minute later: the calls are not overdue, nothing is sent.
    assert.equal(await store.inbox.enqueue(calls.map(request), now + 60_000), 0);
    assert.equal(await messagesIn(prefix), 0);
    // The reconciliation sweep names them sixteen minutes later: each is announced and drains.
    const later = now + 16 * 60_000;
    await store.inbox.enqueue(calls.map(request), later, { onlyIfUnseen: true });
    const claimed = await claimAll(store, 4, 8, (item) => store.inbox.complete(item, later));
    assert.deepEqual([...claimed].sort(), [...calls].sort());
  });

  it('announces the calls of a batch that were created one by one after a known call refused the transaction', async () => {
    const { store, prefix } = await fresh();
    await store.inbox.enqueue([request('group-call-1')], Date.now());
    const [known] = await store.inbox.claim(Date.now(), 1, 60_000);
    assert.equal(await store.inbox.complete(known!, Date.now()), true);
    // group-call-1 is known and done: the new calls of this batch cannot be created in one transaction.
    const calls = callsNamed(5);
    assert.equal(await store.inbox.enqueue(calls.map(request), Date.now()), 5, 'the four new calls and the done one revived');
    const claimed = await claimAll(store, 5, 8, (item) => store.inbox.complete(item, Date.now()));
    assert.deepEqual([...claimed].sort(), [...calls].sort());
    assert.equal((await store.inbox.claim(Date.now(), 8, 60_000)).length, 0);
    assert.equal(await messagesIn(prefix), 0);
  });
});
