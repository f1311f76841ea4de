import type { CallFailure, CallQualityReport } from '../quality';

/** `ALERT_FAILURES`: whether a call whose sessions failed (set-up failures, drops) gets an alert of its own. */
export interface FailureAlertPolicy {
  failures: boolean;
}

/** The failed sessions of a report; none for a report stored before failures were read. */
export function failuresOf(report: Pick<CallQualityReport, 'failures'>): readonly CallFailure[] {
  return report.failures ?? [];
}

/**
 * Whether a card is due for a version of a call: the engine's `alert` (poor quality, or a rating in
 * `ALERT_RATINGS`), or a failed session when `ALERT_FAILURES` is on. `alert` keeps its meaning in the
 * report and the `score` CLI; this is the decision the worker records and the delivery acts on.
 */
export function alertDue(report: Pick<CallQualityReport, 'alert' | 'failures'>, policy: FailureAlertPolicy): boolean {
  return report.alert || (policy.failures && failuresOf(report).length > 0);
}
