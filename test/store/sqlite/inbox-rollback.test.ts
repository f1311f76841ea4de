import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import type { EnqueueRequest } from '../../../src/store';
import { SQLITE_SCHEMA } from '../../../src/store/sqlite/schema';
import { SqliteDatabase } from '../../../src/store/sqlite/sqlite-database';
import { createSqliteInbox } from '../../../src/store/sqlite/sqlite-inbox';

const TENANT = 'tenant-a';
const LEASE_MS = 60_000;
const notification = (callId: string): EnqueueRequest => ({ tenantId: TENANT, callId, source: 'notification' });

function openInbox() {
  const raw = new DatabaseSync(':memory:');
  raw.exec(SQLITE_SCHEMA);
  const db = new SqliteDatabase(raw);
  return { raw, db, inbox: createSqliteInbox(db) };
}

describe('SQLite inbox: the journal after a transaction that was rolled back', () => {
  it('still applies journaled notifications whose fold was rolled back with the claim (settle and take the next, one call failing)', async () => {
    const { raw, db, inbox } = openInbox();
    try {
      await inbox.enqueue([notification('a'), notification('b')], 1_000, { journal: true });
      // As in a group commit: the claim folds the journal, then another write of the same transaction fails.
      assert.throws(() => db.transaction(() => {
        assert.equal(inbox.claimNow(2_000, 10, LEASE_MS).length, 2);
        throw new Error('another call of the batch failed');
      }), /another call of the batch failed/);
      // The rollback put the notifications back in the journal: they are there, and the inbox applies them.
      assert.equal(Number((raw.prepare('SELECT COUNT(*) AS n FROM inbox_arrivals').get() as { n: number }).n), 2);
      assert.equal((await inbox.get(TENANT, 'a'))?.state, 'pending');
      assert.deepEqual((await inbox.claim(3_000, 10, LEASE_MS)).map((item) => item.callId).sort(), ['a', 'b']);
    } finally {
      db.close();
    }
  });

  it('applies the journal before a direct enqueue after a rolled back read of it, keeping the order they came in', async () => {
    const { db, inbox } = openInbox();
    try {
      await inbox.enqueue([notification('a')], 1_000, { journal: true });
      assert.throws(() => db.transaction(() => {
        inbox.claimNow(2_000, 10, LEASE_MS);
        throw new Error('rolled back');
      }));
      // The sweep's enqueue of a seen call leaves it alone: 'a' arrived first, at 1,000.
      await inbox.enqueue([notification('a')], 5_000, { onlyIfUnseen: true });
      assert.equal((await inbox.get(TENANT, 'a'))?.enqueuedAt, 1_000);
    } finally {
      db.close();
    }
  });
});
