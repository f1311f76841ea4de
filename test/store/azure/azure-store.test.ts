import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { TableClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { ETagMismatchError, type SentCard, type Store, type StoredReport } from '../../../src/store';
import { AzureStoreError, azureStoreResourceNames, dropAzureStore, openAzureStore, storageEndpointsFromAccountUrl, type AzureStoreOptions } from '../../../src/store/azure';
import { lateInboxRow } from './late-row';
import { tableRequestCounter } from './table-request-counter';
import { startAzurite, type AzuriteInstance } from '../../support/azurite';
import { describeHistoryContract } from '../history-contract';
import { describeInboxPruningContract } from '../inbox-pruning-contract';
import { describeReportBodyContract } from '../report-body-contract';
import { describeStoreContract } from '../store-contract';
import { describeScoredCallContract } from '../scored-call-contract';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const T = 'tenant-a';
const sentCard = (callId: string, sentAt: number, updatedAt = sentAt): SentCard => ({
  tenantId: T, callId, conversationKey: 'a:1', activityId: 'act-1', version: 1, cardType: 'alert', sentAt, updatedAt, acknowledgedBy: null,
});


describe('Azure store on Azurite', function () {
  this.timeout(60_000);
  let azurite: AzuriteInstance;
  let opened = 0;
  const prefixes = new WeakMap<Store, string>();

  before(async () => {
    azurite = await startAzurite();
  });
  after(async () => {
    await azurite?.stop();
  });

  const connection = () => ({ connectionString: azurite.connectionString });
  /** A store with its own tables, queues and containers. */
  const openFresh = async (options: { maxInlineReportBytes?: number; historyPageSize?: number; maxInlineHistoryBytes?: number; tablePolicies?: AzureStoreOptions['tablePolicies'] } = {}) => {
    opened += 1;
    const prefix = `t${opened}`;
    const store = await openAzureStore(connection(), { prefix, ...options });
    prefixes.set(store, prefix);
    return store;
  };
  const drop = async (store: Store) => dropAzureStore(connection(), { prefix: prefixes.get(store) });

  describeStoreContract('azure (Azurite)', () => openFresh(), drop);
  describeScoredCallContract('azure (Azurite)', () => openFresh(), drop);
  describeHistoryContract('azure (Azurite)', (options) => openFresh(options), drop);
  // Every call's summary in a blob, as a meeting too big for one row keeps it: the same behaviour.
  describeHistoryContract('azure (Azurite), every summary in a blob', (options) => openFresh({ ...options, maxInlineHistoryBytes: 0 }), drop);
  describeInboxPruningContract('azure (Azurite)', () => openFresh(), drop);
  describeReportBodyContract('azure (Azurite)', () => openFresh(), drop);
  // A big call's packed body in a blob, too.
  describeReportBodyContract('azure (Azurite), every body in a blob', () => openFresh({ maxInlineReportBytes: 0 }), drop);

  describe('several instances on one account', () => {
    let first: Store;
    let second: Store;
    beforeEach(async () => {
      first = await openFresh();
      // The same tables and queues through separate clients, as a second App Service instance would.
      second = await openAzureStore(connection(), { prefix: prefixes.get(first) });
    });
    afterEach(async () => {
      await second.close();
      await drop(first);
      await first.close();
    });

    it('hands each work item to exactly one of two racing instances', async () => {
      const calls = Array.from({ length: 40 }, (_, index) => `call-${index}`);
      const requests = calls.map((callId) => ({ tenantId: 'tenant-a', callId, source: 'notification' as const }));
      // Both instances get the same burst of notifications (Graph delivers to any of them, with duplicates).
      const dueCounts = await Promise.all([first.inbox.enqueue(requests, Date.now()), second.inbox.enqueue([...requests].reverse(), Date.now())]);
      assert.equal(dueCounts[0] + dueCounts[1], calls.length, 'each call became due once');

      const claimedBy = new Map<string, string[]>();
      const drain = async (store: Store, name: string) => {
        for (let round = 0; round < 20; round += 1) {
          const items = await store.inbox.claim(Date.now(), 7, 60_000);
          if (items.length === 0) return;
          for (const item of items) claimedBy.set(item.callId, [...(claimedBy.get(item.callId) ?? []), name]);
          await Promise.all(items.map(async (item) => assert.equal(await store.inbox.complete(item, Date.now()), true)));
        }
      };
      await Promise.all([drain(first, 'first'), drain(second, 'second')]);

      assert.deepEqual([...claimedBy.keys()].sort(), [...calls].sort(), 'every call was claimed');
      const twice = [...claimedBy].filter(([, holders]) => holders.length !== 1);
      assert.deepEqual(twice, [], 'no call was claimed twice');
      const stats = await second.inbox.stats(Date.now());
      assert.deepEqual(stats.byState, { pending: 0, leased: 0, done: calls.length, dead: 0 });
      assert.equal(stats.oldestPendingAgeMs, null);
    });

    it('records one report and one alert job per version when two instances record it at once', async () => {
      const calls = Array.from({ length: 10 }, (_, index) => `call-${index}`);
      const results = await Promise.all(
        calls.flatMap((callId) => [first.reports.recordReport(storedReport(callId, 3), true), second.reports.recordReport(storedReport(callId, 3), true)]),
      );
      for (const callId of calls) {
        const accepted = results.filter((result, index) => calls[Math.floor(index / 2)] === callId && result.accepted);
        assert.equal(accepted.length, 1, `exactly one instance recorded ${callId}`);
      }
      assert.deepEqual(await first.reports.alertJobStats(), { pending: calls.length, leased: 0, done: 0, dead: 0 });

      const [jobsA, jobsB] = await Promise.all([first.reports.claimAlertJobs(Date.now(), 32, 60_000), second.reports.claimAlertJobs(Date.now(), 32, 60_000)]);
      const claimed = [...jobsA, ...jobsB].map((job) => `${job.callId}@${job.version}`).sort();
      assert.deepEqual(claimed, calls.map((callId) => `${callId}@3`).sort(), 'each job delivered to one instance');
      assert.equal((await first.reports.claimAlertJobs(Date.now(), 32, 60_000)).length, 0);
    });

    it('ends with the newest of several versions recorded at once, and only its blob', async () => {
      const blobFirst = await openAzureStore(connection(), { prefix: prefixes.get(first), maxInlineReportBytes: 0 });
      const blobSecond = await openAzureStore(connection(), { prefix: prefixes.get(first), maxInlineReportBytes: 0 });
      const versions = [3, 1, 6, 2, 5, 4];
      const results = await Promise.all(
        versions.flatMap((version) => [blobFirst.reports.recordReport(storedReport('c1', version), true), blobSecond.reports.recordReport(storedReport('c1', version), true)]),
      );
      const acceptedVersions = results.flatMap((result, index) => (result.accepted ? [versions[Math.floor(index / 2)]!] : []));
      assert.equal(new Set(acceptedVersions).size, acceptedVersions.length, 'no version accepted twice');
      assert.ok(acceptedVersions.includes(6));
      assert.equal(await first.reports.processedVersion('tenant-a', 'c1'), 6);
      assert.equal((await second.reports.getReport('tenant-a', 'c1'))?.version, 6);
      assert.equal((await first.reports.alertJobStats()).pending, acceptedVersions.length, 'one alert job per accepted version');
      const blobs = await reportBlobs(first);
      assert.equal(blobs.length, 1, `only the newest version's blob is left, found ${blobs.join(', ')}`);
      assert.match(blobs[0]!, /\/6-/);
      await blobFirst.close();
      await blobSecond.close();
    });

    it('lets another instance take over a work item whose lease ran out', async () => {
      await first.inbox.enqueue([{ tenantId: 'tenant-a', callId: 'c1', source: 'notification' }], Date.now());
      const [lost] = await first.inbox.claim(Date.now(), 1, 1_000);
      assert.ok(lost);
      assert.equal((await second.inbox.claim(Date.now(), 1, 60_000)).length, 0, 'not while the lease runs');
      await sleep(1_300);
      const [taken] = await second.inbox.claim(Date.now(), 1, 60_000);
      assert.equal(taken?.callId, 'c1');
      assert.equal(taken?.attempts, 2);
      assert.notEqual(taken?.leaseToken, lost.leaseToken);
      assert.equal(await first.inbox.retry(lost, Date.now(), Date.now(), 'late'), false, 'the first holder lost its lease');
      assert.equal(await first.inbox.complete(lost, Date.now()), false);
      assert.equal(await second.inbox.complete(taken!, Date.now()), true);
      assert.equal((await first.inbox.get('tenant-a', 'c1'))?.state, 'done');
    });

    it('lets another instance take over an alert job whose lease ran out', async () => {
      await first.reports.recordReport(storedReport('c1', 1), true);
      const [lost] = await first.reports.claimAlertJobs(Date.now(), 1, 1_000);
      assert.ok(lost);
      await sleep(1_300);
      const [taken] = await second.reports.claimAlertJobs(Date.now(), 1, 60_000);
      assert.equal(taken?.attempts, 2);
      assert.equal(await first.reports.completeAlertJob(lost, Date.now()), false);
      assert.equal(await second.reports.completeAlertJob(taken!, Date.now()), true);
      assert.deepEqual(await second.reports.alertJobStats(), { pending: 0, leased: 0, done: 1, dead: 0 });
    });

    it('lets only one of two instances write the same turn state document', async () => {
      await first.documents.writeDocuments({ 'conversation/19:abc@thread.tacv2': { value: { turns: 1, name: 'Zoë Ågren' } } });
      const [readA, readB] = await Promise.all([
        first.documents.readDocuments(['conversation/19:abc@thread.tacv2']),
        second.documents.readDocuments(['conversation/19:abc@thread.tacv2']),
      ]);
      const eTag = readA['conversation/19:abc@thread.tacv2']!.eTag;
      assert.equal(readB['conversation/19:abc@thread.tacv2']!.eTag, eTag);
      const outcomes = await Promise.allSettled([
        first.documents.writeDocuments({ 'conversation/19:abc@thread.tacv2': { value: { turns: 2, by: 'first' }, expectedETag: eTag } }),
        second.documents.writeDocuments({ 'conversation/19:abc@thread.tacv2': { value: { turns: 2, by: 'second' }, expectedETag: eTag } }),
      ]);
      assert.equal(outcomes.filter((outcome) => outcome.status === 'fulfilled').length, 1);
      const rejected = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
      assert.ok(rejected?.reason instanceof ETagMismatchError);
      const winner = outcomes[0]!.status === 'fulfilled' ? 'first' : 'second';
      assert.deepEqual((await second.documents.readDocuments(['conversation/19:abc@thread.tacv2']))['conversation/19:abc@thread.tacv2']!.value, { turns: 2, by: winner });
    });
  });

  describe('sent cards, their requests counted', () => {
    const { tablePolicies, counted } = tableRequestCounter();
    let store: Store;
    beforeEach(async () => {
      store = await openFresh({ tablePolicies });
    });
    afterEach(async () => {
      await drop(store);
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

  describe('Azure specifics', () => {
    let store: Store;
    beforeEach(async () => {
      store = await openFresh({ maxInlineReportBytes: 256 * 1024 });
    });
    afterEach(async () => {
      await drop(store);
      await store.close();
    });

    it('keeps a report of about 1 MB that does not compress in a blob, and drops the blob when a newer version replaces it', async () => {
      const big = storedReport('big-meeting', 1);
      // Random stream ids do not compress: the body cannot stay in a table row.
      big.report = { streams: Array.from({ length: 6_000 }, (_, index) => ({ index, id: randomBytes(120).toString('base64') })) };
      assert.ok(JSON.stringify(big.report).length > 900_000);
      assert.equal((await store.reports.recordReport(big, true)).accepted, true);
      const stored = await store.reports.getReport('tenant-a', 'big-meeting');
      assert.deepEqual(stored?.report, big.report);
      assert.deepEqual(stored?.summary, big.summary);
      assert.equal((await reportBlobs(store)).length, 1);

      const newer = { ...storedReport('big-meeting', 2), report: { streams: [] } };
      assert.equal((await store.reports.recordReport(newer, false)).accepted, true);
      assert.deepEqual((await store.reports.getReport('tenant-a', 'big-meeting'))?.report, { streams: [] });
      assert.deepEqual(await reportBlobs(store), [], 'the replaced version\'s blob is deleted');
    });

    it('keeps a report of about 1 MB that compresses well in the table row itself', async () => {
      const big = storedReport('long-meeting', 1);
      big.report = {
        streams: Array.from({ length: 5_000 }, (_, index) => ({ index, direction: 'callerToCallee', averageJitter: 'PT0.012S', packetLossRate: 0.01, participant: `Participant ${index % 300}` })),
      };
      assert.ok(JSON.stringify(big.report).length > 500_000);
      await store.reports.recordReport(big, true);
      assert.deepEqual((await store.reports.getReport('tenant-a', 'long-meeting'))?.report, big.report);
      assert.deepEqual(await reportBlobs(store), []);
      const [recent] = await store.reports.recentReports({ limit: 1 });
      assert.deepEqual(recent?.report, big.report);
    });

    it('accepts ids with characters table keys refuse (/ \\ # ? control characters, quotes, non-Latin)', async () => {
      const tenantId = "tenant/with\\odd#chars?'%";
      const callIds = ['a/b', 'a\\b', 'a#b', 'a?b', 'tab\there', "it's", '100%', 'ünïcødé 通话', '', 'a~2Fb'];
      const due = await store.inbox.enqueue(callIds.map((callId) => ({ tenantId, callId, source: 'manual' as const })), Date.now());
      assert.equal(due, callIds.length, 'no two ids share a key');
      const claimed = await store.inbox.claim(Date.now(), 32, 60_000);
      assert.deepEqual(claimed.map((item) => item.callId).sort(), [...callIds].sort());
      for (const item of claimed) assert.equal(await store.inbox.complete(item, Date.now()), true);
      assert.equal((await store.inbox.get(tenantId, 'a/b'))?.state, 'done');

      await store.reports.recordReport(storedReport('a/b#c?d', 1, tenantId), true);
      assert.equal((await store.reports.getReport(tenantId, 'a/b#c?d'))?.callId, 'a/b#c?d');
      assert.equal(await store.reports.processedVersion(tenantId, 'a/b#c'), null);
      await store.settings.setSetting('scope/with#odd?chars', "key'with\\quote", { ok: true });
      assert.deepEqual(await store.settings.getSetting('scope/with#odd?chars', "key'with\\quote"), { ok: true });
      await store.conversations.putConversation({
        key: "a:1/odd#'key",
        kind: 'personal',
        tenantId,
        userAadId: "user'1",
        teamId: null,
        channelId: null,
        serviceUrl: 'https://smba.example/',
        reference: { conversation: { id: "a:1/odd#'key" } },
        installedAt: Date.now(),
        deadReason: null,
      });
      assert.equal((await store.conversations.findPersonalConversation(tenantId, "user'1"))?.key, "a:1/odd#'key");
    });

    it('makes a retried item due again when its time comes, on the queue\'s clock', async () => {
      await store.inbox.enqueue([{ tenantId: 'tenant-a', callId: 'c1', source: 'notification' }], Date.now());
      const [item] = await store.inbox.claim(Date.now(), 1, 60_000);
      assert.equal(await store.inbox.retry(item!, Date.now(), Date.now() + 1_000, 'Graph answered 404'), true);
      assert.equal((await store.inbox.claim(Date.now(), 1, 60_000)).length, 0);
      await sleep(1_300);
      const [again] = await store.inbox.claim(Date.now(), 1, 60_000);
      assert.equal(again?.callId, 'c1');
      assert.equal(again?.attempts, 2);
      assert.equal(again?.lastError, 'Graph answered 404');
    });

    it('makes an item waiting out a back-off due at once when a new notification arrives', async () => {
      await store.inbox.enqueue([{ tenantId: 'tenant-a', callId: 'c1', source: 'notification' }], Date.now());
      const [item] = await store.inbox.claim(Date.now(), 1, 60_000);
      await store.inbox.retry(item!, Date.now(), Date.now() + 3_600_000, 'Graph answered 404');
      assert.equal(await store.inbox.enqueue([{ tenantId: 'tenant-a', callId: 'c1', source: 'notification' }], Date.now()), 0);
      const [again] = await store.inbox.claim(Date.now(), 1, 60_000);
      assert.equal(again?.callId, 'c1', 'claimable now, not in an hour');
      assert.equal(await store.inbox.complete(again!, Date.now()), true);
      // The hidden message of the back-off is stale now; when it shows up it must not revive the item.
      assert.equal((await store.inbox.claim(Date.now(), 5, 60_000)).length, 0);
      assert.equal((await store.inbox.get('tenant-a', 'c1'))?.state, 'done');
    });

    it('does not hand out an item whose message arrived before its row (a write in flight)', async () => {
      const names = azureStoreResourceNames(prefixes.get(store));
      const queue = QueueServiceClient.fromConnectionString(azurite.connectionString).getQueueClient(names.queues.inbox);
      await queue.sendMessage(Buffer.from(JSON.stringify({ t: 'tenant-a', c: 'not-written-yet', g: 1 })).toString('base64'));
      assert.equal((await store.inbox.claim(Date.now(), 5, 60_000)).length, 0);
      assert.equal(await store.inbox.get('tenant-a', 'not-written-yet'), undefined);
      const peeked = await queue.peekMessages({ numberOfMessages: 5 });
      assert.equal(peeked.peekedMessageItems.length, 0, 'the message is hidden for a moment, not deleted');
      const properties = await queue.getProperties();
      assert.equal(properties.approximateMessagesCount, 1);
    });

    it('hands out an item whose row lands while its message is being claimed (the writer a round trip behind)', async () => {
      const late = await lateInboxRow(store, azurite.connectionString, prefixes.get(store)!, 'tenant-a', 'late-row');
      // The message first, then the row a moment after the claim received it: as a writer sends them.
      await late.sendMessage();
      const claiming = store.inbox.claim(Date.now(), 1, 60_000);
      await sleep(30);
      await late.writeRow();
      const claimed = await claiming;
      assert.deepEqual(
        claimed.map((item) => item.callId),
        ['late-row'],
        'claimed in the same claim, not hidden for a second',
      );
      assert.equal((await store.inbox.get('tenant-a', 'late-row'))?.state, 'leased');
    });

    it('moves a message that is not one of ours to the poison queue, with the reason', async () => {
      const names = azureStoreResourceNames(prefixes.get(store));
      const queues = QueueServiceClient.fromConnectionString(azurite.connectionString);
      await queues.getQueueClient(names.queues.inbox).sendMessage('not base64 json');
      assert.equal((await store.inbox.claim(Date.now(), 5, 60_000)).length, 0);
      const poisoned = await queues.getQueueClient(names.queues.poison).receiveMessages({ numberOfMessages: 5 });
      assert.equal(poisoned.receivedMessageItems.length, 1);
      const body = JSON.parse(Buffer.from(poisoned.receivedMessageItems[0]!.messageText, 'base64').toString('utf8')) as { reason: string; text: string; queue: string };
      assert.equal(body.text, 'not base64 json');
      assert.equal(body.queue, names.queues.inbox);
      assert.match(body.reason, /not a work message/);
      assert.equal((await queues.getQueueClient(names.queues.inbox).getProperties()).approximateMessagesCount, 0);
    });

    it('stores one row per call and tenant in the inbox table, keyed by the escaped ids', async () => {
      await store.inbox.enqueue([{ tenantId: 'tenant-a', callId: 'call/1', source: 'notification' }], Date.now());
      const names = azureStoreResourceNames(prefixes.get(store));
      const table = TableClient.fromConnectionString(azurite.connectionString, names.tables.inbox, { allowInsecureConnection: true });
      const rows: { partitionKey?: string; rowKey?: string }[] = [];
      for await (const entity of table.listEntities()) rows.push(entity);
      assert.deepEqual(
        rows.map((row) => [row.partitionKey, row.rowKey]),
        [['tenant-a', 'call~2F1']],
      );
    });
  });

  describe('opening', () => {
    it('refuses a wrong account key with an error naming the status and what to check', async () => {
      const wrongKey = azurite.connectionString.replace(/AccountKey=[^;]+/, `AccountKey=${randomBytes(64).toString('base64')}`);
      const error = await openAzureStore({ connectionString: wrongKey }, { prefix: 'wrongkey' }).then(
        () => undefined,
        (failure: unknown) => failure,
      );
      assert.ok(error instanceof AzureStoreError, `expected an AzureStoreError, got ${String(error)}`);
      assert.equal(error.status, 403);
      assert.match(error.message, /open/);
      assert.doesNotMatch(error.message, /AccountKey/);
    });

    it('refuses a prefix that cannot name tables, queues and containers', async () => {
      await assert.rejects(openAzureStore(connection(), { prefix: 'Bad-Prefix' }), /prefix "Bad-Prefix".*lowercase letters and digits/);
    });

    it('derives the queue and table endpoints from the account URL used with a managed identity', () => {
      assert.deepEqual(storageEndpointsFromAccountUrl('https://cqbstore.blob.core.windows.net/'), {
        blob: 'https://cqbstore.blob.core.windows.net',
        queue: 'https://cqbstore.queue.core.windows.net',
        table: 'https://cqbstore.table.core.windows.net',
      });
      assert.throws(() => storageEndpointsFromAccountUrl('https://storage.contoso.com'), /endpoints/);
    });

    it('rejects calls after close', async () => {
      const store = await openFresh();
      await store.close();
      await assert.rejects(store.settings.getSetting('global', 'x'), /after close/);
      await dropAzureStore(connection(), { prefix: prefixes.get(store) });
    });
  });

  async function reportBlobs(store: Store): Promise<string[]> {
    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(azureStoreResourceNames(prefixes.get(store)).containers.reports);
    const names: string[] = [];
    for await (const blob of container.listBlobsFlat()) names.push(blob.name);
    return names;
  }
});

function storedReport(callId: string, version: number, tenantId = 'tenant-a'): StoredReport {
  const now = Date.now();
  return {
    tenantId,
    callId,
    version,
    quality: 'poor',
    alert: true,
    report: { callId, version, streams: [] },
    summary: { callId, organizer: { displayName: 'Abbie' } },
    startedAt: now - 3_600_000,
    endedAt: now - 60_000,
    processedAt: now,
  };
}
