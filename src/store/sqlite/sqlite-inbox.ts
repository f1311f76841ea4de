import { completeWork, enqueueChange, killWork, leaseWork, newWorkRow, postponeWork, retryWork } from '../inbox-rules';
import { pickFields, WORK_ITEM_FIELDS, WORK_ROW_FIELDS } from '../record-fields';
import type { ClaimedItem, EnqueueRequest, Inbox, InboxStats, WorkItem, WorkState } from '../types';
import { FOLD_BATCH, InboxArrivals } from './inbox-arrivals';
import type { SqliteDatabase } from './sqlite-database';
import { pruneDoneWork } from './inbox-pruning';
import { SqliteLeases } from './sqlite-leases';
import { processedReportOf } from './sqlite-report-store';
import { SqliteRecords, type Row } from './sqlite-rows';

const WORK_ITEMS = new SqliteRecords('work_items', WORK_ROW_FIELDS, ['tenantId', 'callId']);
/** A new call's row in one statement; a call the inbox has seen is left for the read-and-update path. */
const CREATE_WORK = WORK_ITEMS.insertSql({ orIgnore: true });

/** The SQLite inbox, with `complete` also as a synchronous step for a transaction that writes more. */
export type SqliteInbox = Inbox & { completeNow(item: WorkItem, now: number): boolean; claimNow(now: number, limit: number, leaseMs: number): ClaimedItem[] };

/**
 * The inbox on SQLite: one row per tenant and call. Every change reads the row, applies the
 * inbox rule (`inbox-rules.ts`) and writes it back inside one transaction, so a crash leaves
 * each change whole or absent and no other process writes in between.
 */
export function createSqliteInbox(
  db: SqliteDatabase,
  hooks: { onJournal?: () => void } = {},
): SqliteInbox {
  // A notification during a lease sets `requeue` (and `updatedAt`): completing must then make the item pending again.
  // The claim reads each call's report row too, so the worker's look at it costs no statement of its own.
  const rows = new SqliteLeases(db, WORK_ITEMS, 'nextAttemptAt', ['requeue', 'updatedAt'], {
    join: 'LEFT JOIN reports AS r ON r.tenant_id = work_items.tenant_id AND r.call_id = work_items.call_id',
    columns: 'r.version AS report_version, r.alert AS report_alert',
  });
  const handOut = (row: WorkItem, read: Row): ClaimedItem => ({
    ...pickFields(WORK_ITEM_FIELDS, row),
    report: processedReportOf(row.tenantId, row.callId, read.report_version === null ? undefined : { version: Number(read.report_version), alert: Number(read.report_alert) === 1 }),
  });
  const arrivals = new InboxArrivals(db);
  /**
   * Whether the journal may hold requests: only this process appends to it (the webhook), so
   * once a fold found it empty nothing is read until the next append. Unknown at open.
   */
  let journaled = true;
  /** Journal appends by this process: tells a call whether requests came after its own place in the journal. */
  let appends = 0;
  // A fold rolled back (with the claim, or with another call of a group commit) left its requests in the journal.
  db.onRollback(() => {
    journaled = true;
  });

  /** Applies requests to their rows (in the caller's transaction); returns how many items became due. */
  const apply = (requests: readonly EnqueueRequest[], now: number, onlyIfUnseen: boolean): number => {
    let due = 0;
    for (const request of requests) {
      // Most notifications bring a call never seen: one INSERT, no read. With `onlyIfUnseen`
      // (the sweep) a seen call is left alone, so the ignored insert is all there is to do.
      if (Number(db.sql(CREATE_WORK).run(...WORK_ITEMS.values(newWorkRow(request, now))).changes) === 1) {
        due += 1;
        continue;
      }
      if (onlyIfUnseen) continue;
      const change = enqueueChange(rows.read(request), request, now, false);
      if (change.kind === 'unchanged') continue;
      if (change.kind === 'create') rows.insert(change.row);
      else rows.update(change.row);
      if (change.kind === 'create' || change.becameDue) due += 1;
    }
    return due;
  };

  /** Applies journaled requests, at most `batches` folds of them, in the caller's transaction (see {@link InboxArrivals}). */
  const foldJournal = (batches: number): void => {
    for (let batch = 0; journaled && batch < batches; batch += 1) {
      if (arrivals.fold((request, arrivedAt) => apply([request], arrivedAt, false)) < FOLD_BATCH) journaled = false;
    }
  };
  /**
   * Runs `work` once the journal, as it was when the call began, was applied: a batch per
   * transaction, letting the event loop run between them so that a burst's backlog never holds it
   * for long. Requests appended meanwhile are left for later calls (they arrived after the call),
   * so a burst that never pauses cannot keep a call folding forever: it folds at most as many
   * batches as the journal's span at the call holds.
   */
  const current = async <T>(work: () => T): Promise<T> => {
    const appendsAtCall = appends;
    let span: { oldest: number; newest: number } | undefined;
    let batches = 0;
    while (journaled) {
      const drained = db.transaction(() => {
        if (batches === 0) span = arrivals.span();
        return span === undefined || arrivals.fold((request, arrivedAt) => apply([request], arrivedAt, false), FOLD_BATCH, span.newest) < FOLD_BATCH;
      });
      batches += 1;
      if (drained) {
        // Nothing left up to the call's place: nothing at all unless this process appended since.
        if (appends === appendsAtCall) journaled = false;
        break;
      }
      // A claim may have emptied the journal meanwhile and new requests taken old places: stop after the span's batches.
      if (batches * FOLD_BATCH >= span!.newest - span!.oldest + 1) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    return work();
  };
  /**
   * Claims due items: one fold of the journal first, in the same transaction (a burst's backlog is
   * applied a batch per claim). Joins the caller's transaction when there is one (settle and take the next).
   */
  const claimNow = (now: number, limit: number, leaseMs: number): ClaimedItem[] =>
    db.transaction(() => {
      foldJournal(1);
      return rows.claim(now, limit, (row, token) => leaseWork(row, token, now, leaseMs), handOut);
    });
  return {
    async enqueue(requests, now, options = {}) {
      if (options.journal === true && options.onlyIfUnseen !== true) {
        arrivals.append(requests, now);
        appends += 1;
        journaled = true;
        hooks.onJournal?.();
        return requests.length;
      }
      // Journaled notifications first, so that requests are applied in the order they came.
      return current(() => db.transaction(() => apply(requests, now, options.onlyIfUnseen === true)));
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
    async postpone(item, now, nextAttemptAt, reason) {
      return rows.settle(item, (row) => postponeWork(row, now, nextAttemptAt, reason));
    },
    async kill(item, now, reason) {
      return rows.settle(item, (row) => killWork(row, now, reason));
    },
    async stats(now): Promise<InboxStats> {
      return current(() => countStates(db, now));
    },
    async listDead(limit) {
      const dead = await current(() => db.sql(`SELECT * FROM work_items WHERE state = 'dead' ORDER BY updated_at DESC LIMIT ?`).all(limit) as Row[]);
      return dead.map((row) => pickFields(WORK_ITEM_FIELDS, WORK_ITEMS.fromRow(row)));
    },
    async prune(before) {
      await current(() => undefined);
      return pruneDoneWork(db, before);
    },
    async get(tenantId, callId) {
      const row = await current(() => rows.read({ tenantId, callId }));
      return row ? pickFields(WORK_ITEM_FIELDS, row) : undefined;
    },
  };
}

/** The counts for `/healthz` and the `inbox` command. */
function countStates(db: SqliteDatabase, now: number): InboxStats {
  const byState: Record<WorkState, number> = { pending: 0, leased: 0, done: 0, dead: 0 };
  for (const row of db.sql('SELECT state, COUNT(*) AS n FROM work_items GROUP BY state').all() as Row[]) {
    byState[row.state as WorkState] = Number(row.n);
  }
  const oldest = db.sql(`SELECT MIN(enqueued_at) AS t FROM work_items WHERE state IN ('pending', 'leased')`).get() as Row;
  return { byState, oldestPendingAgeMs: oldest.t === null ? null : Math.max(0, now - Number(oldest.t)) };
}
