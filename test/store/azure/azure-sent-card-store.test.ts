import assert from 'node:assert/strict';
import type { SentCard, Store } from '../../../src/store';
import { dropAzureStore, openAzureStore } from '../../../src/store/azure';
import { startAzurite, type AzuriteInstance } from '../../support/azurite';
import { tableRequestCounter } from './table-request-counter';

const T = 'tenant-a';
const sentCard = (callId: string, sentAt: number, updatedAt = sentAt): SentCard => ({
  tenantId: T, callId, conversationKey: 'a:1', activityId: 'act-1', version: 1, cardType: 'alert', sentAt, updatedAt, acknowledgedBy: null,
});

describe('Azure sent card store on Azurite', function () {
  this.timeout(60_000);
  let azurite: AzuriteInstance;
  let store: Store;
  let prefix: string;
  let opened = 0;
  const { tablePolicies, counted } = tableRequestCounter();

  before(async () => {
    azurite = await startAzurite();
  });
  after(async () => {
    await azurite?.stop();
  });
  beforeEach(async () => {
    opened += 1;
    prefix = `s${opened}`;
    store = await openAzureStore({ connectionString: azurite.connectionString }, { prefix, tablePolicies });
  });
  afterEach(async () => {
    await dropAzureStore({ connectionString: azurite.connectionString }, { prefix });
    await store.close();
  });

  it('creates a card flagged new with one request and no read, whatever its times say', async () => {
    // Recorded a moment after the connector's answer: its update time is not its send time, and it is new all the same.
    const card = sentCard('c1', 1_000, 1_001);
    const write = await counted(() => store.sentCards.putSentCard(card, { isNew: true }));
    assert.equal(write.length, 1, write.join(', '));
    assert.match(write[0]!, /^POST /);
    assert.deepEqual(await store.sentCards.getSentCard(T, 'c1', 'a:1'), card);
  });

  it('updates an existing card with a read and a write, keeping its first send time, even when its times are equal', async () => {
    await store.sentCards.putSentCard(sentCard('c2', 1_000), { isNew: true });
    // An acknowledgement in the same millisecond as the send: equal times, and an edit all the same.
    const write = await counted(() => store.sentCards.putSentCard({ ...sentCard('c2', 1_000), version: 2, acknowledgedBy: 'Abbie' }));
    assert.deepEqual(write.map((request) => request.split(' ')[0]), ['GET', 'PUT'], write.join(', '));
    const later = await counted(() => store.sentCards.putSentCard({ ...sentCard('c2', 9_000, 9_000), version: 3, acknowledgedBy: 'Abbie' }));
    assert.deepEqual(later.map((request) => request.split(' ')[0]), ['GET', 'PUT'], later.join(', '));
    const stored = await store.sentCards.getSentCard(T, 'c2', 'a:1');
    assert.equal(stored?.version, 3);
    assert.equal(stored?.acknowledgedBy, 'Abbie');
    assert.equal(stored?.updatedAt, 9_000);
    assert.equal(stored?.sentAt, 1_000, 'counted as sent once, at its first send');
  });

  it('ends with the right row when a card flagged new already has one (its create refused, then read and updated)', async () => {
    await store.sentCards.putSentCard(sentCard('c3', 1_000), { isNew: true });
    const write = await counted(() => store.sentCards.putSentCard({ ...sentCard('c3', 5_000), activityId: 'act-2', version: 2 }, { isNew: true }));
    assert.deepEqual(write.map((request) => request.split(' ')[0]), ['POST', 'GET', 'PUT'], write.join(', '));
    const stored = await store.sentCards.getSentCard(T, 'c3', 'a:1');
    assert.equal(stored?.activityId, 'act-2');
    assert.equal(stored?.version, 2);
    assert.equal(stored?.updatedAt, 5_000);
    assert.equal(stored?.sentAt, 1_000, 'counted as sent once, at its first send');
    assert.equal(await store.sentCards.countSentSince(0), 1);
  });
});
