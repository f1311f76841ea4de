import assert from 'node:assert/strict';
import type { CallHistoryRecord, ClaimedItem, Store, StoredReport } from '../../src/store';
import { openStorePerTest } from './store-contract';

const T = 'tenant-a';
const DAY = '2025-03-01';

function report(callId: string, version: number, alert: boolean): StoredReport {
  const now = Date.now();
  return {
    tenantId: T,
    callId,
    version,
    quality: alert ? 'poor' : 'good',
    alert,
    report: { callId, version },
    summary: { callId },
    startedAt: now - 60_000,
    endedAt: now - 30_000,
    processedAt: now,
  };
}

function history(callId: string, version: number): CallHistoryRecord {
  return { tenantId: T, callId, version, day: DAY, startedAt: Date.parse(`${DAY}T10:00:00Z`), people: ['abbie@contoso.com'], summary: `${callId} v${version}` };
}

/**
 * What the inbox worker relies on to write less: `processedReport` handed to `recordReport` (the
 * row read once), and `keepScoredCall` (history, report and the item's completion in one call).
 * A row changed by another writer between the look and the write must be noticed, never overwritten.
 */
export function describeScoredCallContract(name: string, open: () => Promise<Store>, cleanup?: (store: Store) => Promise<void>): void {
  describe(`Store contract, keeping scored calls: ${name}`, function () {
    this.timeout(30_000);
    let store!: Store;
    openStorePerTest(open, cleanup, (opened) => (store = opened));

    const claimOne = async (callId: string): Promise<ClaimedItem> => {
      await store.inbox.enqueue([{ tenantId: T, callId, source: 'notification' }], Date.now());
      const [item] = await store.inbox.claim(Date.now(), 1, 60_000);
      assert.equal(item?.callId, callId);
      return item!;
    };

    it('records over the row it looked at, new or newer', async () => {
      const none = await store.reports.processedReport(T, 'c1');
      assert.equal(none.version, null);
      assert.deepEqual(await store.reports.recordReport(report('c1', 1, true), true, none), { accepted: true, previousVersion: null, alertQueued: true });
      const one = await store.reports.processedReport(T, 'c1');
      assert.equal(one.version, 1);
      // Version 1 alerted, so version 2 queues a job to update its card though it no longer alerts.
      assert.deepEqual(await store.reports.recordReport(report('c1', 2, false), false, one), { accepted: true, previousVersion: 1, alertQueued: true });
      assert.equal((await store.reports.getReport(T, 'c1'))?.version, 2);
      assert.deepEqual((await store.reports.listAlertJobs(T, 'c1')).map((job) => job.version), [1, 2]);
    });

    it('notices a report another writer recorded after the look: the same version is refused, a newer one decided on the row as it is now', async () => {
      const looked = await store.reports.processedReport(T, 'c1');
      await store.reports.recordReport(report('c1', 1, true), true);
      const same = await store.reports.recordReport(report('c1', 1, false), false, looked);
      assert.equal(same.accepted, false);
      assert.deepEqual((await store.reports.listAlertJobs(T, 'c1')).map((job) => job.version), [1], 'no second job for version 1');
      // Looked at before version 1 existed; version 1 alerted, so version 2 must queue a job all the same.
      const newer = await store.reports.recordReport(report('c1', 2, false), false, looked);
      assert.deepEqual(newer, { accepted: true, previousVersion: 1, alertQueued: true });
      const stale = await store.reports.processedReport(T, 'c1');
      await store.reports.recordReport(report('c1', 3, false), false);
      assert.equal((await store.reports.recordReport(report('c1', 3, true), true, stale)).accepted, false, 'version 3 is there since the look');
      assert.equal((await store.reports.getReport(T, 'c1'))?.alert, false, 'the version 3 recorded first is kept');
    });

    it('ignores a look at another call', async () => {
      const other = await store.reports.processedReport(T, 'c2');
      await store.reports.recordReport(report('c1', 1, true), true);
      assert.equal((await store.reports.recordReport(report('c1', 1, true), true, other)).accepted, false);
      assert.equal((await store.reports.processedVersion(T, 'c2')), null);
    });

    it('writes a history call said to be likely new over one kept after all only when newer, moving its day', async () => {
      assert.equal(await store.history.putCall(history('c1', 2)), true);
      assert.equal(await store.history.putCall({ ...history('c1', 1), summary: 'older' }, { likelyNew: true }), false);
      assert.equal((await store.history.getCall(T, 'c1'))?.summary, 'c1 v2');
      const nextDay = { ...history('c1', 3), day: '2025-03-02', startedAt: Date.parse('2025-03-02T10:00:00Z') };
      assert.equal(await store.history.putCall(nextDay, { likelyNew: true }), true);
      const onDay = async (day: string) => {
        const found: string[] = [];
        for await (const call of store.history.listCalls(T, day, day)) found.push(`${call.callId} v${call.version}`);
        return found;
      };
      assert.deepEqual([await onDay(DAY), await onDay('2025-03-02')], [[], ['c1 v3']]);
    });

    it('keeps the history, the report and its alert job, and completes the item', async () => {
      const item = await claimOne('c1');
      const kept = await store.keepScoredCall({
        history: history('c1', 1),
        report: report('c1', 1, true),
        queueAlert: true,
        processed: await store.reports.processedReport(T, 'c1'),
        item,
        now: Date.now(),
      });
      assert.deepEqual(kept, { accepted: true, previousVersion: null, alertQueued: true, completed: true });
      assert.equal((await store.history.getCall(T, 'c1'))?.summary, 'c1 v1');
      assert.equal(await store.reports.processedVersion(T, 'c1'), 1);
      assert.deepEqual((await store.reports.listAlertJobs(T, 'c1')).map((job) => job.version), [1]);
      assert.equal((await store.inbox.get(T, 'c1'))?.state, 'done');
    });

    it('leaves the item due again when a notification came during the lease', async () => {
      const item = await claimOne('c1');
      await store.inbox.enqueue([{ tenantId: T, callId: 'c1', source: 'notification' }], Date.now());
      const kept = await store.keepScoredCall({ history: history('c1', 1), report: report('c1', 1, false), queueAlert: false, item, now: Date.now() });
      assert.equal(kept.completed, true);
      assert.equal(kept.alertQueued, false);
      assert.equal((await store.inbox.get(T, 'c1'))?.state, 'pending');
      assert.equal((await store.inbox.claim(Date.now(), 1, 60_000)).length, 1, 'processed again for the notification');
    });

    it("hands each claimed item the claim's look at its report: none for a new call, the version when it says one; a report recorded after the claim is noticed", async () => {
      const first = await claimOne('c1');
      assert.equal(first.report?.version, null, 'a call never processed: the claim says there is no report, so the worker asks nothing');
      await store.keepScoredCall({ history: history('c1', 1), report: report('c1', 1, true), queueAlert: true, processed: first.report, item: first, now: Date.now() });
      const again = await claimOne('c1');
      // An engine may not look with the claim at a call processed before (Azure); when it does, it sees version 1.
      assert.equal((again.report ?? (await store.reports.processedReport(T, 'c1'))).version, 1, 'a call processed before');
      const fresh = await claimOne('c2');
      assert.equal(fresh.report?.version, null);
      // Another writer records version 1 of c2 between the claim and the write (a lease that ran out).
      await store.reports.recordReport(report('c2', 1, true), true);
      const kept = await store.keepScoredCall({ history: history('c2', 1), report: report('c2', 1, true), queueAlert: true, processed: fresh.report, item: fresh, now: Date.now() });
      assert.equal(kept.accepted, false, 'version 1 is there since the claim');
      assert.equal(kept.completed, true);
      assert.deepEqual((await store.reports.listAlertJobs(T, 'c2')).map((job) => job.version), [1], 'one job for version 1');
      const newer = await claimOne('c3');
      await store.reports.recordReport(report('c3', 1, true), true);
      // Version 2 over a version 1 the claim did not see: still decided on the row as it is (version 1 alerted, so a job to update its card).
      const over = await store.keepScoredCall({ history: history('c3', 2), report: report('c3', 2, false), queueAlert: false, processed: newer.report, item: newer, now: Date.now() });
      assert.deepEqual({ accepted: over.accepted, previousVersion: over.previousVersion, alertQueued: over.alertQueued }, { accepted: true, previousVersion: 1, alertQueued: true });
      assert.equal((await store.reports.getReport(T, 'c3'))?.version, 2);
    });

    it('says so when the lease was lost, and the version stays recorded once', async () => {
      const item = await claimOne('c1');
      const kept = await store.keepScoredCall({ history: history('c1', 1), report: report('c1', 1, false), queueAlert: false, item: { ...item, leaseToken: 'not-ours' }, now: Date.now() });
      assert.equal(kept.completed, false);
      assert.equal((await store.inbox.get(T, 'c1'))?.state, 'leased', 'still held by the real holder');
      assert.equal(await store.inbox.complete(item, Date.now()), true, 'the real holder settles it');
      assert.equal(await store.reports.processedVersion(T, 'c1'), 1);
    });
  });
}
