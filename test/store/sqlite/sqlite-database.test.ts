import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { SqliteDatabase } from '../../../src/store/sqlite/sqlite-database';

/** A database that holds a few pages at most: a write past them fails as a full disk does (SQLITE_FULL). */
function smallDatabase(): { raw: DatabaseSync; db: SqliteDatabase } {
  const raw = new DatabaseSync(':memory:');
  raw.exec('CREATE TABLE t (x TEXT NOT NULL); PRAGMA max_page_count = 5;');
  return { raw, db: new SqliteDatabase(raw) };
}

describe('SQLite database: transactions that fail', () => {
  it('rethrows a full disk as such when SQLite rolled the transaction back by itself, and the next transaction works', () => {
    const { raw, db } = smallDatabase();
    try {
      assert.throws(
        () => db.transaction(() => {
          for (let row = 0; row < 100; row += 1) db.sql('INSERT INTO t (x) VALUES (?)').run('x'.repeat(1_000));
        }),
        /database or disk is full/,
      );
      // Nothing of the failed transaction stays, and none is left open.
      assert.equal(Number((raw.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n), 0);
      db.transaction(() => db.sql('INSERT INTO t (x) VALUES (?)').run('small'));
      assert.equal(Number((raw.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n), 1);
    } finally {
      db.close();
    }
  });

  it('rethrows the error of the work and rolls back its writes when the transaction is still open', () => {
    const { raw, db } = smallDatabase();
    try {
      assert.throws(
        () => db.transaction(() => {
          db.sql('INSERT INTO t (x) VALUES (?)').run('written');
          throw new Error('the work failed');
        }),
        /the work failed/,
      );
      assert.equal(Number((raw.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n), 0);
    } finally {
      db.close();
    }
  });
});
