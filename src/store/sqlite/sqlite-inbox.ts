import { completeWork, enqueueChange, killWork, leaseWork, newWorkRow, retryWork } from '../inbox-rules';
import { pickFields, WORK_ITEM_FIELDS, WORK_ROW_FIELDS } from '../record-fields';
import type { ClaimHints } from '../claim-hints';
import type { PreviousReport } from '../record-fields';
import type { Inbox, InboxStats, WorkItem, WorkState } from '../types';
import type { SqliteDatabase } from './sqlite-database';
import { pruneDoneWork } from './inbox-pruning';
import { SqliteLeases } from './sqlite-leases';
import { SqliteRecords, type Row } from './sqlite-rows';

const WORK_ITEMS = new SqliteRecords('work_items', WORK_ROW_FIELDS, ['tenantId', 'callId']);
/** A new call's row in one statement; a call the inbox has seen is left for the read-and-update path. */
const CREATE_WORK = WORK_ITEMS.insertSql({ orIgnore: true });

/** The SQLite inbox, with `complete` also as a synchronous step for a transaction that writes more. */
export type SqliteInbox = Inbox & { completeNow(item: WorkItem, now: number): boolean; claimNow(now: number, limit: number, leaseMs: number): WorkItem[] };

/**
 * The inbox on SQLite: one row per tenant and call. Every change reads the row, applies the
 * inbox rule (`inbox-rules.ts`) and writes it back inside one transaction, so a crash leaves
 * each change whole or absent and no other process writes in between.
 */
export function createSqliteInbox(db: SqliteDatabase, reportHints?: ClaimHints<PreviousReport | undefined>): SqliteInbox {
  // A notification during a lease sets `requeue` (and `updatedAt`): completing must then make the item pending again.
  // The claim reads each call's report row too, so the worker's look at it costs no statement of its own.
  const rows = new SqliteLeases(db, WORK_ITEMS, 'nextAttemptAt', ['requeue', 'updatedAt'], {
    join: 'LEFT JOIN reports AS r ON r.tenant_id = work_items.tenant_id AND r.call_id = work_items.call_id',
    columns: 'r.version AS report_version, r.alert AS report_alert',
  });
  const seen = (row: WorkItem, read: Row) =>
    reportHints?.remember(row.tenantId, row.callId, read.report_version === null ? undefined : { version: Number(read.report_version), alert: Number(read.report_alert) === 1 });
  const claimNow = (now: number, limit: number, leaseMs: number): WorkItem[] =>
    rows.claim(now, limit, (row, token) => leaseWork(row, token, now, leaseMs), seen).map((row) => pickFields(WORK_ITEM_FIELDS, row));
  return {
    async enqueue(requests, now, options = {}) {
      return db.transaction(() => {
        let due = 0;
        for (const request of requests) {
          // Most notifications bring a call never seen: one INSERT, no read. With `onlyIfUnseen`
          // (the sweep) a seen call is left alone, so the ignored insert is all there is to do.
          if (Number(db.sql(CREATE_WORK).run(...WORK_ITEMS.values(newWorkRow(request, now))).changes) === 1) {
            due += 1;
            continue;
          }
          if (options.onlyIfUnseen === true) continue;
          const change = enqueueChange(rows.read(request), request, now, false);
          if (change.kind === 'unchanged') continue;
          if (change.kind === 'create') rows.insert(change.row);
          else rows.update(change.row);
          if (change.kind === 'create' || change.becameDue) due += 1;
        }
        return due;
      });
    },
    claimNow,
    async claim(now, limit, leaseMs) {
      return claimNow(now, limit, leaseMs);
    },
    completeNow: (item, now) => rows.settle(item, (row) => completeWork(row, now)),
    async complete(item, now) {
      return rows.settle(item, (row) => completeWork(row, now));
    },
    async retry(item, now, nextAttemptAt, error, callEndedAt) {
      return rows.settle(item, (row) => retryWork(row, now, nextAttemptAt, error, callEndedAt));
    },
    async kill(item, now, reason) {
      return rows.settle(item, (row) => killWork(row, now, reason));
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
      const dead = db.sql(`SELECT * FROM work_items WHERE state = 'dead' ORDER BY updated_at DESC LIMIT ?`).all(limit) as Row[];
      return dead.map((row) => pickFields(WORK_ITEM_FIELDS, WORK_ITEMS.fromRow(row)));
    },
    async prune(before) {
      return pruneDoneWork(db, before);
    },
    async get(tenantId, callId) {
      const row = rows.read({ tenantId, callId });
      return row ? pickFields(WORK_ITEM_FIELDS, row) : undefined;
    },
  };
}
