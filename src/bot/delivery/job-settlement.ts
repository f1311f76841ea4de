import type { Logger } from '../../logger';
import type { Store } from '../../store';
import { backoffDelay } from '../send-retry';
import type { CallToDeliver } from './call-claims';

/** What a call's deliveries came to, for settling its jobs. */
export interface CallResult {
  /** Why something failed and must be retried (empty when nothing failed). */
  failures: string[];
  /** When cards put off for a spent budget can go (empty when none was put off). */
  deferredUntil: number[];
}

/** How jobs are settled. */
export interface SettlementOptions {
  store: Store;
  logger: Logger;
  /** A job failing this many times is given up (listed as dead). Deferrals for the send budget do not count. */
  maxAttempts: number;
  random: () => number;
}

/**
 * Settles a call's alert jobs from what its deliveries came to: done when every card was delivered,
 * folded into a delivered digest, or found undeliverable for good; retried with back-off after a
 * failure (given up after `maxAttempts`); retried when the budget frees up after a deferral.
 * Resolves to the counts.
 */
export async function settleCall(
  call: CallToDeliver,
  result: CallResult,
  now: number,
  options: SettlementOptions,
): Promise<{ completed: number; retried: number; killed: number }> {
  const { store, logger } = options;
  const counts = { completed: 0, retried: 0, killed: 0 };
  const [failure] = result.failures;
  for (const job of call.jobs) {
    if (failure !== undefined) {
      if (job.attempts >= options.maxAttempts) {
        if (await store.reports.killAlertJob(job, now, `Gave up after ${job.attempts} tries: ${failure}`)) counts.killed++;
        logger.error({ tenantId: job.tenantId, callId: job.callId, err: failure }, 'alert given up');
        continue;
      }
      const delay = Math.min(15 * 60_000, backoffDelay(job.attempts, undefined, { baseDelayMs: 2_000, random: options.random }));
      if (await store.reports.retryAlertJob(job, now, Math.max(now + delay, ...result.deferredUntil), failure)) counts.retried++;
    } else if (result.deferredUntil.length > 0) {
      const reason = "Waiting for the conversation's send budget (Teams rate limits).";
      if (await store.reports.retryAlertJob(job, now, Math.max(...result.deferredUntil), reason)) counts.retried++;
    } else if (await store.reports.completeAlertJob(job, now)) {
      counts.completed++;
    }
  }
  return counts;
}
