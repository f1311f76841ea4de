import { SCHEDULED_RUN_FIELDS } from '../record-fields';
import { runStoreOver } from '../run-rules';
import type { RunStore, ScheduledRun } from '../types';
import type { SqliteDatabase } from './sqlite-database';
import { SqliteRecords, type Row } from './sqlite-rows';

const RUNS = new SqliteRecords('scheduled_runs', SCHEDULED_RUN_FIELDS, ['key']);
const SAVE = RUNS.upsertSql();

/**
 * Runs that must happen once, one row per key. A claim or finish reads and writes in one write
 * transaction (`BEGIN IMMEDIATE`), so of two instances sharing the database file exactly one
 * takes a run; the shared rules (`run-rules.ts`) decide.
 */
export function createSqliteRunStore(db: SqliteDatabase): RunStore {
  const read = (key: string): ScheduledRun | undefined => {
    const row = db.sql('SELECT * FROM scheduled_runs WHERE key = ?').get(key) as Row | undefined;
    return row ? RUNS.fromRow(row) : undefined;
  };
  return runStoreOver({
    read: async (key) => read(key),
    change: async (key, next) =>
      db.transaction(() => {
        const run = next(read(key));
        if (run) db.sql(SAVE).run(...RUNS.values(run));
        return run !== undefined;
      }),
  });
}
