import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore, SQLITE_FILE_NAME } from '../../../src/store';
import { SQLITE_SCHEMA } from '../../../src/store/sqlite/schema';
import { historyCall } from '../history-contract';

describe('SQLite history and run stores on disk', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'cqb-history-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives a database made before the history its tables on open, keeping what it had', async () => {
    const { DatabaseSync } = await import('node:sqlite');
    const old = new DatabaseSync(path.join(dir, SQLITE_FILE_NAME));
    old.exec(SQLITE_SCHEMA);
    // The database as the bot left it before the history existed.
    old.exec('DROP TABLE history_calls; DROP TABLE history_people; DROP TABLE history_days; DROP TABLE scheduled_runs;');
    old.prepare('INSERT INTO settings (scope, key, value) VALUES (?, ?, ?)').run('t', 'k', '{"a":1}');
    old.close();

    const store = openSqliteStore({ dataDir: dir });
    try {
      assert.deepEqual(await store.settings.getSetting('t', 'k'), { a: 1 });
      assert.equal(await store.history.putCall(historyCall('c1', '2025-03-01')), true);
      assert.equal((await store.history.getCall('tenant-a', 'c1'))?.version, 1);
      assert.equal(await store.runs.claimRun('r', 'a', 1, 2), true);
    } finally {
      await store.close();
    }
  });

  it('lets two instances on one file see each other: one claim wins, a stale aggregate is refused', async () => {
    const first = openSqliteStore({ dataDir: dir });
    const second = openSqliteStore({ dataDir: dir });
    try {
      const claims = await Promise.all(Array.from({ length: 20 }, (_, index) => (index % 2 === 0 ? first : second).runs.claimRun('weekly', `holder-${index}`, 1_000, 61_000)));
      assert.equal(claims.filter(Boolean).length, 1);
      await first.history.putCall(historyCall('c1', '2025-03-01'));
      const [entry] = await second.history.readRollups('tenant-a', '2025-03-01', '2025-03-01');
      await first.history.putCall(historyCall('c2', '2025-03-01'));
      assert.equal(await second.history.writeRollup('tenant-a', '2025-03-01', 'one call', entry!.tag), false);
      assert.deepEqual((await second.history.callsOf('tenant-a', 'AA11', '2025-03-01', 5)).map((call) => call.callId).sort(), ['c1', 'c2']);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('keeps a meeting of 9,000 people, more than one statement may carry, findable by each of them', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    try {
      const people = Array.from({ length: 9_000 }, (_, index) => `person${index}@contoso.com`);
      // New (as the worker writes a call without a report), then a newer version (read and replaced).
      assert.equal(await store.history.putCall(historyCall('big', '2025-03-01', { people }), { likelyNew: true }), true);
      assert.equal(await store.history.putCall(historyCall('big', '2025-03-01', { people, version: 2 })), true);
      for (const index of [0, 499, 500, 8_191, 8_999]) {
        assert.deepEqual((await store.history.callsOf(null, `person${index}@contoso.com`, '2025-03-01', 5)).map((found) => found.version), [2], `person ${index}`);
      }
    } finally {
      await store.close();
    }
  });

  it('refuses a history page size that is not a whole number of rows', () => {
    assert.throws(() => openSqliteStore({ path: ':memory:' }, { historyPageSize: 0 }), /page size is 0/);
  });
});
