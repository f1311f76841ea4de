import { leased, released } from './lease-rules';
import type { WorkRow } from './record-fields';
import type { EnqueueRequest } from './types';

/**
 * The inbox rules, written once and applied by both engines: what an enqueue does to each
 * state, and how a lease ends. Each rule takes a row and returns the next one; the engine reads
 * and writes it (SQLite in one transaction, Azure under the row's ETag). Rows may carry the
 * engine's own fields (Azure's queue message), which pass through unchanged.
 */

/** A call the inbox has never seen: pending and due now. */
export function newWorkRow(request: EnqueueRequest, now: number): WorkRow {
  return {
    tenantId: request.tenantId,
    callId: request.callId,
    state: 'pending',
    source: request.source,
    attempts: 0,
    nextAttemptAt: now,
    leaseToken: null,
    leaseUntil: null,
    enqueuedAt: now,
    updatedAt: now,
    lastError: null,
    callEndedAt: null,
    requeue: false,
  };
}

/** What one enqueue request does to the row of its call. */
export type EnqueueChange<R extends WorkRow> =
  /** Nothing to write. */
  | { kind: 'unchanged' }
  /** A new row, due now. */
  | { kind: 'create'; row: WorkRow }
  /** The row as it must be written; `becameDue` when a done or dead call was revived. */
  | { kind: 'update'; row: R; becameDue: boolean };

/**
 * Applies one request: a new call is created; with `onlyIfUnseen` (the reconciliation sweep) a
 * known call is left alone; a pending call waiting out a back-off becomes due now (a fresh
 * notification means the record is likely there now); a leased call is processed again after
 * its lease (a newer version may have arrived); a done or dead call is revived, its attempts
 * and error reset.
 */
export function enqueueChange<R extends WorkRow>(existing: R | undefined, request: EnqueueRequest, now: number, onlyIfUnseen: boolean): EnqueueChange<R> {
  if (existing === undefined) return { kind: 'create', row: newWorkRow(request, now) };
  if (onlyIfUnseen) return { kind: 'unchanged' };
  switch (existing.state) {
    case 'pending':
      if (existing.nextAttemptAt <= now) return { kind: 'unchanged' };
      return { kind: 'update', row: { ...existing, nextAttemptAt: now, updatedAt: now }, becameDue: false };
    case 'leased':
      if (existing.requeue) return { kind: 'unchanged' };
      return { kind: 'update', row: { ...existing, requeue: true, updatedAt: now }, becameDue: false };
    case 'done':
    case 'dead':
      return {
        kind: 'update',
        row: {
          ...released(existing),
          state: 'pending',
          source: request.source,
          attempts: 0,
          nextAttemptAt: now,
          enqueuedAt: now,
          updatedAt: now,
          lastError: null,
          requeue: false,
        },
        becameDue: true,
      };
  }
}

/** A claim of a claimable row (see `isClaimable`). */
export function leaseWork<R extends WorkRow>(row: R, token: string, now: number, leaseMs: number): R {
  return { ...leased(row, token, now, leaseMs), updatedAt: now };
}

/** The lease ended and the item is due again now, because a notification arrived during it. */
function requeued<R extends WorkRow>(row: R, now: number, lastError: string | null): R {
  return { ...released(row), state: 'pending', attempts: 0, nextAttemptAt: now, lastError, requeue: false, updatedAt: now };
}

/** Done; or pending again when a notification arrived during the lease. */
export function completeWork<R extends WorkRow>(row: R, now: number): R {
  if (row.requeue) return requeued(row, now, null);
  return { ...released(row), state: 'done', nextAttemptAt: now, lastError: null, requeue: false, updatedAt: now };
}

/**
 * Pending again at `nextAttemptAt`, keeping the attempts so far, the error, and the call's end
 * time once known (it decides how long a 404 is retried). A notification during the lease is
 * covered by the retry itself.
 */
export function retryWork<R extends WorkRow>(row: R, now: number, nextAttemptAt: number, error: string, callEndedAt?: number | null): R {
  return {
    ...released(row),
    state: 'pending',
    nextAttemptAt,
    lastError: error,
    callEndedAt: callEndedAt ?? row.callEndedAt,
    requeue: false,
    updatedAt: now,
  };
}

/** Like {@link retryWork}, but the attempt this lease counted is given back (the tenant failed, not the call). */
export function postponeWork<R extends WorkRow>(row: R, now: number, nextAttemptAt: number, reason: string): R {
  return { ...retryWork(row, now, nextAttemptAt, reason), attempts: Math.max(0, row.attempts - 1) };
}

/** Dead with the reason; or pending again when a notification arrived while it was being given up. */
export function killWork<R extends WorkRow>(row: R, now: number, reason: string): R {
  if (row.requeue) return requeued(row, now, reason);
  return { ...released(row), state: 'dead', nextAttemptAt: now, lastError: reason, requeue: false, updatedAt: now };
}
