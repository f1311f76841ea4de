import type { EnqueueRequest, WorkSource } from '../types';
import type { SqliteDatabase } from './sqlite-database';
import type { Row } from './sqlite-rows';

const APPEND = 'INSERT INTO inbox_arrivals (tenant_id, call_id, source, arrived_at) VALUES (?, ?, ?, ?)';
const OLDEST = 'SELECT seq, tenant_id, call_id, source, arrived_at FROM inbox_arrivals ORDER BY seq LIMIT ?';
const OLDEST_THROUGH = 'SELECT seq, tenant_id, call_id, source, arrived_at FROM inbox_arrivals WHERE seq <= ? ORDER BY seq LIMIT ?';
// Two subqueries, so that each is one step down the key rather than a scan.
const SPAN = 'SELECT (SELECT MIN(seq) FROM inbox_arrivals) AS oldest, (SELECT MAX(seq) FROM inbox_arrivals) AS newest';
const REMOVE_THROUGH = 'DELETE FROM inbox_arrivals WHERE seq <= ?';

/** Arrivals applied in one transaction at most, so that a burst's backlog never holds the event loop for long. */
export const FOLD_BATCH = 500;

/**
 * The inbox's arrival journal on SQLite: the webhook's notifications, appended in arrival order
 * and applied to `work_items` later (before a claim, a read or the counts). A new call's row goes
 * to a random place in the `(tenant_id, call_id)` key, which dirties a page of its own in every
 * commit (about 12 µs of a webhook's 20 µs write); an append to this table dirties one page for
 * the whole group. The journal is as durable as the row: 2xx still follows the commit.
 */
export class InboxArrivals {
  constructor(private readonly db: SqliteDatabase) {}

  /** Appends the requests, arrived at `now`, in one transaction (or the caller's). */
  append(requests: readonly EnqueueRequest[], now: number): void {
    this.db.transaction(() => {
      for (const request of requests) this.db.sql(APPEND).run(request.tenantId, request.callId, request.source, now);
    });
  }

  /**
   * The oldest and newest journaled requests' places in the journal, or `undefined` when it is
   * empty. Places are not handed out anew once the journal was emptied (no AUTOINCREMENT), so the
   * span also bounds how many folds can still find requests up to `newest` that were there now.
   */
  span(): { oldest: number; newest: number } | undefined {
    const row = this.db.sql(SPAN).get() as Row;
    return row.newest === null ? undefined : { oldest: Number(row.oldest), newest: Number(row.newest) };
  }

  /**
   * Applies up to `limit` journaled requests, oldest first, each at the time it arrived, through
   * `apply` (the inbox's own enqueue of known and new calls), and removes them, in the caller's
   * transaction. With `through` (a place from {@link span}), only requests up to that place.
   * Resolves to how many it applied: fewer than `limit` means the journal (up to `through`) is empty.
   */
  fold(apply: (request: EnqueueRequest, arrivedAt: number) => void, limit = FOLD_BATCH, through?: number): number {
    const rows = (through === undefined ? this.db.sql(OLDEST).all(limit) : this.db.sql(OLDEST_THROUGH).all(through, limit)) as Row[];
    if (rows.length === 0) return 0;
    for (const row of rows) {
      apply({ tenantId: String(row.tenant_id), callId: String(row.call_id), source: row.source as WorkSource }, Number(row.arrived_at));
    }
    this.db.sql(REMOVE_THROUGH).run(Number(rows[rows.length - 1]!.seq));
    return rows.length;
  }
}
