import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore, SQLITE_FILE_NAME, type CallHistoryRecord, type Store, type StoredReport } from '../../../src/store';
import { describeHistoryContract } from '../history-contract';
import { describeInboxPruningContract } from '../inbox-pruning-contract';
import { describeReportBodyContract } from '../report-body-contract';
import { describeStoreContract } from '../store-contract';
import { describeScoredCallContract } from '../scored-call-contract';

describeStoreContract('sqlite (in memory)', async () => openSqliteStore({ path: ':memory:' }));
describeScoredCallContract('sqlite (in memory)', async () => openSqliteStore({ path: ':memory:' }));
describeHistoryContract('sqlite (in memory)', async (options) => openSqliteStore({ path: ':memory:' }, options));
describeInboxPruningContract('sqlite (in memory)', async () => openSqliteStore({ path: ':memory:' }));
describeReportBodyContract('sqlite (in memory)', async () => openSqliteStore({ path: ':memory:' }));

describe('SQLite store on disk', () => {
  it('keeps everything across a reopen, in WAL mode', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cqb-store-'));
    try {
      const first = openSqliteStore({ dataDir: dir });
      await first.inbox.enqueue([{ tenantId: 't', callId: 'c', source: 'notification' }], Date.now());
      await first.settings.setSetting('t', 'k', { a: 1 });
      await first.close();
      const second = openSqliteStore({ dataDir: dir });
      assert.equal((await second.inbox.get('t', 'c'))?.state, 'pending');
      assert.deepEqual(await second.settings.getSetting('t', 'k'), { a: 1 });
      await second.close();
      const { DatabaseSync } = await import('node:sqlite');
      const db = new DatabaseSync(path.join(dir, SQLITE_FILE_NAME));
      assert.equal((db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode, 'wal');
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SQLite store: claims', () => {
  it('leases 3,000 items in one claim, more than one statement may carry, each once', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    try {
      const callIds = Array.from({ length: 3_000 }, (_, index) => `c${index}`);
      await store.inbox.enqueue(callIds.map((callId) => ({ tenantId: 't', callId, source: 'notification' as const })), 1);
      const claimed = await store.inbox.claim(1, 5_000, 60_000);
      assert.equal(new Set(claimed.map((item) => item.callId)).size, 3_000);
      assert.equal((await store.inbox.stats(1)).byState.leased, 3_000);
      assert.deepEqual(await store.inbox.claim(1, 5_000, 60_000), [], 'none left to claim');
    } finally {
      await store.close();
    }
  });
});

describe('SQLite store: calls kept in the same turn', () => {
  const T = 'tenant-a';
  const DAY = '2025-03-01';
  const history = (callId: string): CallHistoryRecord => ({ tenantId: T, callId, version: 1, day: DAY, startedAt: null, people: [], summary: callId });
  const report = (callId: string): StoredReport => ({ tenantId: T, callId, version: 1, quality: 'good', alert: false, report: {}, summary: {}, startedAt: null, endedAt: null, processedAt: 1 });
  let commits = 0;
  let store: Store;
  beforeEach(() => {
    commits = 0;
    store = openSqliteStore({ path: ':memory:' }, { onStatement: (sql) => void (sql === 'COMMIT' && (commits += 1)) });
  });
  afterEach(async () => {
    await store.close();
  });
  const claimed = async (...callIds: string[]) => {
    await store.inbox.enqueue(callIds.map((callId) => ({ tenantId: T, callId, source: 'notification' as const })), 1);
    const items = await store.inbox.claim(1, callIds.length, 60_000);
    assert.equal(items.length, callIds.length);
    commits = 0;
    return items;
  };

  it('share one commit, each caller answered once it is committed', async () => {
    const items = await claimed('c1', 'c2', 'c3');
    const kept = await Promise.all(items.map((item) => store.keepScoredCall({ history: history(item.callId), report: report(item.callId), queueAlert: false, item, now: 2 })));
    assert.deepEqual(kept.map((call) => [call.accepted, call.completed]), [[true, true], [true, true], [true, true]]);
    assert.equal(commits, 1);
    for (const callId of ['c1', 'c2', 'c3']) assert.equal((await store.inbox.get(T, callId))?.state, 'done', callId);
  });

  it('fail one by one: a bad call is refused alone and the others are kept', async () => {
    const items = await claimed('c1', 'c2');
    const [good, bad] = await Promise.allSettled([
      store.keepScoredCall({ history: history('c1'), report: report('c1'), queueAlert: false, item: items[0]!, now: 2 }),
      store.keepScoredCall({ history: { ...history('c2'), day: '2025-02-30' }, report: report('c2'), queueAlert: false, item: items[1]!, now: 2 }),
    ]);
    assert.equal(good.status, 'fulfilled');
    assert.equal(bad.status, 'rejected');
    assert.match(String((bad as PromiseRejectedResult).reason), /2025-02-30/);
    assert.equal((await store.inbox.get(T, 'c1'))?.state, 'done');
    assert.equal((await store.inbox.get(T, 'c2'))?.state, 'leased', 'left for its lease to run out');
    assert.equal(await store.reports.processedVersion(T, 'c2'), null, 'nothing of the bad call written');
  });

  it('are committed before the store closes', async () => {
    const [item] = await claimed('c1');
    const kept = store.keepScoredCall({ history: history('c1'), report: report('c1'), queueAlert: false, item: item!, now: 2 });
    await store.close();
    assert.equal((await kept).completed, true);
    assert.equal(commits, 1);
  });
});
