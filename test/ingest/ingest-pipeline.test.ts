import assert from 'node:assert/strict';
import { createLogger } from '../../src/logger';
import { startApp, type RunningApp } from '../../src/app';
import { InboxWorker, IngestStatus, ReconciliationSweep, SubscriptionKeeper, RENEW_BEFORE_MS } from '../../src/ingest';
import { resolveScoringOptions, type CallQualityReport } from '../../src/quality';
import { openSqliteStore, type Store } from '../../src/store';
import { TENANT_A, startGraphTestEnvironment, type GraphTestEnvironment } from '../graph/graph-test-environment';
import { freePort } from '../support/free-port';
import { loadFixture } from '../support/graph-fixtures';

const CLIENT_STATE = 'pipeline-client-state-0123456789';
const seed = loadFixture('callrecord-v1-expanded-2024.json') as Record<string, unknown>;

/** The 2024 seed record under a new id and version, optionally with a poor jitter on its second stream. */
function record(id: string, version: number, poorJitter = false): Record<string, unknown> {
  const copy = structuredClone(seed);
  delete copy['sessions@odata.nextLink'];
  copy.id = id;
  copy.version = version;
  copy.startDateTime = new Date(Date.now() - 40 * 60_000).toISOString();
  copy.endDateTime = new Date(Date.now() - 10 * 60_000).toISOString();
  if (poorJitter) {
    const stream = (copy as any).sessions[0].segments[0].media[0].streams[1];
    stream.averageJitter = 'PT0.045S';
  }
  return copy;
}

const callId = (n: number) => `aaaaaaaa-0000-4000-8000-${String(n).padStart(12, '0')}`;


async function until<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('ingest pipeline against a loopback Graph', function () {
  this.timeout(60_000);
  let env: GraphTestEnvironment;
  const silent = createLogger('silent');

  before(async () => {
    env = await startGraphTestEnvironment();
  });
  after(async () => {
    await env.close();
  });
  beforeEach(() => env.graph.resetStats());

  describe('the running app', () => {
    let app: RunningApp;
    let port: number;

    before(async () => {
      port = await freePort();
      const config = env.appConfig(port, CLIENT_STATE);
      app = await startApp(config, silent, { store: openSqliteStore({ path: ':memory:' }), graph: env.client() });
    });
    after(async () => {
      await app.stop();
      await app.store.close();
    });

    it('creates the tenant subscription at start, with the lifecycle URL and an expiry under 4,230 minutes', async () => {
      const [subscription] = await until(async () => env.graph.subscriptions(TENANT_A).length > 0 && env.graph.subscriptions(TENANT_A), 'the subscription');
      assert.equal(subscription!.resource, '/communications/callRecords');
      assert.equal(subscription!.changeType, 'created,updated');
      assert.equal(subscription!.notificationUrl, `http://127.0.0.1:${port}/api/notifications`);
      assert.equal(subscription!.lifecycleNotificationUrl, `http://127.0.0.1:${port}/api/lifecycle`);
      const minutes = (Date.parse(subscription!.expirationDateTime) - Date.now()) / 60_000;
      assert.ok(minutes > 4_100 && minutes < 4_230, `expiry ${minutes} minutes away`);
      const stored = await until(() => app.store.subscriptions.getSubscription(TENANT_A), 'the stored subscription');
      assert.equal(stored.subscriptionId, subscription!.id);
    });

    it('turns a Graph notification into a stored report and one alert job', async () => {
      const id = callId(1);
      env.graph.putRecord(record(id, 1));
      const [subscription] = env.graph.subscriptions(TENANT_A);
      const statuses = await env.graph.sendNotifications(TENANT_A, [id], { subscriptionId: subscription!.id });
      assert.deepEqual(statuses, [202]);
      const stored = await until(() => app.store.reports.getReport(TENANT_A, id), 'the report');
      const report = stored.report as CallQualityReport;
      assert.equal(stored.version, 1);
      assert.equal(report.quality, 'good');
      assert.equal(report.alert, true, 'the "poor" rating makes an alert due');
      assert.equal((stored.summary as { callId: string }).callId, id);
      assert.deepEqual((await app.store.reports.listAlertJobs(TENANT_A, id)).map((job) => job.version), [1], 'one alert decision');
      assert.equal((await app.store.inbox.get(TENANT_A, id))?.state, 'done');
    });

    it('re-scores a newer version once, and ignores a repeated notification for it', async () => {
      const id = callId(2);
      const [subscription] = env.graph.subscriptions(TENANT_A);
      env.graph.putRecord(record(id, 1));
      await env.graph.sendNotifications(TENANT_A, [id], { subscriptionId: subscription!.id });
      await until(() => app.store.reports.getReport(TENANT_A, id), 'version 1');
      env.graph.putRecord(record(id, 2, true));
      await env.graph.sendNotifications(TENANT_A, [id], { subscriptionId: subscription!.id, changeType: 'updated' });
      const v2 = await until(async () => {
        const stored = await app.store.reports.getReport(TENANT_A, id);
        return stored?.version === 2 && stored;
      }, 'version 2');
      assert.equal((v2.report as CallQualityReport).quality, 'poor');
      await until(async () => (await app.store.inbox.get(TENANT_A, id))?.state === 'done', 'version 2 settled');
      const scoredBefore = app.status.processed;
      const fetchesBefore = (env.graph.stats.byOperation.getCallRecord ?? 0);
      await env.graph.sendNotifications(TENANT_A, [id], { subscriptionId: subscription!.id, changeType: 'updated' });
      await until(async () => (env.graph.stats.byOperation.getCallRecord ?? 0) > fetchesBefore && (await app.store.inbox.get(TENANT_A, id))?.state === 'done', 'the repeated notification fetched and settled');
      assert.equal(app.status.processed, scoredBefore, 'a version already processed is not scored or recorded again');
      const after = await app.store.reports.getReport(TENANT_A, id);
      assert.equal(after?.processedAt, v2.processedAt, 'the stored report is left as it was');
      const forCall = (await app.store.reports.listAlertJobs(TENANT_A, id)).map((job) => job.version);
      assert.deepEqual(forCall, [1, 2], 'one alert decision per version');
    });

    it('answers health: subscription expiry, last notification, inbox depth', async () => {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      assert.equal(response.status, 200);
      const health = (await response.json()) as { status: string; subscriptions: Array<{ tenantId: string; expiresInMinutes: number }>; lastNotificationAt: string | null; inbox: { byState: Record<string, number> } };
      assert.equal(health.status, 'ok');
      assert.equal(health.subscriptions[0]?.tenantId, TENANT_A);
      assert.ok(health.subscriptions[0]!.expiresInMinutes > 4_000);
      assert.notEqual(health.lastNotificationAt, null);
      assert.ok((health.inbox.byState.done ?? 0) >= 2);
    });

    it('reauthorizes on reauthorizationRequired and re-creates on subscriptionRemoved', async () => {
      const [subscription] = env.graph.subscriptions(TENANT_A);
      assert.equal(await env.graph.sendLifecycleNotification(subscription!.id, 'reauthorizationRequired'), 202);
      await until(async () => env.graph.subscriptions(TENANT_A)[0]!.reauthorizations > 0, 'the reauthorization');
      assert.equal(await env.graph.sendLifecycleNotification(subscription!.id, 'subscriptionRemoved'), 202);
      const [recreated] = await until(async () => {
        const list = env.graph.subscriptions(TENANT_A);
        return list.length === 1 && list[0]!.id !== subscription!.id && list;
      }, 'the new subscription');
      assert.equal((await app.store.subscriptions.getSubscription(TENANT_A))?.subscriptionId, recreated!.id);
    });
  });

  describe('the worker, step by step', () => {
    let store: Store;
    let now: number;
    let worker: InboxWorker;
    beforeEach(() => {
      store = openSqliteStore({ path: ':memory:' });
      now = Date.now();
      worker = new InboxWorker({
        store,
        source: env.client(),
        logger: silent,
        status: new IngestStatus(),
        scoringFor: async () => resolveScoringOptions(),
        clock: () => now,
        random: () => 0.5,
      });
    });
    afterEach(() => store.close());

    it('retries a record Graph does not have yet (404), then scores it', async () => {
      const id = callId(10);
      env.graph.putRecord(record(id, 1));
      env.graph.setNotFoundUntil(id, Date.now() + 60 * 60_000);
      await store.inbox.enqueue([{ tenantId: TENANT_A, callId: id, source: 'notification' }], now);
      assert.deepEqual(await worker.drainOnce(), ['retry']);
      const waiting = await store.inbox.get(TENANT_A, id);
      assert.equal(waiting?.state, 'pending');
      assert.match(waiting?.lastError ?? '', /404/);
      env.graph.setNotFoundUntil(id, 0);
      now = waiting!.nextAttemptAt;
      assert.deepEqual(await worker.drainOnce(), ['scored']);
    });

    it('gives a 404 up 150 minutes after the call, as dead with the reason', async () => {
      const id = callId(11);
      await store.inbox.enqueue([{ tenantId: TENANT_A, callId: id, source: 'notification' }], now - 151 * 60_000);
      assert.deepEqual(await worker.drainOnce(), ['dead']);
      const [dead] = await store.inbox.listDead(5);
      assert.equal(dead?.callId, id);
      assert.match(dead?.lastError ?? '', /404 Not Found \d+ minutes after the call ended/);
    });

    it('honours Retry-After on a 429 and backs off on its own without it', async () => {
      const id = callId(12);
      env.graph.putRecord(record(id, 1));
      await store.inbox.enqueue([{ tenantId: TENANT_A, callId: id, source: 'notification' }], now);
      env.graph.throttleNext(1, { retryAfter: 9 });
      assert.deepEqual(await worker.drainOnce(), ['retry']);
      const first = await store.inbox.get(TENANT_A, id);
      assert.ok(first!.nextAttemptAt >= now + 9_000, 'waits at least Retry-After');
      now = first!.nextAttemptAt;
      env.graph.throttleNext(1);
      assert.deepEqual(await worker.drainOnce(), ['retry']);
      const second = await store.inbox.get(TENANT_A, id);
      assert.ok(second!.nextAttemptAt > now, 'backs off without Retry-After');
      now = second!.nextAttemptAt;
      assert.deepEqual(await worker.drainOnce(), ['scored']);
    });

    it('scores a broken call record (nulls and wrong types everywhere) as unclassified instead of losing it', async () => {
      const id = callId(13);
      env.graph.putRecord({
        id,
        version: 1,
        startDateTime: 'not a time',
        sessions: [{ id: 's1', modalities: null, segments: [{ id: 'g1', media: [null, { label: 'main-audio', streams: [{ averageJitter: 12, packetUtilization: 'many' }] }] }] }],
      });
      await store.inbox.enqueue([{ tenantId: TENANT_A, callId: id, source: 'notification' }], now);
      assert.deepEqual(await worker.drainOnce(), ['scored']);
      const stored = await store.reports.getReport(TENANT_A, id);
      assert.equal(stored?.quality, 'unclassified');
      assert.equal(stored?.startedAt, null);
    });

    it('finds records Graph never notified about with the reconciliation sweep', async () => {
      const ids = [callId(20), callId(21), callId(22)];
      for (const id of ids) env.graph.putRecord(record(id, 1), { tenantId: TENANT_A });
      await store.reports.recordReport({ tenantId: TENANT_A, callId: ids[0]!, version: 1, report: {}, summary: {}, quality: 'good', alert: false, startedAt: now, endedAt: now, processedAt: now }, false);
      const sweep = new ReconciliationSweep({ store, source: env.client(), logger: silent, status: new IngestStatus(), tenantIds: [TENANT_A], clock: () => now });
      const [report] = await sweep.sweepAll();
      assert.ok(report!.listed >= 3);
      assert.equal(report!.error, null);
      for (const id of ids.slice(1)) assert.equal((await store.inbox.get(TENANT_A, id))?.source, 'sweep');
      assert.equal(await store.inbox.get(TENANT_A, ids[0]!), undefined, 'an already processed record is not enqueued again');
      assert.equal(await store.settings.getSetting(TENANT_A, 'sweep.watermark'), now);
    });
  });

  describe('the subscription keeper', () => {
    it('renews before expiry and re-creates a subscription Graph forgot (404)', async () => {
      const store = openSqliteStore({ path: ':memory:' });
      const now = Date.now();
      const keeper = new SubscriptionKeeper({
        store,
        api: env.client({ now: () => now }).subscriptions,
        logger: silent,
        tenantIds: [TENANT_A],
        notificationUrl: 'https://bot.example/api/notifications',
        lifecycleUrl: 'https://bot.example/api/lifecycle',
        clientState: CLIENT_STATE,
        clock: () => now,
      });
      const created = await keeper.ensure(TENANT_A);
      assert.equal((await keeper.ensure(TENANT_A)).subscriptionId, created.subscriptionId, 'nothing to do while far from expiry');
      // Close to expiry: back-date what the store remembers (Graph checks expiries against its own clock).
      await store.subscriptions.putSubscription({ ...created, expiresAt: now + RENEW_BEFORE_MS - 60_000 });
      const renewed = await keeper.ensure(TENANT_A);
      assert.equal(renewed.subscriptionId, created.subscriptionId);
      assert.ok(renewed.expiresAt > now + RENEW_BEFORE_MS, 'renewed to a full lifetime');
      assert.equal(env.graph.subscriptions(TENANT_A).find((s) => s.id === created.subscriptionId)?.renewals, 1);
      env.graph.removeSubscription(created.subscriptionId);
      const recreated = await keeper.ensure(TENANT_A, true);
      assert.notEqual(recreated.subscriptionId, created.subscriptionId);
      await store.close();
    });
  });
});
