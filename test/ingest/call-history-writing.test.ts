import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CallSummary } from '../../src/alerts';
import { startApp, type RunningApp } from '../../src/app';
import { InboxWorker, IngestStatus, ReconciliationSweep } from '../../src/ingest';
import { decodeCallHistory, type CallHistory } from '../../src/insights';
import { createLogger } from '../../src/logger';
import { resolveScoringOptions } from '../../src/quality';
import { parseBuildingFile } from '../../src/sites';
import { openSqliteStore, type CallHistoryRecord, type Store } from '../../src/store';
import { keepScoredCallInSteps } from '../../src/store/scored-call-steps';
import { TENANT_A, startGraphTestEnvironment, type GraphTestEnvironment } from '../graph/graph-test-environment';
import { freePort } from '../support/free-port';
import { loadFixture } from '../support/graph-fixtures';

const ABBIE = '821809f5-0000-0000-0000-3b5136c0e777';
const OWEN = 'f69e2c00-0000-0000-0000-185e5f5f5d8a';
/** The worker's clock: noon on 2 March 2026; the calls start the evening before (UTC). */
const NOW = Date.UTC(2026, 2, 2, 12);
const callId = (n: number) => `bbbbbbbb-0000-4000-8000-${String(n).padStart(12, '0')}`;

/**
 * The 2024 fixture as call `id`, version `version`, started at 23:30 UTC on 1 March 2026. Owen's
 * "poor" rating makes an alert due; without it the call is good and raises none.
 */
function record(id: string, version: number, options: { rated?: boolean; start?: string | null } = {}): Record<string, unknown> {
  const copy = structuredClone(loadFixture('callrecord-v1-expanded-2024.json'));
  delete copy['sessions@odata.nextLink'];
  copy.id = id;
  copy.version = version;
  if (options.start === null) delete copy.startDateTime;
  else copy.startDateTime = options.start ?? '2026-03-01T23:30:00Z';
  copy.endDateTime = '2026-03-01T23:55:00Z';
  if (options.rated === false) delete (copy as any).sessions[0].callee.feedback;
  return copy;
}

/** The kept summary of a call, decoded. */
async function historyOf(store: Store, id: string): Promise<{ version: number; day: string; people: string[]; call: CallHistory }> {
  const kept = await store.history.getCall(TENANT_A, id);
  assert.ok(kept, `no history for ${id}`);
  return { version: kept.version, day: kept.day, people: kept.people, call: decodeCallHistory(kept.summary) };
}

describe('call history written by the inbox worker (loopback Graph)', function () {
  this.timeout(60_000);
  const silent = createLogger('silent');
  let env: GraphTestEnvironment;
  before(async () => {
    env = await startGraphTestEnvironment();
  });
  after(() => env.close());

  describe('the worker, step by step', () => {
    let store: Store;
    const map = parseBuildingFile(['10.150.0.0,Lab Wi-Fi,16,Remote Lab,,,,,,,,,1,0,0', '10.139.0.0,HQ LAN,16,HQ Building,,,,,,,,,1,0,0'].join('\n'));
    const workerOn = (target: Store) =>
      new InboxWorker({ store: target, source: env.client(), logger: silent, status: new IngestStatus(), scoringFor: async () => resolveScoringOptions(), place: map.place, clock: () => NOW, random: () => 0.5 });
    beforeEach(() => {
      store = openSqliteStore({ path: ':memory:' });
    });
    afterEach(() => store.close());

    it('keeps calls that raise an alert and calls that raise none', async () => {
      env.graph.putRecord(record(callId(1), 1));
      env.graph.putRecord(record(callId(2), 1, { rated: false }));
      await store.inbox.enqueue([callId(1), callId(2)].map((id) => ({ tenantId: TENANT_A, callId: id, source: 'notification' as const })), NOW);
      assert.deepEqual(await workerOn(store).drainOnce(), ['scored', 'scored']);

      const alerting = await historyOf(store, callId(1));
      assert.deepEqual([alerting.version, alerting.day], [1, '2026-03-01'], 'the day the call started, in UTC');
      assert.deepEqual([...alerting.people].sort(), [ABBIE, OWEN].sort());
      assert.deepEqual([alerting.call.callId, alerting.call.alert, alerting.call.quality, alerting.call.source], [callId(1), true, 'good', 'notification']);
      assert.equal(alerting.call.startedAt, Date.UTC(2026, 2, 1, 23, 30));
      assert.deepEqual(alerting.call.ratings, [{ userId: OWEN, name: 'Owen Franklin', rating: 'poor', tokens: ['Noisy'] }]);
      assert.deepEqual(
        alerting.call.endpoints.map((endpoint) => [endpoint.name, endpoint.building, endpoint.connection]),
        [
          ['Abbie Wilkins', 'Remote Lab', 'wifi'],
          ['Owen Franklin', 'HQ Building', 'wired'],
        ],
      );

      const quiet = await historyOf(store, callId(2));
      assert.deepEqual([quiet.call.alert, quiet.call.quality, quiet.call.ratings.length, quiet.call.streams.length], [false, 'good', 0, 2]);
      assert.equal((await store.reports.listAlertJobs(TENANT_A, callId(2))).length, 0, 'no alert, but history all the same');
    });

    it('a newer version replaces the call: one call, the newest version', async () => {
      const id = callId(3);
      env.graph.putRecord(record(id, 1));
      await store.inbox.enqueue([{ tenantId: TENANT_A, callId: id, source: 'notification' }], NOW);
      await workerOn(store).drainOnce();
      env.graph.putRecord(record(id, 2, { rated: false }));
      await store.inbox.enqueue([{ tenantId: TENANT_A, callId: id, source: 'notification' }], NOW);
      assert.deepEqual(await workerOn(store).drainOnce(), ['scored']);
      const kept = await historyOf(store, id);
      assert.deepEqual([kept.version, kept.call.version, kept.call.alert], [2, 2, false]);
      const listed = [];
      for await (const call of store.history.listCalls(TENANT_A, '2026-03-01', '2026-03-02')) listed.push(call);
      assert.deepEqual(
        listed.map((call) => [call.callId, call.version]),
        [[id, 2]],
      );
    });

    it('a call found by the sweep is kept with source "sweep"', async () => {
      const id = callId(4);
      env.graph.putRecord(record(id, 1, { start: '2026-03-02T10:00:00Z' }), { tenantId: TENANT_A });
      await new ReconciliationSweep({ store, source: env.client(), logger: silent, status: new IngestStatus(), tenantIds: [TENANT_A], clock: () => NOW }).sweepAll();
      assert.equal((await store.inbox.get(TENANT_A, id))?.source, 'sweep');
      await workerOn(store).drainOnce();
      const kept = await historyOf(store, id);
      assert.deepEqual([kept.call.source, kept.day], ['sweep', '2026-03-02']);
    });

    it('a call without a start time is kept under the day it was scored', async () => {
      const id = callId(5);
      env.graph.putRecord(record(id, 1, { start: null }));
      await store.inbox.enqueue([{ tenantId: TENANT_A, callId: id, source: 'notification' }], NOW);
      await workerOn(store).drainOnce();
      const kept = await historyOf(store, id);
      assert.deepEqual([kept.day, kept.call.startedAt], ['2026-03-02', null]);
    });

    it('a history write that fails is a store failure: the item is retried and nothing is recorded until it succeeds', async () => {
      const id = callId(6);
      env.graph.putRecord(record(id, 1));
      await store.inbox.enqueue([{ tenantId: TENANT_A, callId: id, source: 'notification' }], NOW);
      let failures = 1;
      const putCall = store.history.putCall.bind(store.history);
      const history = { ...store.history, putCall: async (call: CallHistoryRecord) => (failures-- > 0 ? Promise.reject(new Error('disk full')) : putCall(call)) };
      // Step by step as on Azure Storage (SQLite writes the three in one transaction, so a failure there leaves nothing by itself).
      const flaky: Store = { ...store, history, keepScoredCall: (call) => keepScoredCallInSteps({ ...store, history }, call) };
      assert.deepEqual(await workerOn(flaky).drainOnce(), ['retry']);
      const waiting = await store.inbox.get(TENANT_A, id);
      assert.equal(waiting?.state, 'pending');
      assert.match(waiting?.lastError ?? '', /disk full/);
      assert.equal(await store.reports.processedVersion(TENANT_A, id), null, 'the report waits for the history');
      assert.equal(await store.history.getCall(TENANT_A, id), undefined);

      const retried = new InboxWorker({ store: flaky, source: env.client(), logger: silent, status: new IngestStatus(), scoringFor: async () => resolveScoringOptions(), clock: () => waiting!.nextAttemptAt, random: () => 0.5 });
      assert.deepEqual(await retried.drainOnce(), ['scored']);
      assert.equal((await historyOf(store, id)).version, 1);
      assert.equal(await store.reports.processedVersion(TENANT_A, id), 1);
    });

    it('a crash after the history was kept but before the report: the retry records the report, the history stays one call', async () => {
      const id = callId(7);
      env.graph.putRecord(record(id, 1));
      await store.inbox.enqueue([{ tenantId: TENANT_A, callId: id, source: 'notification' }], NOW);
      const recordReport = store.reports.recordReport.bind(store.reports);
      let crashes = 1;
      const reports: Store['reports'] = { ...store.reports, recordReport: async (...args) => (crashes-- > 0 ? Promise.reject(new Error('power cut')) : recordReport(...args)) };
      // Step by step as on Azure Storage, where a crash can fall between the history and the report.
      const crashing: Store = { ...store, reports, keepScoredCall: (call) => keepScoredCallInSteps({ ...store, reports }, call) };
      assert.deepEqual(await workerOn(crashing).drainOnce(), ['retry']);
      assert.equal((await historyOf(store, id)).version, 1, 'the history was kept first');
      const at = (await store.inbox.get(TENANT_A, id))!.nextAttemptAt;
      const retried = new InboxWorker({ store: crashing, source: env.client(), logger: silent, status: new IngestStatus(), scoringFor: async () => resolveScoringOptions(), clock: () => at, random: () => 0.5 });
      assert.deepEqual(await retried.drainOnce(), ['scored']);
      assert.equal(await store.reports.processedVersion(TENANT_A, id), 1);
      const listed = [];
      for await (const call of store.history.listCalls(TENANT_A, '2026-03-01', '2026-03-01')) listed.push(call.callId);
      assert.deepEqual(listed, [id]);
    });
  });

  describe('the running app with BUILDINGS_FILE', () => {
    let app: RunningApp;
    let folder: string;
    before(async () => {
      folder = mkdtempSync(path.join(os.tmpdir(), 'cqb-history-app-'));
      writeFileSync(path.join(folder, 'buildings.csv'), '10.150.0.0,Lab Wi-Fi,16,Remote Lab,,,,,,,,,1,0,0\n10.139.0.0,HQ LAN,16,HQ Building,,,,,,,,,1,0,0\n');
      const port = await freePort();
      const config = env.appConfig(port, 'history-client-state-0123456789', { BUILDINGS_FILE: path.join(folder, 'buildings.csv') });
      app = await startApp(config, silent, { store: openSqliteStore({ path: ':memory:' }), graph: env.client() });
    });
    after(async () => {
      await app.stop();
      await app.store.close();
      rmSync(folder, { recursive: true, force: true });
    });

    it('keeps the history with buildings, and the card summary names them', async () => {
      const id = callId(8);
      env.graph.putRecord(record(id, 1));
      await app.store.inbox.enqueue([{ tenantId: TENANT_A, callId: id, source: 'notification' }], Date.now());
      app.ingest.worker?.wake();
      const end = Date.now() + 20_000;
      while (!(await app.store.history.getCall(TENANT_A, id)) && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 25));
      const kept = await historyOf(app.store, id);
      assert.deepEqual(kept.call.endpoints.map((endpoint) => endpoint.building), ['Remote Lab', 'HQ Building']);
      const stored = await app.store.reports.getReport(TENANT_A, id);
      const summary = stored?.summary as CallSummary;
      assert.deepEqual(summary.streams.map((stream) => [stream.fromWhere, stream.toWhere]), [['Remote Lab, Wi-Fi', 'HQ Building, wired'], ['HQ Building, wired', 'Remote Lab, Wi-Fi']]);
    });
  });
});
