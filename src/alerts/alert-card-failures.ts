import type { CallQualityReport } from '../quality';
import { failuresOf } from './alert-decision';
import { mismatchLine, mismatchOf } from './call-mismatch';
import { count, plural } from './card-text';
import { failureSentence } from './failure-words';

/** What the alert template binds for the failed sessions and the mismatch line. */
export interface FailureCardData {
  hasFailures: boolean;
  failuresHeading: string;
  failureRows: { text: string }[];
  hasFailuresMore: boolean;
  failuresMore: string;
  hasMismatch: boolean;
  mismatchText: string;
}

/**
 * The failures section (one sentence per failed session, at most `limit`, then "…and N more") and
 * the mismatch line of an alert card. Pure.
 */
export function failureCardData(report: CallQualityReport, limit: number): FailureCardData {
  const failures = failuresOf(report);
  const shown = failures.slice(0, limit);
  const mismatch = mismatchOf(report.quality, report.feedback.map((entry) => entry.rating));
  return {
    hasFailures: shown.length > 0,
    failuresHeading: `What failed (${count(failures.length)})`,
    failureRows: shown.map((failure) => ({ text: failureSentence(failure) })),
    hasFailuresMore: failures.length > shown.length,
    failuresMore: `…and ${plural(failures.length - shown.length, 'more failed session')}.`,
    hasMismatch: mismatch !== null,
    mismatchText: mismatch === null ? '' : mismatchLine(mismatch),
  };
}
