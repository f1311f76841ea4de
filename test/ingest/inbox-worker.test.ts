import assert from 'node:assert/strict';
import { healthReport, InboxWorker, IngestStatus, ReconciliationSweep } from '../../src/ingest';
import { createLogger } from '../../src/logger';
import { resolveScoringOptions } from '../../src/quality';
import { openSqliteStore, type Store } from '../../src/store';
import { callRecordWithSessions, CLIENT_SECRET, startGraphTestEnvironment, TENANT_A, TENANT_B, type GraphTestEnvironment } from '../graph/graph-test-environment';
import { startLoopbackGraph, type LoopbackGraph } from '../support/loopback-graph';
import { assertSanitized, hostileMessage, HOSTILE_SIGNATURE, HOSTILE_TOKEN } from '../support/hostile-upstream';
import { poll } from '../support/bot-process';

const callId = (n: number) => `bbbbbbbb-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A record that ended ten minutes ago (so a 404 would still be waited for). */
function recentRecord(id: string, sessions = 2): ReturnType<typeof callRecordWithSessions> {
  return callRecordWithSessions(id, sessions, 1, new Date(Date.now() - 40 * 60_000).toISOString());
}

describe('inbox worker: faults that end', function () {
  this.timeout(30_000);
  let env: GraphTestEnvironment;
  let foreign: LoopbackGraph;
  let store: Store;
  let status: IngestStatus;
  let worker: InboxWorker;
  let now: number;
  const silent = createLogger('silent');

  before(async () => {
    env = await startGraphTestEnvironment({ sessionPageSize: 1 });
    foreign = await startLoopbackGraph();
  });
  after(async () => {
    await Promise.all([env.close(), foreign.close()]);
  });
  beforeEach(() => {
    env.graph.resetStats();
    store = openSqliteStore({ path: ':memory:' });
    status = new IngestStatus();
    now = Date.now();
    worker = new InboxWorker({
      store,
      source: env.client(),
      logger: silent,
      status,
      scoringFor: async () => resolveScoringOptions(),
      clock: () => now,
      random: () => 0.5,
    });
  });
  afterEach(() => store.close());

  const enqueue = (id: string) => store.inbox.enqueue([{ tenantId: TENANT_A, callId: id, source: 'notification' }], now);

  it('gives a record whose sessions next link points at another host up at once, with the reason, after one request', async () => {
    const id = callId(1);
    env.graph.putRecord(recentRecord(id), { foreignNextLink: `${foreign.url}/communications/callRecords/${id}/sessions?$skiptoken=steal` });
    await enqueue(id);
    assert.deepEqual(await worker.drainOnce(), ['dead']);
    const item = await store.inbox.get(TENANT_A, id);
    assert.equal(item?.state, 'dead');
    assert.equal(item?.attempts, 1);
    assert.match(item?.lastError ?? '', /^Given up at once, since asking Graph again would get the same answer: /);
    assert.ok(item!.lastError!.includes(foreign.origin), `the reason names the foreign origin: ${item!.lastError}`);
    assert.equal(env.graph.stats.requests, 1);
    assert.equal(foreign.stats.requests, 0, 'nothing was sent to the foreign host');
  });

  it('gives a record whose sessions next link loops up at once, after the first repeat rather than 200 requests', async () => {
    const id = callId(2);
    env.graph.putRecord(recentRecord(id, 3), { loopingNextLink: true });
    await enqueue(id);
    assert.deepEqual(await worker.drainOnce(), ['dead']);
    const item = await store.inbox.get(TENANT_A, id);
    assert.match(item?.lastError ?? '', /leads back to a page already read/);
    // The record (session 1), sessions pages 2 and 3, then the link back to page 2.
    assert.equal(env.graph.stats.requests, 3);
    // Its pages were scored as they came, but nothing of the call is kept.
    assert.equal(await store.reports.getReport(TENANT_A, id), undefined);
    assert.equal(await store.history.getCall(TENANT_A, id), undefined);
  });

  it('keeps nothing of a record whose third page fails with a 500, retries it later and keeps it whole then', async () => {
    const id = callId(5);
    env.graph.putRecord(recentRecord(id, 4));
    let sessionPages = 0;
    env.graph.setFaultPlan(({ operation }) => (operation === 'getSessionsPage' && ++sessionPages === 2 ? { kind: 'status', status: 500 } : undefined));
    await enqueue(id);
    try {
      assert.deepEqual(await worker.drainOnce(), ['retry']);
    } finally {
      env.graph.setFaultPlan(undefined);
    }
    // The record (session 1) and session page 2 were read and scored; page 3 failed once, not asked again.
    assert.equal(env.graph.stats.byOperation.getSessionsPage, 2);
    const item = await store.inbox.get(TENANT_A, id);
    assert.equal(item?.state, 'pending');
    assert.equal(await store.reports.getReport(TENANT_A, id), undefined);
    assert.equal(await store.history.getCall(TENANT_A, id), undefined);
    now = item!.nextAttemptAt;
    assert.deepEqual(await worker.drainOnce(), ['scored']);
    assert.equal((await store.reports.getReport(TENANT_A, id))?.version, 1);
    assert.equal((await store.history.getCall(TENANT_A, id))?.callId, id);
  });

  it('gives a 400 up at once, and lists every dead item with its reason in the health report', async () => {
    const id = callId(3);
    env.graph.putRecord(recentRecord(id));
    env.graph.failNext(1, { status: 400, code: 'BadRequest', message: hostileMessage(CLIENT_SECRET) });
    await enqueue(id);
    assert.deepEqual(await worker.drainOnce(), ['dead']);
    const item = await store.inbox.get(TENANT_A, id);
    assert.match(item?.lastError ?? '', /400 BadRequest: Upstream refused the request\./);
    assertSanitized(item!.lastError!, [HOSTILE_TOKEN, HOSTILE_SIGNATURE, CLIENT_SECRET]);
    const report = await healthReport(store, status, now);
    assert.equal(report.inbox.byState.dead, 1);
    assert.deepEqual(
      report.inbox.dead.map((dead) => [dead.callId, dead.reason]),
      [[id, item!.lastError]],
    );
  });

  it('keeps retrying what can heal: 429, 5xx, unreadable answers, reset connections, and a 403 an admin can fix (the tenant held)', async () => {
    const id = callId(4);
    env.graph.putRecord(recentRecord(id));
    await enqueue(id);
    const faults: Array<[string, () => void, string]> = [
      ['429', () => env.graph.throttleNext(1), 'retry'],
      ['503', () => env.graph.failNext(1, { status: 503 }), 'retry'],
      ['not JSON', () => env.graph.corruptNext(1), 'retry'],
      ['reset', () => env.graph.resetNext(1), 'retry'],
      ['403', () => env.graph.failNext(1, { status: 403, code: 'Forbidden' }), 'held'],
    ];
    for (const [name, inject, outcome] of faults) {
      inject();
      assert.deepEqual(await worker.drainOnce(), [outcome], `${name}: ${outcome}`);
      const item = await store.inbox.get(TENANT_A, id);
      assert.equal(item?.state, 'pending', `${name} leaves the item pending`);
      assertSanitized(item!.lastError!);
      now = item!.nextAttemptAt;
    }
    const item = await store.inbox.get(TENANT_A, id);
    assert.equal(item?.attempts, 4, "the 403 was the tenant's: it did not spend one of the call's tries");
    assert.deepEqual(await worker.drainOnce(), ['scored']);
  });

  it("holds a tenant whose token Entra ID refuses: its calls wait without a try each, another tenant's go on, and the hold grows while the refusals go on", async () => {
    const ids = [11, 12, 13, 14].map(callId);
    for (const id of ids) env.graph.putRecord(recentRecord(id));
    await store.inbox.enqueue(ids.map((id) => ({ tenantId: TENANT_A, callId: id, source: 'notification' as const })), now);
    const refusal = { status: 401, error: 'invalid_client', description: 'AADSTS7000215: Invalid client secret provided.', errorCode: 7000215 };
    env.tokenServer.failNextTokenRequests(1, refusal);

    assert.deepEqual(await worker.drainOnce(), ['held', 'held', 'held', 'held'], 'the four calls claimed together met one refusal');
    assert.equal(env.tokenServer.stats.refused, 1, 'one token request, refused');
    assert.equal(env.graph.stats.requests, 0, 'no Graph request without a token');
    const held = await Promise.all(ids.map((id) => store.inbox.get(TENANT_A, id)));
    for (const item of held) {
      assert.deepEqual([item?.state, item?.attempts], ['pending', 0], `${item?.callId}: pending, no try spent`);
      assert.match(item?.lastError ?? '', /^Held with every call of the tenant until .*invalid_client/);
    }
    // A refusal only an admin can lift waits a minute at first (with jitter: 45 s at random 0.5), as one call would have.
    const firstEnd = Math.min(...held.map((item) => item!.nextAttemptAt));
    assert.equal(firstEnd, now + 45_000);

    // Another tenant's call is read meanwhile.
    const other = callId(15);
    env.graph.putRecord(recentRecord(other));
    await store.inbox.enqueue([{ tenantId: TENANT_B, callId: other, source: 'notification' }], now);
    assert.deepEqual(await worker.drainOnce(), ['scored'], "tenant B's call is not held");

    // At the hold's end the refusal goes on: the hold doubles; the calls still spend no try.
    now = Math.max(...held.map((item) => item!.nextAttemptAt));
    env.tokenServer.failNextTokenRequests(1, refusal);
    assert.deepEqual(await worker.drainOnce(), ['held', 'held', 'held', 'held']);
    const again = await Promise.all(ids.map((id) => store.inbox.get(TENANT_A, id)));
    assert.deepEqual(again.map((item) => item?.attempts), [0, 0, 0, 0]);
    assert.equal(Math.min(...again.map((item) => item!.nextAttemptAt)), now + 90_000, 'the second hold is twice the first');

    // Once a token comes, each call is read and scored on its first try.
    now = Math.max(...again.map((item) => item!.nextAttemptAt));
    assert.deepEqual(await worker.drainOnce(), ['scored', 'scored', 'scored', 'scored']);
    const done = await Promise.all(ids.map((id) => store.inbox.get(TENANT_A, id)));
    assert.deepEqual(done.map((item) => [item?.state, item?.attempts]), ids.map(() => ['done', 1]));
  });

  it('writes a hostile 503 into the inbox only bounded and sanitised', async () => {
    const id = callId(5);
    env.graph.putRecord(recentRecord(id));
    env.graph.failNext(1, { status: 503, message: hostileMessage(CLIENT_SECRET) });
    await enqueue(id);
    assert.deepEqual(await worker.drainOnce(), ['retry']);
    const item = await store.inbox.get(TENANT_A, id);
    assertSanitized(item!.lastError!, [HOSTILE_TOKEN, HOSTILE_SIGNATURE, CLIENT_SECRET]);
    assert.ok(item!.lastError!.length <= 600, `${item!.lastError!.length} characters`);
  });

  it('reports a sweep that failed on a hostile answer only bounded and sanitised, in the sweep report and /healthz problems', async () => {
    env.graph.failNext(1, { status: 500, code: 'InternalServerError', message: hostileMessage(CLIENT_SECRET), operations: ['listCallRecords'] });
    const sweep = new ReconciliationSweep({ store, source: env.client(), logger: silent, status, tenantIds: [TENANT_A], clock: () => now });
    const [report] = await sweep.sweepAll();
    assert.match(report?.error ?? '', /500 InternalServerError/);
    assertSanitized(report!.error!, [HOSTILE_TOKEN, HOSTILE_SIGNATURE, CLIENT_SECRET]);
    const health = await healthReport(store, status, now);
    assert.equal(health.problems.length, 1);
    assertSanitized(health.problems[0]!, [HOSTILE_TOKEN, HOSTILE_SIGNATURE, CLIENT_SECRET]);
  });

  it('claims a slot\'s worth ahead when asked, and stopping starts the calls claimed ahead: none is left leased until its lease ends', async () => {
    const ids = Array.from({ length: 8 }, (_, index) => callId(300 + index));
    for (const id of ids) env.graph.putRecord(recentRecord(id));
    await store.inbox.enqueue(ids.map((id) => ({ tenantId: TENANT_A, callId: id, source: 'notification' as const })), now);
    const ahead = new InboxWorker({ store, source: env.client(), logger: silent, status, scoringFor: async () => resolveScoringOptions(), clock: () => now, random: () => 0.5, concurrency: 1, claimAhead: 2 });
    const states = async () => Promise.all(ids.map(async (id) => (await store.inbox.get(TENANT_A, id))?.state));
    ahead.start();
    await poll(async () => (await states()).some((state) => state !== 'pending'), 10_000, () => 'the first claim', 5);
    await ahead.stop();
    const after = await states();
    assert.ok(after.every((state) => state === 'done' || state === 'pending'), `every call done or still pending, none leased: ${after.join(', ')}`);
    // The first claim took one call for its slot and two ahead: all three were processed before stop() returned.
    assert.ok(after.filter((state) => state === 'done').length >= 3, after.join(', '));
  });
});
