import type { EnqueueRequest, WorkSource } from '../types';
import type { SqliteDatabase } from './sqlite-database';
import type { Row } from './sqlite-rows';

const APPEND = 'INSERT INTO inbox_arrivals (tenant_id, call_id, source, arrived_at) VALUES (?, ?, ?, ?)';
const OLDEST = 'SELECT seq, tenant_id, call_id, source, arrived_at FROM inbox_arrivals ORDER BY seq LIMIT ?';
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
   * Applies up to `limit` journaled requests, oldest first, each at the time it arrived, through
   * `apply` (the inbox's own enqueue of known and new calls), and removes them, in the caller's
   * transaction. Resolves to how many it applied: fewer than `limit` means the journal is empty.
   */
  fold(apply: (request: EnqueueRequest, arrivedAt: number) => void, limit = FOLD_BATCH): number {
    const rows = this.db.sql(OLDEST).all(limit) as Row[];
    if (rows.length === 0) return 0;
    for (const row of rows) {
      apply({ tenantId: String(row.tenant_id), callId: String(row.call_id), source: row.source as WorkSource }, Number(row.arrived_at));
    }
    this.db.sql(REMOVE_THROUGH).run(Number(rows[rows.length - 1]!.seq));
    return rows.length;
  }
}
