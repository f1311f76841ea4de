import assert from 'node:assert/strict';
import { healthReport, InboxWorker, IngestStatus, ReconciliationSweep } from '../../src/ingest';
import { createLogger } from '../../src/logger';
import { resolveScoringOptions } from '../../src/quality';
import { openSqliteStore, type Store } from '../../src/store';
import { callRecordWithSessions, CLIENT_SECRET, startGraphTestEnvironment, TENANT_A, type GraphTestEnvironment } from '../graph/graph-test-environment';
import { startLoopbackGraph, type LoopbackGraph } from '../support/loopback-graph';
import { assertSanitized, hostileMessage, HOSTILE_SIGNATURE, HOSTILE_TOKEN } from '../support/hostile-upstream';

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

  it('keeps retrying what can heal: 429, 5xx, unreadable answers, reset connections, and a 403 an admin can fix', async () => {
    const id = callId(4);
    env.graph.putRecord(recentRecord(id));
    await enqueue(id);
    const faults: Array<[string, () => void]> = [
      ['429', () => env.graph.throttleNext(1)],
      ['503', () => env.graph.failNext(1, { status: 503 })],
      ['not JSON', () => env.graph.corruptNext(1)],
      ['reset', () => env.graph.resetNext(1)],
      ['403', () => env.graph.failNext(1, { status: 403, code: 'Forbidden' })],
    ];
    for (const [name, inject] of faults) {
      inject();
      assert.deepEqual(await worker.drainOnce(), ['retry'], `${name} is retried`);
      const item = await store.inbox.get(TENANT_A, id);
      assert.equal(item?.state, 'pending', `${name} leaves the item pending`);
      assertSanitized(item!.lastError!);
      now = item!.nextAttemptAt;
    }
    assert.deepEqual(await worker.drainOnce(), ['scored']);
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
});
