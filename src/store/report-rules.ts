import { released } from './lease-rules';
import type { PreviousReport } from './record-fields';
import type { AlertJob, RecordReportResult, StoredReport } from './types';

/**
 * The report-version and alert-job rules, written once and applied by both engines.
 */

/**
 * Refuses a version that is not a non-negative safe integer before anything is read or written:
 * versions are compared to decide which report is newest, so a fraction, NaN or negative number
 * would silently break that order.
 */
export function assertReportVersion(entry: Pick<StoredReport, 'version' | 'callId'>): void {
  if (!Number.isSafeInteger(entry.version) || entry.version < 0) {
    throw new RangeError(
      `The report version ${entry.version} of call ${entry.callId} is not a whole number of zero or more; record the call record's version as Graph gives it.`,
    );
  }
}

/**
 * Whether a report is kept, and whether it queues an alert job: only a version newer than the
 * one processed is kept; it queues a job when asked to, when the newest earlier report alerted (a
 * card was due for it, so the delivery must update what it sent), or when that earlier version had
 * a job itself (its cards are still out, so every later version keeps them current, alerting or
 * not). Pass `previousHadJob` when {@link needsPreviousJob} says it matters.
 */
export function recordDecision(previous: PreviousReport | undefined, entry: StoredReport, queueAlert: boolean, previousHadJob = false): RecordReportResult {
  const previousVersion = previous?.version ?? null;
  if (previousVersion !== null && previousVersion >= entry.version) return { accepted: false, previousVersion, alertQueued: false };
  return { accepted: true, previousVersion, alertQueued: queueAlert || previous?.alert === true || previousHadJob };
}

/**
 * Whether {@link recordDecision} needs to know if the previous version had an alert job: only when
 * the new version would be kept and nothing else queues one. Engines read it (one point read of the
 * previous version's job) only then.
 */
export function needsPreviousJob(previous: PreviousReport | undefined, entry: StoredReport, queueAlert: boolean): previous is PreviousReport {
  return previous !== undefined && previous.version < entry.version && !queueAlert && previous.alert !== true;
}

/** The alert job a kept report queues: pending from the time it was processed. */
export function newAlertJob(entry: StoredReport): AlertJob {
  return {
    tenantId: entry.tenantId,
    callId: entry.callId,
    version: entry.version,
    state: 'pending',
    attempts: 0,
    nextAttemptAt: entry.processedAt,
    leaseToken: null,
    leaseUntil: null,
    createdAt: entry.processedAt,
    lastError: null,
  };
}

/** The card went out (or was updated). */
export function completeAlertJob<R extends AlertJob>(job: R): R {
  return { ...released(job), state: 'done', lastError: null };
}

/** Delivered again at `nextAttemptAt` (Teams throttled or failed for now). */
export function retryAlertJob<R extends AlertJob>(job: R, nextAttemptAt: number, error: string): R {
  return { ...released(job), state: 'pending', nextAttemptAt, lastError: error };
}

/** Given up, with the reason. */
export function killAlertJob<R extends AlertJob>(job: R, reason: string): R {
  return { ...released(job), state: 'dead', lastError: reason };
}
