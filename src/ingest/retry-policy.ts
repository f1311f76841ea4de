import type { SourceFailure } from './call-record-source';

/** Graph keeps call records for 30 days. */
export const RECORD_RETENTION_MS = 30 * 24 * 60 * 60_000;
/** Newer delivery-latency pages say a record can take up to 150 minutes to appear. */
export const NOT_FOUND_GRACE_MS = 150 * 60_000;
/** Transient failures are retried this long before the item is given up (and listed as dead). */
export const TRANSIENT_GIVE_UP_MS = 24 * 60 * 60_000;

/** What to do with a work item after a failed fetch. */
export type RetryDecision = { action: 'retry'; at: number; reason: string } | { action: 'dead'; reason: string };

/**
 * When a record Graph answered 404 for is tried again, in milliseconds after the first notification.
 * Graph often answers 404 for a few seconds after notifying a call record, so the first 90 seconds
 * are dense (seconds apart: a record that appears then is fetched within 10 s of appearing), with at
 * most 8 tries in any 20 s: inside the per-record limit of 40 requests / 20 s, and inside the older
 * page's 10 / 20 s for the first page, with room for a `check` or a second instance. From 2 minutes
 * on, the tries are minutes apart as records can take up to 150 minutes; after the last, every
 * 15 minutes until {@link NOT_FOUND_GRACE_MS}.
 */
export const NOT_FOUND_SCHEDULE_MS: readonly number[] = [
  ...[1, 2, 4, 6, 9, 12, 16, 20, 25, 30, 40, 50, 60, 75, 90].map((seconds) => seconds * 1000),
  ...[2, 5, 10, 15, 20, 30, 45, 60, 75, 90, 105, 120, 135, 150, 165].map((minutes) => minutes * 60_000),
];
/** Tries of a 404 are never closer than this, whenever the worker got to the last one. */
const NOT_FOUND_MIN_GAP_MS = 1000;

export interface RetryContext {
  now: number;
  /** How many times the item has been claimed, this attempt included. */
  attempts: number;
  /** When the first notification for the call arrived. */
  enqueuedAt: number;
  /** When the call ended, when known. */
  callEndedAt: number | null;
  /** A number in [0, 1) for jitter (injected so the policy stays pure). */
  random: number;
}

/**
 * Decides between another try and giving up, from the failure and the item's history.
 * - 404: the record may not exist yet; retried on {@link NOT_FOUND_SCHEDULE_MS} (seconds apart
 *   at first, then minutes) until 150 minutes after the call ended (the first notification's time
 *   when the end is unknown), then dead. A call that ended more than 30 days ago is dead at once.
 * - 429, 5xx, timeouts, network errors: exponential back-off with jitter, honouring Retry-After,
 *   for up to 24 hours.
 * - Other statuses (401, 403: consent or configuration): retried slowly, since an admin can fix them.
 */
export function decideRetry(failure: SourceFailure, context: RetryContext): RetryDecision {
  const endedAt = context.callEndedAt ?? context.enqueuedAt;
  if (context.now - endedAt > RECORD_RETENTION_MS) {
    return { action: 'dead', reason: `The call ended more than 30 days ago and Graph no longer keeps its record (${failure.message}).` };
  }
  if (failure.status === 404) {
    if (context.now - endedAt >= NOT_FOUND_GRACE_MS) {
      return { action: 'dead', reason: `Graph still answered 404 Not Found ${Math.round((context.now - endedAt) / 60_000)} minutes after the call ended.` };
    }
    // Counted from the notification, not from this try: a worker that got here late skips the
    // tries it missed instead of pushing the whole schedule back.
    const due = NOT_FOUND_SCHEDULE_MS.map((offset) => context.enqueuedAt + offset).find((at) => at > context.now);
    const at = Math.max(Math.min(due ?? context.now + 15 * 60_000, endedAt + NOT_FOUND_GRACE_MS), context.now + NOT_FOUND_MIN_GAP_MS);
    return { action: 'retry', at, reason: `Not found yet (404); next try at ${new Date(at).toISOString()}.` };
  }
  if (context.now - context.enqueuedAt > TRANSIENT_GIVE_UP_MS) {
    return { action: 'dead', reason: `Gave up after 24 hours of failures; the last was: ${failure.message}` };
  }
  const transient = failure.status === undefined || failure.status === 429 || failure.status >= 500 || failure.status === 408;
  const base = transient ? 1_000 : 60_000;
  const cap = transient ? 10 * 60_000 : 60 * 60_000;
  const backoff = Math.min(cap, base * 2 ** Math.max(0, context.attempts - 1));
  // Full jitter on top of half the back-off, so that a burst of failures spreads out.
  const delay = Math.max(failure.retryAfterMs ?? 0, backoff / 2 + (backoff / 2) * context.random);
  return { action: 'retry', at: context.now + Math.round(delay), reason: failure.message };
}
