import type { WorkState } from './types';

/** What every leased record has: inbox work items and alert jobs. */
export interface Leasable {
  state: WorkState;
  attempts: number;
  nextAttemptAt: number;
  leaseToken: string | null;
  leaseUntil: number | null;
}

/**
 * The lease rules both engines apply to work items and alert jobs, so they cannot drift: a
 * record is claimable when it is pending and due, or leased with a lease that has run out (its
 * holder crashed or stalled); only the holder of the current lease may settle it.
 */
export function isClaimable(record: Leasable, now: number): boolean {
  if (record.state === 'pending') return record.nextAttemptAt <= now;
  return record.state === 'leased' && record.leaseUntil !== null && record.leaseUntil <= now;
}

/** Whether `token` is the current lease of a leased record (a lost or settled lease is not). */
export function holdsLease(record: Leasable, token: string | null): boolean {
  return token !== null && record.state === 'leased' && record.leaseToken === token;
}

/** The record leased to a new holder until `now + leaseMs`; each claim counts as an attempt. */
export function leased<R extends Leasable>(record: R, token: string, now: number, leaseMs: number): R {
  return { ...record, state: 'leased', attempts: record.attempts + 1, leaseToken: token, leaseUntil: now + leaseMs };
}

/** The record with its lease dropped (what every settling starts from). */
export function released<R extends Leasable>(record: R): R {
  return { ...record, leaseToken: null, leaseUntil: null };
}
