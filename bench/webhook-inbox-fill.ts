/** Fills a webhook benchmark's SQLite inbox with done items, as months of calls would leave it without pruning. */
import { DatabaseSync } from 'node:sqlite';
import path from 'node:path';
import { openSqliteStore, SQLITE_FILE_NAME } from '../src/store';
import { BENCH_TENANT } from './webhook-target';

/**
 * Writes `count` done work items into the SQLite file of `dataDir` (creating it), each finished at
 * `doneAt`, with random GUIDs as call ids (real ids land all over the primary key's B-tree, not at
 * its end). One statement, so a million rows take seconds rather than a million enqueues.
 */
export async function fillDoneItems(dataDir: string, count: number, doneAt: number): Promise<void> {
  // The store creates the file and its schema, as the bot would.
  await openSqliteStore({ dataDir }).close();
  const db = new DatabaseSync(path.join(dataDir, SQLITE_FILE_NAME));
  try {
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF;');
    db.prepare(
      `INSERT INTO work_items (tenant_id, call_id, state, source, attempts, next_attempt_at, enqueued_at, updated_at, requeue)
       WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
       SELECT ?, lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-8'
         || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))), 'done', 'notification', 1, ?, ?, ?, 0 FROM n`,
    ).run(count, BENCH_TENANT, doneAt, doneAt, doneAt);
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

/** Prunes the done items of `dataDir`'s inbox finished before `before`, as `INBOX_RETENTION_DAYS` would; resolves to the seconds it took. */
export async function pruneInbox(dataDir: string, before: number): Promise<{ removed: number; seconds: number }> {
  const store = openSqliteStore({ dataDir });
  try {
    const started = process.hrtime.bigint();
    const removed = await store.inbox.prune(before);
    return { removed, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
  } finally {
    await store.close();
  }
}
