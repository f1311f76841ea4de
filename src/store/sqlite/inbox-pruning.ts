import type { SqliteDatabase } from './sqlite-database';

/** Rows deleted per transaction: small enough that a webhook write waits milliseconds, not seconds. */
export const PRUNE_BATCH_ROWS = 500;

/**
 * A done row's `next_attempt_at` is the time it became done (`completeWork` sets it with
 * `updated_at`, and only a revival changes a done row, making it pending), so the due index
 * `(state, next_attempt_at)` finds the old done rows without an index of its own: one more index
 * would cost every enqueue a write. Exported for the test that reads its query plan.
 */
export const DELETE_DONE = `DELETE FROM work_items WHERE rowid IN (
  SELECT rowid FROM work_items WHERE state = 'done' AND next_attempt_at < ? LIMIT ${PRUNE_BATCH_ROWS})`;

/**
 * Deletes the inbox's done rows that finished before `before`, a batch per transaction, letting the
 * event loop run between batches so that webhook writes interleave with a long prune. Never touches
 * pending, leased or dead rows. Resolves to how many rows went.
 */
export async function pruneDoneWork(db: SqliteDatabase, before: number): Promise<number> {
  let removed = 0;
  for (;;) {
    const deleted = Number(db.transaction(() => db.sql(DELETE_DONE).run(before)).changes);
    removed += deleted;
    if (deleted < PRUNE_BATCH_ROWS) return removed;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
