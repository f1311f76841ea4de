import assert from 'node:assert/strict';
import pino from 'pino';
import { startApp, type RunningApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { IngestStatus, ReconciliationSweep } from '../../src/ingest';
import { createLogger } from '../../src/logger';
import { openSqliteStore } from '../../src/store';
import { callRecordWithSessions, CLIENT_ID, CLIENT_SECRET, startGraphTestEnvironment, TENANT_A, type GraphTestEnvironment } from '../graph/graph-test-environment';
import { freePort } from '../support/free-port';
import { startLoopbackGraph, type LoopbackGraph } from '../support/loopback-graph';

const CLIENT_STATE = 'coalescing-client-state-0123456789';

async function until<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, what: () => string, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('lifecycle events: no amplification', function () {
  this.timeout(60_000);
  let env: GraphTestEnvironment;
  let foreign: LoopbackGraph;
  let app: RunningApp;
  let port: number;
  const logLines: Array<{ msg?: string; [key: string]: unknown }> = [];
  const logged = (message: string) => logLines.filter((line) => line.msg === message).length;

  before(async () => {
    env = await startGraphTestEnvironment();
    foreign = await startLoopbackGraph();
    port = await freePort();
    const config = loadConfig({
      PORT: String(port),
      DATA_DIR: '/tmp/unused',
      GRAPH_TENANT_IDS: TENANT_A,
      GRAPH_CLIENT_ID: CLIENT_ID,
      GRAPH_CLIENT_SECRET: CLIENT_SECRET,
      GRAPH_BASE_URL: env.graph.url,
      AUTHORITY_HOST: env.tokenServer.url,
      NOTIFICATION_URL: `http://127.0.0.1:${port}/api/notifications`,
      NOTIFICATION_CLIENT_STATE: CLIENT_STATE,
    });
    const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(JSON.parse(line) as { msg?: string }) });
    app = await startApp(config, logger, { store: openSqliteStore({ path: ':memory:' }), graph: env.client() });
    await until(() => env.graph.subscriptions(TENANT_A).length === 1, () => 'the subscription created at start');
    await until(() => app.store.subscriptions.getSubscription(TENANT_A), () => 'the subscription stored');
  });
  after(async () => {
    await app.stop();
    await app.store.close();
    await Promise.all([env.close(), foreign.close()]);
  });

  /** POSTs one lifecycle batch of `count` copies of the event, as Graph would. */
  const postLifecycle = async (subscriptionId: string, lifecycleEvent: string, count: number): Promise<number> => {
    const item = { subscriptionId, subscriptionExpirationDateTime: new Date(Date.now() + 86_400_000).toISOString(), tenantId: TENANT_A, clientState: CLIENT_STATE, lifecycleEvent };
    const response = await fetch(`http://127.0.0.1:${port}/api/lifecycle`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value: Array.from({ length: count }, () => item) }),
    });
    await response.text();
    return response.status;
  };

  it('answers 2,000 reauthorizationRequired events in one POST with one reauthorize call', async () => {
    const [subscription] = env.graph.subscriptions(TENANT_A);
    const before = env.graph.stats.byOperation.reauthorizeSubscription ?? 0;
    const done = logged('subscription reauthorized');
    assert.equal(await postLifecycle(subscription!.id, 'reauthorizationRequired', 2000), 202);
    await until(() => logged('subscription reauthorized') > done, () => 'the reauthorization');
    // A later event, once the first answer is complete, is answered again (it is a new request).
    assert.equal(await postLifecycle(subscription!.id, 'reauthorizationRequired', 1), 202);
    await until(() => logged('subscription reauthorized') > done + 1, () => 'the second reauthorization');
    assert.equal((env.graph.stats.byOperation.reauthorizeSubscription ?? 0) - before, 2, 'one reauthorize per POST');
    assert.equal(env.graph.subscriptions(TENANT_A)[0]!.reauthorizations, 2);
  });

  it('answers 500 missed events in one POST with one sweep', async () => {
    const [subscription] = env.graph.subscriptions(TENANT_A);
    const before = env.graph.stats.byOperation.listCallRecords ?? 0;
    const done = logged('reconciliation sweep done');
    assert.equal(await postLifecycle(subscription!.id, 'missed', 500), 202);
    await until(() => logged('reconciliation sweep done') > done, () => 'the sweep');
    assert.equal(await postLifecycle(subscription!.id, 'missed', 1), 202);
    await until(() => logged('reconciliation sweep done') > done + 1, () => 'the second sweep');
    assert.equal((env.graph.stats.byOperation.listCallRecords ?? 0) - before, 2, 'one sweep (of one page) per POST');
  });

  it('re-creates a removed subscription once for 2,000 removal events, and ignores a late one for the replaced subscription', async () => {
    const [removed] = env.graph.subscriptions(TENANT_A);
    const before = env.graph.stats.byOperation.createSubscription ?? 0;
    const created = logged('Graph subscription created');
    env.graph.removeSubscription(removed!.id);
    assert.equal(await postLifecycle(removed!.id, 'subscriptionRemoved', 2000), 202);
    await until(() => logged('Graph subscription created') > created, () => 'the new subscription');
    const ignored = logged('removal of a subscription already replaced; nothing to do');
    assert.equal(await postLifecycle(removed!.id, 'subscriptionRemoved', 1), 202);
    await until(() => logged('removal of a subscription already replaced; nothing to do') > ignored, () => 'the late removal ignored');
    assert.equal((env.graph.stats.byOperation.createSubscription ?? 0) - before, 1, 'one subscription created');
    const live = env.graph.subscriptions(TENANT_A);
    assert.equal(live.length, 1);
    assert.equal((await app.store.subscriptions.getSubscription(TENANT_A))?.subscriptionId, live[0]!.id);
  });

  it('lists a record given up at once in /healthz, with its reason', async () => {
    const id = 'dddddddd-0000-4000-8000-000000000001';
    env.graph.putRecord(callRecordWithSessions(id, 2, 1, new Date(Date.now() - 40 * 60_000).toISOString()), {
      foreignNextLink: `${foreign.url}/communications/callRecords/${id}/sessions?$skiptoken=x`,
    });
    const [subscription] = env.graph.subscriptions(TENANT_A);
    assert.deepEqual(await env.graph.sendNotifications(TENANT_A, [id], { subscriptionId: subscription!.id }), [202]);
    await until(async () => (await app.store.inbox.get(TENANT_A, id))?.state === 'dead', () => 'the item to be given up');
    const health = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as {
      inbox: { byState: Record<string, number>; dead?: Array<{ callId: string; reason: string | null }> };
    };
    assert.equal(health.inbox.byState.dead, 1);
    const listed = health.inbox.dead?.find((dead) => dead.callId === id);
    assert.match(listed?.reason ?? '', new RegExp(`Given up at once.*${foreign.origin.replace(/[.:/]/g, '\\$&')}`));
    assert.equal(foreign.stats.requests, 0);
  });
});

describe('reconciliation sweep: requests coalesced per tenant', function () {
  this.timeout(30_000);
  let env: GraphTestEnvironment;

  before(async () => {
    env = await startGraphTestEnvironment();
    env.graph.putRecord(callRecordWithSessions('swept-1', 1, 1, new Date(Date.now() - 60 * 60_000).toISOString()));
  });
  after(() => env.close());

  it('joins the sweep that has not started reading, and runs one more for requests that came while it was reading', async () => {
    env.graph.resetStats();
    const store = openSqliteStore({ path: ':memory:' });
    try {
      const sweep = new ReconciliationSweep({ store, source: env.client(), logger: createLogger('silent'), status: new IngestStatus(), tenantIds: [TENANT_A] });
      // The first listing is held for a while, so that requests can arrive while it reads.
      env.graph.delayNext(1, 400);
      const first = Array.from({ length: 300 }, () => sweep.sweepTenant(TENANT_A));
      assert.equal(new Set(first).size, 1, '300 requests before the sweep asked Graph anything share it');
      await until(() => env.graph.stats.byOperation.listCallRecords === 1, () => 'the first listing to reach Graph');
      const during = Array.from({ length: 200 }, () => sweep.sweepTenant(TENANT_A));
      assert.equal(new Set(during).size, 1, 'requests during the listing share one more sweep');
      assert.notEqual(during[0], first[0]);
      const [firstReport, secondReport] = await Promise.all([first[0]!, during[0]!]);
      assert.ok(secondReport!.at >= firstReport!.at);
      assert.equal(env.graph.stats.byOperation.listCallRecords, 2, 'two sweeps for 500 requests');
      assert.equal(firstReport!.listed, 1);
      assert.equal(secondReport!.listed, 1);
      // Once both are done, a new request starts a new sweep.
      await sweep.sweepTenant(TENANT_A);
      assert.equal(env.graph.stats.byOperation.listCallRecords, 3);
    } finally {
      await store.close();
    }
  });
});
