import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { SqliteDatabase, STATEMENT_CACHE_CHARS } from '../../../src/store/sqlite/sqlite-database';

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

/** The history's insert of `count` people in one statement (as `sqlite-history-store.ts` writes it): one text per width. */
const addPeople = (count: number) => `INSERT OR IGNORE INTO people (person, day) VALUES ${Array.from({ length: count }, () => '(?, ?)').join(', ')}`;

describe('SQLite database: prepared statements', () => {
  it('keeps statements of many widths prepared within a bound, not one more for every width ever run', () => {
    const raw = new DatabaseSync(':memory:');
    raw.exec('CREATE TABLE people (person TEXT NOT NULL, day TEXT NOT NULL, PRIMARY KEY (person, day))');
    const db = new SqliteDatabase(raw);
    try {
      // Calls of 1 to 500 people: 500 different texts, 1.9 million characters of SQL in all.
      let written = 0;
      for (let count = 1; count <= 500; count += 1) {
        const people = Array.from({ length: count }, (_, index) => `p${index}`);
        written += Number(db.sql(addPeople(count)).run(...people.flatMap((person) => [person, `d${count}`])).changes);
      }
      assert.equal(written, (500 * 501) / 2);
      assert.ok(db.cachedStatements.chars <= STATEMENT_CACHE_CHARS, `${db.cachedStatements.chars} characters of SQL kept prepared`);
      assert.ok(db.cachedStatements.count < 500, `${db.cachedStatements.count} statements kept prepared`);
    } finally {
      db.close();
    }
  });

  it('keeps a statement in use prepared however many others pass through, and runs an evicted one again', () => {
    const raw = new DatabaseSync(':memory:');
    raw.exec('CREATE TABLE people (person TEXT NOT NULL, day TEXT NOT NULL, PRIMARY KEY (person, day))');
    const db = new SqliteDatabase(raw);
    try {
      const hot = db.sql('SELECT COUNT(*) AS n FROM people');
      const first = db.sql(addPeople(1));
      for (let count = 2; count <= 500; count += 1) {
        db.sql(addPeople(count));
        assert.equal(db.sql('SELECT COUNT(*) AS n FROM people'), hot);
      }
      assert.notEqual(db.sql(addPeople(1)), first);
      assert.equal(Number(db.sql(addPeople(1)).run('olga', 'd1').changes), 1);
      assert.equal(Number((db.sql('SELECT COUNT(*) AS n FROM people').get() as { n: number }).n), 1);
    } finally {
      db.close();
    }
  });
});
