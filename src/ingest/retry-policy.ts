import type { SourceFailure } from './call-record-source';

/** Graph keeps call records for 30 days. */
export const RECORD_RETENTION_MS = 30 * 24 * 60 * 60_000;
/** Newer delivery-latency pages say a record can take up to 150 minutes to appear. */
export const NOT_FOUND_GRACE_MS = 150 * 60_000;
/** Transient failures are retried this long before the item is given up (and listed as dead). */
export const TRANSIENT_GIVE_UP_MS = 24 * 60 * 60_000;

/** What to do with a work item after a failed fetch. */
export type RetryDecision = { action: 'retry'; at: number; reason: string } | { action: 'dead'; reason: string };

/** The 404 schedule, in minutes after the first sighting: dense early, then every 15 minutes. */
const NOT_FOUND_SCHEDULE_MINUTES = [2, 5, 10, 15, 20, 30, 45, 60, 75, 90, 105, 120, 135, 150, 165];

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
 * - 404: the record may not exist yet; retried on a schedule until 150 minutes after the call
 *   ended (the first notification's time when the end is unknown), then dead. A call that ended
 *   more than 30 days ago is dead at once.
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
    const due = NOT_FOUND_SCHEDULE_MINUTES.map((minutes) => context.enqueuedAt + minutes * 60_000).find((at) => at > context.now);
    const at = Math.min(due ?? context.now + 15 * 60_000, endedAt + NOT_FOUND_GRACE_MS);
    return { action: 'retry', at: Math.max(at, context.now + 1000), reason: `Not found yet (404); next try at ${new Date(at).toISOString()}.` };
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
