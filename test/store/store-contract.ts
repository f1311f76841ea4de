import assert from 'node:assert/strict';
import { ETagMismatchError, type Store, type StoredReport } from '../../src/store';

const T = 'tenant-a';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function report(callId: string, version: number, alert: boolean, quality = alert ? 'poor' : 'good', tenantId = T): StoredReport {
  const now = Date.now();
  return {
    tenantId,
    callId,
    version,
    quality,
    alert,
    report: { callId, version, quality, alert, streams: [], feedback: [] },
    summary: { callId, organizer: { displayName: 'Abbie' } },
    startedAt: now - 60_000 * version,
    endedAt: now - 30_000,
    processedAt: now,
  };
}

/**
 * The behaviour every storage engine must have. Times are real (`Date.now()` based) because the
 * Azure engine's queue visibility runs on the service's clock.
 */
export function describeStoreContract(name: string, open: () => Promise<Store>, cleanup?: (store: Store) => Promise<void>): void {
  describe(`Store contract: ${name}`, function () {
    this.timeout(30_000);
    let store!: Store;
    openStorePerTest(open, cleanup, (opened) => (store = opened));

    describe('inbox', () => {
      it('enqueues once per call and hands an item to one claimer at a time', async () => {
        const now = Date.now();
        const due = await store.inbox.enqueue(
          [
            { tenantId: T, callId: 'c1', source: 'notification' },
            { tenantId: T, callId: 'c1', source: 'notification' },
            { tenantId: T, callId: 'c2', source: 'notification' },
          ],
          now,
        );
        assert.equal(due, 2);
        const first = await store.inbox.claim(Date.now(), 10, 60_000);
        assert.deepEqual(first.map((item) => item.callId).sort(), ['c1', 'c2']);
        assert.ok(first.every((item) => item.state === 'leased' && item.attempts === 1 && item.leaseToken));
        const second = await store.inbox.claim(Date.now(), 10, 60_000);
        assert.equal(second.length, 0, 'a leased item is not handed out twice');
        const stats = await store.inbox.stats(Date.now());
        assert.equal(stats.byState.leased, 2);
        assert.notEqual(stats.oldestPendingAgeMs, null);
      });

      it('completes, and a notification during processing makes the item due again', async () => {
        await store.inbox.enqueue([{ tenantId: T, callId: 'c1', source: 'notification' }], Date.now());
        const [item] = await store.inbox.claim(Date.now(), 1, 60_000);
        assert.ok(item);
        await store.inbox.enqueue([{ tenantId: T, callId: 'c1', source: 'notification' }], Date.now());
        assert.equal(await store.inbox.complete(item, Date.now()), true);
        const again = await store.inbox.claim(Date.now(), 1, 60_000);
        assert.equal(again.length, 1, 'the call is processed again for the notification that came meanwhile');
        assert.equal(await store.inbox.complete(again[0]!, Date.now()), true);
        assert.equal((await store.inbox.get(T, 'c1'))?.state, 'done');
        assert.equal((await store.inbox.claim(Date.now(), 1, 60_000)).length, 0);
      });

      it('revives a done item on a new notification but not for the sweep (onlyIfUnseen)', async () => {
        await store.inbox.enqueue([{ tenantId: T, callId: 'c1', source: 'notification' }], Date.now());
        const [item] = await store.inbox.claim(Date.now(), 1, 60_000);
        await store.inbox.complete(item!, Date.now());
        assert.equal(await store.inbox.enqueue([{ tenantId: T, callId: 'c1', source: 'sweep' }], Date.now(), { onlyIfUnseen: true }), 0);
        assert.equal((await store.inbox.get(T, 'c1'))?.state, 'done');
        assert.equal(await store.inbox.enqueue([{ tenantId: T, callId: 'c1', source: 'notification' }], Date.now()), 1);
        const revived = await store.inbox.get(T, 'c1');
        assert.equal(revived?.state, 'pending');
        assert.equal(revived?.attempts, 0);
      });

      it('retries later and keeps the error and the call end time', async () => {
        await store.inbox.enqueue([{ tenantId: T, callId: 'c1', source: 'notification' }], Date.now());
        const [item] = await store.inbox.claim(Date.now(), 1, 60_000);
        const endedAt = Date.now() - 5 * 60_000;
        assert.equal(await store.inbox.retry(item!, Date.now(), Date.now() + 60 * 60_000, 'Graph answered 404', endedAt), true);
        assert.equal((await store.inbox.claim(Date.now(), 1, 60_000)).length, 0, 'not due before its time');
        const stored = await store.inbox.get(T, 'c1');
        assert.equal(stored?.state, 'pending');
        assert.equal(stored?.lastError, 'Graph answered 404');
        assert.equal(stored?.callEndedAt, endedAt);
        assert.equal(await store.inbox.complete(item!, Date.now()), false, 'the old lease is gone');
      });

      it('postpones an item without counting the attempt, and only under its lease', async () => {
        await store.inbox.enqueue([{ tenantId: T, callId: 'c1', source: 'notification' }], Date.now());
        const [first] = await store.inbox.claim(Date.now(), 1, 60_000);
        assert.equal(await store.inbox.retry(first!, Date.now(), Date.now(), 'Graph answered 503'), true);
        const [second] = await store.inbox.claim(Date.now(), 1, 60_000);
        assert.equal(second?.attempts, 2, 'two claims, two attempts');
        const at = Date.now() + 30_000;
        assert.equal(await store.inbox.postpone(second!, Date.now(), at, 'Entra ID issued no token for the tenant'), true);
        const postponed = await store.inbox.get(T, 'c1');
        assert.deepEqual(
          [postponed?.state, postponed?.attempts, postponed?.nextAttemptAt, postponed?.lastError, postponed?.leaseToken],
          ['pending', 1, at, 'Entra ID issued no token for the tenant', null],
          'pending at the given time, the attempt given back, the reason kept',
        );
        assert.equal((await store.inbox.claim(Date.now(), 1, 60_000)).length, 0, 'not due before its time');
        assert.equal(await store.inbox.postpone(second!, Date.now(), at, 'again'), false, 'a settled lease cannot be postponed');
      });

      it('kills with a reason and lists dead items', async () => {
        await store.inbox.enqueue([{ tenantId: T, callId: 'c1', source: 'notification' }], Date.now());
        const [item] = await store.inbox.claim(Date.now(), 1, 60_000);
        assert.equal(await store.inbox.kill(item!, Date.now(), 'record older than 30 days'), true);
        const dead = await store.inbox.listDead(10);
        assert.equal(dead.length, 1);
        assert.equal(dead[0]!.lastError, 'record older than 30 days');
        assert.equal((await store.inbox.stats(Date.now())).byState.dead, 1);
      });

      it('revives an item given up while a notification arrived, and keeps the error of a retried one', async () => {
        await store.inbox.enqueue([{ tenantId: T, callId: 'c1', source: 'notification' }], Date.now());
        const [item] = await store.inbox.claim(Date.now(), 1, 60_000);
        await store.inbox.enqueue([{ tenantId: T, callId: 'c1', source: 'notification' }], Date.now());
        assert.equal(await store.inbox.kill(item!, Date.now(), 'record older than 30 days'), true);
        const revived = await store.inbox.get(T, 'c1');
        assert.deepEqual([revived?.state, revived?.attempts, revived?.lastError], ['pending', 0, 'record older than 30 days']);
        assert.equal(await store.inbox.kill(item!, Date.now(), 'again'), false, 'a settled lease cannot settle twice');
        const [again] = await store.inbox.claim(Date.now(), 1, 60_000);
        assert.equal(again?.attempts, 1);
        assert.equal(await store.inbox.retry(again!, Date.now(), Date.now() + 60_000, 'Graph answered 503'), true);
        const retried = await store.inbox.get(T, 'c1');
        assert.deepEqual([retried?.state, retried?.attempts, retried?.lastError, retried?.leaseToken], ['pending', 1, 'Graph answered 503', null]);
        assert.equal(await store.inbox.enqueue([{ tenantId: T, callId: 'c1', source: 'notification' }], Date.now()), 0, 'a known pending call is not new');
        assert.equal((await store.inbox.claim(Date.now(), 1, 60_000)).length, 1, 'the notification cut the back-off short');
      });

      it('hands out an item again when its lease runs out', async () => {
        await store.inbox.enqueue([{ tenantId: T, callId: 'c1', source: 'notification' }], Date.now());
        const [first] = await store.inbox.claim(Date.now(), 1, 1_000);
        assert.ok(first);
        await sleep(1_200);
        const [second] = await store.inbox.claim(Date.now(), 1, 60_000);
        assert.ok(second, 'claimable after the lease expired');
        assert.equal(second.attempts, 2);
        assert.equal(await store.inbox.complete(first, Date.now()), false, 'the expired lease cannot complete');
        assert.equal(await store.inbox.complete(second, Date.now()), true);
      });
    });

    describe('reports and alert jobs', () => {
      it('keeps newer versions only and queues one alert job per version', async () => {
        const r1 = await store.reports.recordReport(report('c1', 1, true), true);
        assert.deepEqual(r1, { accepted: true, previousVersion: null, alertQueued: true });
        const again = await store.reports.recordReport(report('c1', 1, true), true);
        assert.equal(again.accepted, false);
        assert.equal(again.alertQueued, false);
        const older = await store.reports.recordReport(report('c1', 0, true), true);
        assert.equal(older.accepted, false);
        assert.equal(await store.reports.processedVersion(T, 'c1'), 1);
        const jobs = await store.reports.claimAlertJobs(Date.now(), 10, 60_000);
        assert.deepEqual(jobs.map((job) => [job.callId, job.version]), [['c1', 1]]);
      });

      it('queues a job for a newer version of an alerted call even when it no longer alerts (to update the card)', async () => {
        await store.reports.recordReport(report('c1', 1, true), true);
        const v2 = await store.reports.recordReport(report('c1', 2, false), false);
        assert.equal(v2.accepted, true);
        assert.equal(v2.previousVersion, 1);
        assert.equal(v2.alertQueued, true);
        const quiet = await store.reports.recordReport(report('c2', 1, false), false);
        assert.equal(quiet.alertQueued, false);
        const stored = await store.reports.getReport(T, 'c1');
        assert.equal(stored?.version, 2);
        assert.deepEqual((stored?.summary as { organizer: unknown }).organizer, { displayName: 'Abbie' });
      });

      it('keeps queueing jobs for every later version of a call that once had one, alerting or not (its cards stay current)', async () => {
        await store.reports.recordReport(report('c1', 1, true), true);
        await store.reports.recordReport(report('c1', 2, false), false);
        const v3 = await store.reports.recordReport(report('c1', 3, false), false);
        assert.equal(v3.alertQueued, true, 'version 2 had a job: version 3 gets one too');
        const v4 = await store.reports.recordReport(report('c1', 4, false), false);
        assert.equal(v4.alertQueued, true);
        assert.deepEqual((await store.reports.listAlertJobs(T, 'c1')).map((job) => job.version), [1, 2, 3, 4]);
        await store.reports.recordReport(report('c2', 1, false), false);
        const never = await store.reports.recordReport(report('c2', 2, false), false);
        assert.equal(never.alertQueued, false, 'a call that never alerted queues nothing');
        assert.deepEqual(await store.reports.listAlertJobs(T, 'c2'), []);
      });

      it('leases, completes, retries and kills alert jobs', async () => {
        await store.reports.recordReport(report('c1', 1, true), true);
        await store.reports.recordReport(report('c2', 1, true), true);
        await store.reports.recordReport(report('c3', 1, true), true);
        const jobs = await store.reports.claimAlertJobs(Date.now(), 10, 60_000);
        assert.equal(jobs.length, 3);
        assert.equal((await store.reports.claimAlertJobs(Date.now(), 10, 60_000)).length, 0);
        const byCall = new Map(jobs.map((job) => [job.callId, job]));
        assert.equal(await store.reports.completeAlertJob(byCall.get('c1')!, Date.now()), true);
        assert.equal(await store.reports.retryAlertJob(byCall.get('c2')!, Date.now(), Date.now() + 3_600_000, '429'), true);
        assert.equal(await store.reports.killAlertJob(byCall.get('c3')!, Date.now(), 'no conversation'), true);
        assert.deepEqual(await store.reports.alertJobStats(), { pending: 1, leased: 0, done: 1, dead: 1 });
        assert.deepEqual((await store.reports.listAlertJobs(T, 'c3')).map((job) => [job.version, job.state, job.lastError]), [[1, 'dead', 'no conversation']]);
        await store.reports.recordReport(report('c1', 2, true), true);
        assert.deepEqual((await store.reports.listAlertJobs(T, 'c1')).map((job) => [job.version, job.state]), [[1, 'done'], [2, 'pending']]);
        assert.deepEqual(await store.reports.listAlertJobs(T, 'nothing'), []);
        assert.equal(await store.reports.completeAlertJob(byCall.get('c1')!, Date.now()), false, 'a settled job cannot be settled twice');
      });

      for (const version of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
        it(`refuses the report version ${version} with the same error, keeping nothing`, async () => {
          await assert.rejects(store.reports.recordReport(report('c1', version, true), true), (error: unknown) => {
            assert.ok(error instanceof RangeError, `a RangeError, got ${String(error)}`);
            assert.equal(error.message, `The report version ${version} of call c1 is not a whole number of zero or more; record the call record's version as Graph gives it.`);
            return true;
          });
          assert.equal(await store.reports.processedVersion(T, 'c1'), null);
          assert.deepEqual(await store.reports.listAlertJobs(T, 'c1'), []);
          assert.deepEqual(await store.reports.alertJobStats(), { pending: 0, leased: 0, done: 0, dead: 0 });
        });
      }

      it('accepts version 0 and the largest safe integer', async () => {
        assert.equal((await store.reports.recordReport(report('c1', 0, false), false)).accepted, true);
        assert.equal((await store.reports.recordReport(report('c1', Number.MAX_SAFE_INTEGER, false), false)).accepted, true);
        assert.equal(await store.reports.processedVersion(T, 'c1'), Number.MAX_SAFE_INTEGER);
      });

      it('lists recent reports, filtered', async () => {
        await store.reports.recordReport(report('c1', 1, true, 'poor'), true);
        await store.reports.recordReport(report('c2', 2, false, 'good'), false);
        await store.reports.recordReport(report('c3', 3, true, 'good'), true);
        await store.reports.recordReport(report('x1', 1, true, 'poor', 'tenant-b'), true);
        const poor = await store.reports.recentReports({ tenantId: T, quality: 'poor', limit: 10 });
        assert.deepEqual(poor.map((r) => r.callId), ['c1']);
        const alerts = await store.reports.recentReports({ tenantId: T, alertOnly: true, limit: 10 });
        assert.deepEqual(alerts.map((r) => r.callId).sort(), ['c1', 'c3']);
        assert.equal((await store.reports.recentReports({ limit: 2 })).length, 2);
      });
    });

    describe('subscriptions, conversations, sent cards, settings, documents', () => {
      it('keeps subscription state per tenant', async () => {
        const state = { tenantId: T, subscriptionId: 's1', resource: '/communications/callRecords', expiresAt: Date.now() + 1000, notificationUrl: 'https://bot.example/api/notifications', updatedAt: Date.now() };
        await store.subscriptions.putSubscription(state);
        await store.subscriptions.putSubscription({ ...state, subscriptionId: 's2' });
        assert.equal((await store.subscriptions.getSubscription(T))?.subscriptionId, 's2');
        assert.equal((await store.subscriptions.listSubscriptions()).length, 1);
        await store.subscriptions.deleteSubscription(T);
        assert.equal(await store.subscriptions.getSubscription(T), undefined);
      });

      it('stores conversation references, finds personal chats, marks them dead', async () => {
        const base = { tenantId: T, teamId: null, channelId: null, serviceUrl: 'https://smba.example/', installedAt: Date.now(), deadReason: null };
        await store.conversations.putConversation({ ...base, key: 'a:1', kind: 'personal', userAadId: 'user-1', reference: { conversation: { id: 'a:1' } } });
        await store.conversations.putConversation({ ...base, key: '19:team', kind: 'channel', userAadId: null, teamId: '19:team', channelId: '19:team', reference: { conversation: { id: '19:team' } } });
        assert.equal((await store.conversations.findPersonalConversation(T, 'user-1'))?.key, 'a:1');
        assert.deepEqual((await store.conversations.getConversation('a:1'))?.reference, { conversation: { id: 'a:1' } });
        await store.conversations.markConversationDead('a:1', '403 MessageWritesBlocked');
        assert.equal(await store.conversations.findPersonalConversation(T, 'user-1'), undefined);
        assert.deepEqual((await store.conversations.listConversations()).map((c) => c.key), ['19:team']);
        assert.equal((await store.conversations.listConversations({ includeDead: true })).length, 2);
        await store.conversations.removeConversation('19:team');
        assert.equal(await store.conversations.getConversation('19:team'), undefined);
      });

      it('remembers sent cards and counts them', async () => {
        const card = { tenantId: T, callId: 'c1', conversationKey: 'a:1', activityId: 'act-1', version: 1, cardType: 'alert', sentAt: Date.now(), updatedAt: Date.now(), acknowledgedBy: null };
        await store.sentCards.putSentCard(card);
        await store.sentCards.putSentCard({ ...card, version: 2, acknowledgedBy: 'Abbie' });
        const stored = await store.sentCards.getSentCard(T, 'c1', 'a:1');
        assert.equal(stored?.version, 2);
        assert.equal(stored?.acknowledgedBy, 'Abbie');
        assert.equal(stored?.activityId, 'act-1');
        assert.equal((await store.sentCards.listSentCards(T, 'c1')).length, 1);
        assert.equal(await store.sentCards.countSentSince(Date.now() - 60_000), 1);
        assert.equal(await store.sentCards.countSentSince(Date.now() + 60_000), 0);
      });

      it('keeps the first send time when a conversation gets a new card of a call it already has one of', async () => {
        const first = { tenantId: T, callId: 'c2', conversationKey: 'a:1', activityId: 'act-1', version: 1, cardType: 'alert', sentAt: 1_000, updatedAt: 1_000, acknowledgedBy: null };
        await store.sentCards.putSentCard(first);
        // A new message (its send time is now, as its update time) where a card of the call already was.
        await store.sentCards.putSentCard({ ...first, activityId: 'act-2', version: 2, sentAt: 5_000, updatedAt: 5_000 });
        const stored = await store.sentCards.getSentCard(T, 'c2', 'a:1');
        assert.equal(stored?.activityId, 'act-2');
        assert.equal(stored?.version, 2);
        assert.equal(stored?.updatedAt, 5_000);
        assert.equal(stored?.sentAt, 1_000, 'counted as sent once, at its first send');
      });

      it('creates a card flagged new, and keeps the first send time of one flagged new that a conversation already had', async () => {
        const first = { tenantId: T, callId: 'c3', conversationKey: 'a:1', activityId: 'act-1', version: 1, cardType: 'alert', sentAt: 1_000, updatedAt: 1_000, acknowledgedBy: null };
        await store.sentCards.putSentCard(first, { isNew: true });
        assert.deepEqual(await store.sentCards.getSentCard(T, 'c3', 'a:1'), first);
        await store.sentCards.putSentCard({ ...first, activityId: 'act-2', version: 2, sentAt: 5_000, updatedAt: 5_000 }, { isNew: true });
        const stored = await store.sentCards.getSentCard(T, 'c3', 'a:1');
        assert.equal(stored?.activityId, 'act-2');
        assert.equal(stored?.version, 2);
        assert.equal(stored?.updatedAt, 5_000);
        assert.equal(stored?.sentAt, 1_000, 'counted as sent once, at its first send');
        assert.equal((await store.sentCards.listSentCards(T, 'c3')).length, 1);
      });

      it('keeps settings as JSON by scope', async () => {
        await store.settings.setSetting(T, 'profile', 'cqd-classic');
        await store.settings.setSetting(T, 'thresholds', { 'audio.averageJitter': 40 });
        assert.equal(await store.settings.getSetting(T, 'profile'), 'cqd-classic');
        assert.deepEqual(await store.settings.getSetting(T, 'thresholds'), { 'audio.averageJitter': 40 });
        assert.equal(await store.settings.getSetting('other', 'profile'), undefined);
        await store.settings.deleteSetting(T, 'profile');
        assert.equal(await store.settings.getSetting(T, 'profile'), undefined);
      });

      it('adds a setting only where there is none, and says whether it did', async () => {
        assert.equal(await store.settings.addSetting(T, 'marker', { version: 1 }), true, 'absent: added');
        assert.equal(await store.settings.addSetting(T, 'marker', { version: 2 }), false, 'present: refused');
        assert.deepEqual(await store.settings.getSetting(T, 'marker'), { version: 1 }, 'the refused add changed nothing');
        await store.settings.deleteSetting(T, 'marker');
        assert.equal(await store.settings.addSetting(T, 'marker', { version: 3 }), true, 'deleted: added again');
        assert.deepEqual(await store.settings.getSetting(T, 'marker'), { version: 3 });
        const raced = await Promise.all([4, 5, 6].map((version) => store.settings.addSetting(T, 'raced', { version })));
        assert.equal(raced.filter(Boolean).length, 1, 'of adds in flight together, one lands');
      });

      it('writes documents with ETag concurrency', async () => {
        await store.documents.writeDocuments({ 'conv/1': { value: { count: 1 } } });
        const read = await store.documents.readDocuments(['conv/1', 'missing']);
        assert.deepEqual(Object.keys(read), ['conv/1']);
        assert.deepEqual(read['conv/1']!.value, { count: 1 });
        const eTag = read['conv/1']!.eTag;
        await store.documents.writeDocuments({ 'conv/1': { value: { count: 2 }, expectedETag: eTag } });
        await assert.rejects(store.documents.writeDocuments({ 'conv/1': { value: { count: 3 }, expectedETag: eTag } }), ETagMismatchError);
        assert.deepEqual((await store.documents.readDocuments(['conv/1']))['conv/1']!.value, { count: 2 });
        const current = (await store.documents.readDocuments(['conv/1']))['conv/1']!.eTag;
        await store.documents.deleteDocuments(['conv/1', 'never-written']);
        assert.deepEqual(await store.documents.readDocuments(['conv/1']), {});
        await assert.rejects(store.documents.writeDocuments({ 'conv/1': { value: { count: 4 }, expectedETag: current } }), ETagMismatchError, 'a deleted document does not match its old ETag');
        assert.deepEqual(await store.documents.readDocuments(['conv/1']), {});
        await store.documents.writeDocuments({ 'conv/1': { value: 'plain', expectedETag: '*' } });
        assert.equal((await store.documents.readDocuments(['conv/1']))['conv/1']!.value, 'plain');
      });
    });
  });
}

/** Opens a fresh store before each test of the enclosing `describe` (handed to `use`) and cleans up and closes it after. */
export function openStorePerTest(open: () => Promise<Store>, cleanup: ((store: Store) => Promise<void>) | undefined, use: (store: Store) => void): void {
  let store: Store;
  beforeEach(async () => {
    store = await open();
    use(store);
  });
  afterEach(async () => {
    await cleanup?.(store);
    await store.close();
  });
}
