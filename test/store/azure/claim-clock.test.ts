import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { dropAzureStore, openAzureStore } from '../../../src/store/azure';
import type { Store } from '../../../src/store';
import { startAzurite, type AzuriteInstance } from '../../support/azurite';
import { delayAzurite, type DelayedAzurite } from '../../support/latency-proxy';
import { lateInboxRow } from './late-row';

/**
 * A claim reads its clock before it receives messages. A row written meanwhile by another process
 * is due at that writer's clock, a few round trips after the claim's: it must not look due in the
 * future (its message would be hidden for a whole second, the queue's smallest step).
 */
describe('Azure claims: a row that became due while the claim was on its way', function () {
  this.timeout(60_000);
  const DELAY_MS = 60;
  let azurite: AzuriteInstance;
  let delayed: DelayedAzurite;
  let store: Store;

  before(async () => {
    azurite = await startAzurite();
    delayed = await delayAzurite(azurite, DELAY_MS);
    store = await openAzureStore({ connectionString: delayed.connectionString }, { prefix: 'claimclock' });
  });
  after(async () => {
    await store?.close();
    await dropAzureStore({ connectionString: azurite.connectionString }, { prefix: 'claimclock' }).catch(() => undefined);
    await delayed?.stop();
    await azurite?.stop();
  });

  it('hands out an inbox item due a moment after the claim read its clock, in the same claim', async () => {
    // The writer's clock reads 30 ms after the claim's: less than the claim's own receive takes (60 ms a request here).
    const claimClock = Date.now();
    await store.inbox.enqueue([{ tenantId: 'tenant-a', callId: 'due-meanwhile', source: 'notification' }], claimClock + 30);
    const claimed = await store.inbox.claim(claimClock, 5, 60_000);
    assert.deepEqual(claimed.map((item) => item.callId), ['due-meanwhile'], 'claimed, not hidden for a second');
    assert.equal((await store.inbox.get('tenant-a', 'due-meanwhile'))?.state, 'leased');
  });

  it('still leaves an item due later than the claim took where it is', async () => {
    const claimClock = Date.now();
    await store.inbox.enqueue([{ tenantId: 'tenant-a', callId: 'due-later', source: 'notification' }], claimClock + 30_000);
    const claimed = await store.inbox.claim(claimClock, 5, 60_000);
    assert.equal(claimed.length, 0);
    assert.equal((await store.inbox.get('tenant-a', 'due-later'))?.state, 'pending');
  });

  it('hands out an item whose row lands while the claim waits for it, due after the claim read its clock', async () => {
    const late = await lateInboxRow(store, azurite.connectionString, 'claimclock', 'tenant-a', 'lands-late');
    // The message first, then the row while the claim waits for it (150 ms in), due at a writer's
    // clock 120 ms past the claim's: later than the receive alone (60 ms a request here), earlier than
    // the moment the claim finds the row.
    await late.sendMessage();
    const claimClock = Date.now();
    const claiming = store.inbox.claim(claimClock, 1, 60_000);
    await sleep(150);
    await late.writeRow({ nextAttemptAt: claimClock + 120 });
    const claimed = await claiming;
    assert.deepEqual(claimed.map((item) => item.callId), ['lands-late'], 'claimed in the same claim, not hidden for a second');
  });
});
