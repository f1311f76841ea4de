import { randomUUID } from 'node:crypto';
import { completeWork, enqueueChange, killWork, leaseWork, retryWork } from '../inbox-rules';
import { holdsLease, isClaimable } from '../lease-rules';
import { pickFields, WORK_ITEM_FIELDS, WORK_ROW_FIELDS, type WorkRow } from '../record-fields';
import type { Inbox, InboxStats, WorkItem, WorkState } from '../types';
import type { SqliteDatabase } from './sqlite-database';
import { SqliteRecords, type Row } from './sqlite-rows';

const WORK_ITEMS = new SqliteRecords('work_items', WORK_ROW_FIELDS);
const SAVE = WORK_ITEMS.upsertSql(['tenantId', 'callId']);
const READ = 'SELECT * FROM work_items WHERE tenant_id = ? AND call_id = ?';
/** Candidates through the `work_items_due` index; {@link isClaimable} decides. */
const DUE = `SELECT * FROM work_items WHERE (state = 'pending' AND next_attempt_at <= ?) OR (state = 'leased' AND lease_until <= ?)
  ORDER BY next_attempt_at LIMIT ?`;

/**
 * The inbox on SQLite: one row per tenant and call. Every change reads the row, applies the
 * inbox rule (`inbox-rules.ts`) and writes it back inside one transaction, so a crash leaves
 * each change whole or absent and no other process writes in between.
 */
export function createSqliteInbox(db: SqliteDatabase): Inbox {
  const read = (tenantId: string, callId: string): WorkRow | undefined => {
    const row = db.sql(READ).get(tenantId, callId) as Row | undefined;
    return row ? WORK_ITEMS.fromRow(row) : undefined;
  };
  const save = (row: WorkRow) => db.sql(SAVE).run(...WORK_ITEMS.values(row));
  /** Applies `next` when `item`'s lease still holds; false when it was lost. */
  const settle = (item: WorkItem, next: (row: WorkRow) => WorkRow): boolean =>
    db.transaction(() => {
      const row = read(item.tenantId, item.callId);
      if (!row || !holdsLease(row, item.leaseToken)) return false;
      save(next(row));
      return true;
    });

  return {
    async enqueue(requests, now, options = {}) {
      return db.transaction(() => {
        let due = 0;
        for (const request of requests) {
          const change = enqueueChange(read(request.tenantId, request.callId), request, now, options.onlyIfUnseen === true);
          if (change.kind === 'unchanged') continue;
          save(change.row);
          if (change.kind === 'create' || change.becameDue) due += 1;
        }
        return due;
      });
    },
    async claim(now, limit, leaseMs) {
      return db.transaction(() =>
        (db.sql(DUE).all(now, now, limit) as Row[])
          .map((row) => WORK_ITEMS.fromRow(row))
          .filter((row) => isClaimable(row, now))
          .map((row) => {
            const claimed = leaseWork(row, randomUUID(), now, leaseMs);
            save(claimed);
            return pickFields(WORK_ITEM_FIELDS, claimed);
          }),
      );
    },
    async complete(item, now) {
      return settle(item, (row) => completeWork(row, now));
    },
    async retry(item, now, nextAttemptAt, error, callEndedAt) {
      return settle(item, (row) => retryWork(row, now, nextAttemptAt, error, callEndedAt));
    },
    async kill(item, now, reason) {
      return settle(item, (row) => killWork(row, now, reason));
    },
    async stats(now): Promise<InboxStats> {
      const byState: Record<WorkState, number> = { pending: 0, leased: 0, done: 0, dead: 0 };
      for (const row of db.sql('SELECT state, COUNT(*) AS n FROM work_items GROUP BY state').all() as Row[]) {
        byState[row.state as WorkState] = Number(row.n);
      }
      const oldest = db.sql(`SELECT MIN(enqueued_at) AS t FROM work_items WHERE state IN ('pending', 'leased')`).get() as Row;
      return { byState, oldestPendingAgeMs: oldest.t === null ? null : Math.max(0, now - Number(oldest.t)) };
    },
    async listDead(limit) {
      const rows = db.sql(`SELECT * FROM work_items WHERE state = 'dead' ORDER BY updated_at DESC LIMIT ?`).all(limit) as Row[];
      return rows.map((row) => pickFields(WORK_ITEM_FIELDS, WORK_ITEMS.fromRow(row)));
    },
    async get(tenantId, callId) {
      const row = read(tenantId, callId);
      return row ? pickFields(WORK_ITEM_FIELDS, row) : undefined;
    },
  };
}
