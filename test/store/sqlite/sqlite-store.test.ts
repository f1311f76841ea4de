import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore, SQLITE_FILE_NAME } from '../../../src/store';
import { describeHistoryContract } from '../history-contract';
import { describeInboxPruningContract } from '../inbox-pruning-contract';
import { describeStoreContract } from '../store-contract';
import { describeScoredCallContract } from '../scored-call-contract';

describeStoreContract('sqlite (in memory)', async () => openSqliteStore({ path: ':memory:' }));
describeScoredCallContract('sqlite (in memory)', async () => openSqliteStore({ path: ':memory:' }));
describeHistoryContract('sqlite (in memory)', async (options) => openSqliteStore({ path: ':memory:' }, options));
describeInboxPruningContract('sqlite (in memory)', async () => openSqliteStore({ path: ':memory:' }));

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
