import assert from 'node:assert/strict';
import { InboxWorker, IngestStatus, type CallRecordSource, type InboxWorkerOptions } from '../../src/ingest';
import { poll } from '../support/bot-process';
import { createLogger } from '../../src/logger';
import { resolveScoringOptions } from '../../src/quality';
import { openSqliteStore, type Store } from '../../src/store';
import { azureStoreResourceNames, dropAzureStore, openAzureStore, type AzureStoreOptions } from '../../src/store/azure';
import { callRecordWithSessions, startGraphTestEnvironment, TENANT_A, type GraphTestEnvironment } from '../graph/graph-test-environment';
import { startAzurite, type AzuriteInstance } from '../support/azurite';
import { delayAzurite, type DelayedAzurite } from '../support/latency-proxy';
import { seedCallRecord } from '../support/seed-call-record';

type Policy = NonNullable<AzureStoreOptions['tablePolicies']>[number]['policy'];

/**
 * Storage round trips per record drained, COUNTED (not read from the code): every HTTP request the
 * Azure SDK sends to Azurite passes a proxy that counts request lines; every SQLite statement goes
 * through the store's statement hook. Records are drained by the real worker from the loopback
 * Graph, history on (as in production), half of them alerting (the seed record, rated poor) and
 * half quiet (no media: nothing to tell anyone).
 */
describe('inbox worker: storage round trips per record drained', function () {
  this.timeout(120_000);
  const RECORDS = 16;
  const silent = createLogger('silent');
  const callId = (n: number) => `cccccccc-0000-4000-8000-${String(n).padStart(12, '0')}`;
  let env: GraphTestEnvironment;

  before(async () => {
    env = await startGraphTestEnvironment();
  });
  after(async () => {
    await env.close();
  });

  /** Puts RECORDS new records in Graph and the inbox: the even ones alerting, the odd ones quiet. */
  const seed = async (store: Store, now: number, first: number): Promise<string[]> => {
    const ids = Array.from({ length: RECORDS }, (_, index) => callId(first + index));
    ids.forEach((id, index) => env.graph.putRecord(index % 2 === 0 ? seedCallRecord({ id, version: 1 }) : callRecordWithSessions(id, 2, 1, new Date(now - 40 * 60_000).toISOString())));
    await store.inbox.enqueue(
      ids.map((id) => ({ tenantId: TENANT_A, callId: id, source: 'notification' as const })),
      now,
    );
    return ids;
  };

  /** The real worker on the loopback Graph, at `now` (fixed), RECORDS slots, unless `overrides` say otherwise. */
  const workerFor = (store: Store, now: number, overrides: Partial<InboxWorkerOptions> = {}) =>
    new InboxWorker({
      store,
      source: env.client(),
      logger: silent,
      status: new IngestStatus(),
      scoringFor: async () => resolveScoringOptions(),
      concurrency: RECORDS,
      clock: () => now,
      random: () => 0.5,
      ...overrides,
    });

  /** The inbox state of each call, in order. */
  const statesOf = (store: Store, ids: readonly string[]) => Promise.all(ids.map(async (id) => (await store.inbox.get(TENANT_A, id))?.state));

  /** Every record is done, scored once, with one history row, and alert jobs exist for the alerting half only. */
  const assertNothingLostOrDoubled = async (store: Store, ids: string[]) => {
    for (const [index, id] of ids.entries()) {
      assert.equal((await store.inbox.get(TENANT_A, id))?.state, 'done', id);
      assert.equal(await store.reports.processedVersion(TENANT_A, id), 1, id);
      assert.equal((await store.history.getCall(TENANT_A, id))?.version, 1, id);
      assert.equal((await store.reports.listAlertJobs(TENANT_A, id)).length, index % 2 === 0 ? 1 : 0, id);
    }
  };

  describe('Azure Storage (Azurite)', () => {
    let azurite: AzuriteInstance;
    let counted: DelayedAzurite;
    let store: Store;
    /** Table requests that touch the history table (a point read by URL, a transaction by its body). */
    let historyRequests = 0;
    const historyTable = azureStoreResourceNames('trips').tables.history;
    const callsTable = azureStoreResourceNames('trips').tables.calls;
    const touchesHistory = (text: string) => new RegExp(`/${historyTable}[(?/ ]`).test(text);
    const historyCounter: Policy = {
      name: 'count-history-requests',
      sendRequest: (request, next) => {
        if (touchesHistory(request.url) || (typeof request.body === 'string' && touchesHistory(request.body))) historyRequests += 1;
        return next(request);
      },
    };

    before(async () => {
      azurite = await startAzurite();
      counted = await delayAzurite(azurite, 0);
      store = await openAzureStore({ connectionString: counted.connectionString }, { prefix: 'trips', tablePolicies: [{ policy: historyCounter, position: 'perRetry' }] });
    });
    after(async () => {
      await dropAzureStore({ connectionString: azurite.connectionString }, { prefix: 'trips' }).catch(() => undefined);
      await store?.close();
      await counted?.stop();
      await azurite?.stop();
    });

    it('drains a new record in at most 6 requests (the target is 7), its history included', async () => {
      const now = Date.now();
      const ids = await seed(store, now, 1);
      const worker = workerFor(store, now);
      const before = { all: counted.requests(), history: historyRequests, calls: counted.requestsByKind()[`GET ${callsTable}()`] ?? 0 };
      const outcomes = await worker.drainOnce();
      const perRecord = { all: (counted.requests() - before.all) / RECORDS, history: (historyRequests - before.history) / RECORDS };
      const reportReads = (counted.requestsByKind()[`GET ${callsTable}()`] ?? 0) - before.calls;
      assert.deepEqual(outcomes, ids.map(() => 'scored'));
      await assertNothingLostOrDoubled(store, ids);
      // The history write of a new call: one transaction, without reading its index row first (the call had no report).
      assert.equal(perRecord.history, 1);
      // The claim saw the calls were never completed: the worker's look at their reports needed no read.
      assert.equal(reportReads, 0, 'no report row read');
      // By hand, per record: receiving the messages (2 of 16: one for the group message announcing all sixteen, one
      // finding none), the inbox row read and leased, the history transaction, the report transaction, the item
      // completed, the group message deleted once for all (1 of 16), and the alerting half's alert message:
      // 2/16 + 1 + 1 + 1 + 1 + 1 + 1/16 + 1/2 = 5.6875 (6.625 with a message per call).
      assert.ok(perRecord.all <= 6, `${perRecord.all} requests per record drained, ${perRecord.history} of them for the history`);
      // The count docs/benchmarks.md quotes, in every run's output.
      process.stdout.write(`        (${perRecord.all} storage requests per record drained, ${perRecord.history} of them for the history)\n`);
    });

    it('in the background with fewer slots than calls, claiming a slot\'s worth ahead splits the group message less often: fewer queue requests per record', async () => {
      const SLOTS = 2;
      /** Drains a fresh group of RECORDS in the background loop; the inbox queue's requests per record. */
      const drainInBackground = async (first: number, claimAhead: number): Promise<number> => {
        const now = Date.now();
        const ids = await seed(store, now, first);
        const queueRequests = () => Object.entries(counted.requestsByKind()).reduce((sum, [kind, count]) => sum + (/inbox\/messages/.test(kind) ? count : 0), 0);
        const before = queueRequests();
        const worker = workerFor(store, now, { concurrency: SLOTS, claimAhead });
        worker.start();
        await poll(async () => (await statesOf(store, ids)).every((state) => state === 'done'), 60_000, () => 'every call drained', 50);
        await worker.stop();
        await assertNothingLostOrDoubled(store, ids);
        return (queueRequests() - before) / RECORDS;
      };
      const slotsOnly = await drainInBackground(101, 0);
      const ahead = await drainInBackground(201, SLOTS);
      // By hand: a claim with room for one call of a group leases it and announces the rest anew (a receive, a send, a
      // delete once the call settles), about 3 requests per call; claiming a slot's worth ahead, about 3 per 3 calls.
      assert.ok(slotsOnly > 2, `${slotsOnly} queue requests per record claiming for free slots only`);
      assert.ok(ahead < slotsOnly * 0.6, `${ahead} queue requests per record claiming ahead, against ${slotsOnly}`);
    });

    it('a stalled instance lets go of the calls it claimed ahead: another takes them once their lease ends, and the stalled one does not start them late', async () => {
      const LEASE_MS = 2_000;
      const ids = await seed(store, Date.now(), 301);
      const real = env.client();
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const fetchedByStalled: string[] = [];
      // Instance A's Graph answers nothing until released: its one slot hangs on its first call, the two claimed ahead wait.
      const stalledSource: CallRecordSource = {
        getCallRecord: async (tenantId, id) => {
          fetchedByStalled.push(id);
          await gate;
          return real.getCallRecord(tenantId, id);
        },
        listCallRecordsSince: (tenantId, since) => real.listCallRecordsSince(tenantId, since),
      };
      // Leases run on the real clock here: the queue hides a leased call's message for as long in real seconds.
      const stalled = workerFor(store, 0, { source: stalledSource, concurrency: 1, claimAhead: 2, leaseMs: LEASE_MS, clock: Date.now });
      stalled.start();
      await poll(async () => (await statesOf(store, ids)).filter((state) => state === 'leased').length >= 3, 60_000, () => 'the stalled instance to claim its slot and two ahead', 20);
      const healthy = workerFor(store, 0, { source: real, concurrency: 4, leaseMs: 60_000, clock: Date.now });
      healthy.start();
      await poll(
        async () => (await statesOf(store, ids)).every((state) => state === 'done'),
        60_000,
        () => 'the healthy instance to drain every call, those the stalled one held once their lease ended',
        50,
      );
      // A's slot frees: its call's lease was lost, and the two it claimed ahead, their lease more than half spent, are let go unstarted.
      release();
      await stalled.stop();
      await healthy.stop();
      assert.equal(fetchedByStalled.length, 1, `the stalled instance fetched only the call in its slot: ${fetchedByStalled.join(', ')}`);
      await assertNothingLostOrDoubled(store, ids);
    });
  });

  describe('SQLite', () => {
    it('drains in the background with one commit per record (keeping a call takes the next), plus the first claim', async () => {
      let commits = 0;
      let wrote = false;
      const store = openSqliteStore(
        { path: ':memory:' },
        {
          onStatement: (sql) => {
            if (sql === 'BEGIN IMMEDIATE') wrote = false;
            else if (sql === 'COMMIT') commits += wrote ? 1 : 0;
            else wrote ||= /^\s*(INSERT|UPDATE|DELETE)/i.test(sql);
          },
        },
      );
      const now = Date.now();
      const worker = workerFor(store, now, { concurrency: 4 });
      try {
        const ids = await seed(store, now, 201);
        commits = 0;
        worker.start();
        for (let waited = 0; (await store.inbox.stats(now)).byState.done < RECORDS; waited += 20) {
          assert.ok(waited < 60_000, 'drained within a minute');
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await worker.stop();
        await assertNothingLostOrDoubled(store, ids);
        // Without taking the next item with the keep, each replacement's claim commits apart: up to 1 + 16 + 12 = 29 (22 measured).
        assert.ok(commits <= RECORDS + 1, `${commits} commits for ${RECORDS} records`);
      } finally {
        await worker.stop();
        await store.close();
      }
    });

    it('drains a new record in at most 5 statements (history included) and one commit, plus one commit per claim', async () => {
      let statements = 0;
      let historyStatements = 0;
      let commits = 0;
      let inTransaction = false;
      let wrote = false;
      const store = openSqliteStore(
        { path: ':memory:' },
        {
          onStatement: (sql) => {
            if (sql === 'BEGIN IMMEDIATE') {
              inTransaction = true;
              wrote = false;
            } else if (sql === 'COMMIT' || sql === 'ROLLBACK') {
              // A commit that wrote nothing (a claim that found no work) writes nothing to the log.
              if (sql === 'COMMIT' && wrote) commits += 1;
              inTransaction = false;
            } else {
              statements += 1;
              if (/\bhistory_/.test(sql)) historyStatements += 1;
              const writes = /^\s*(INSERT|UPDATE|DELETE)/i.test(sql);
              wrote ||= writes;
              // A write outside a transaction commits on its own.
              if (!inTransaction && writes) commits += 1;
            }
          },
        },
      );
      try {
        const now = Date.now();
        const ids = await seed(store, now, 101);
        statements = 0;
        historyStatements = 0;
        commits = 0;
        const outcomes = await workerFor(store, now).drainOnce();
        assert.deepEqual(outcomes, ids.map(() => 'scored'));
        const perRecord = { statements: statements / RECORDS, history: historyStatements / RECORDS, commits: commits / RECORDS };
        await assertNothingLostOrDoubled(store, ids);
        const described = `${perRecord.statements} statements (${perRecord.history} for the history) and ${perRecord.commits} commits per record drained`;
        // History included: the claim reads the report rows, a day's generation is bumped by a trigger, a call's people go in one INSERT.
        assert.ok(perRecord.statements <= 5, described);
        // By hand, per record: the claim's SELECT and UPDATE (2 of 16, and 1 more for the claim that finds nothing), the history
        // row, the report, the item's completion, one INSERT for the people of the half whose records name people, and the
        // alerting half's alert jobs.
        assert.equal(perRecord.statements * RECORDS, 3 + RECORDS * 3 + (RECORDS / 2) * 2, described);
        // At most one commit per record (history, report, alert job and the item's completion together) and one for the claim
        // of all 16; records whose keeping falls in the same turn share a commit (group commit), so it is often fewer.
        assert.ok(commits <= RECORDS + 1, described);
        process.stdout.write(`        (${described})\n`);
      } finally {
        await store.close();
      }
    });
  });
});
