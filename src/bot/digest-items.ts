import { digestItemOf as digestItemFromReport, type CallSummary, type DigestItem } from '../alerts';
import type { CallQualityReport, PoorStreamReason } from '../quality';
import type { StoredReport } from '../store';

/** The report and summary of a stored report, typed (the store keeps them as JSON). */
export function scoredCallOf(stored: StoredReport): { report: CallQualityReport; summary: CallSummary } {
  return { report: stored.report as CallQualityReport, summary: stored.summary as CallSummary };
}

/** How far past its threshold a reason is (1 = at the threshold), to pick the worst. */
function severity(reason: PoorStreamReason): number {
  if (reason.comparison === '>') return reason.threshold > 0 ? reason.value / reason.threshold : reason.value + 1;
  return reason.value > 0 ? reason.threshold / reason.value : reason.threshold + 1;
}

/** The reason furthest past its threshold in a report, or undefined when no stream was poor. */
export function worstReasonOf(report: CallQualityReport): PoorStreamReason | undefined {
  let worst: PoorStreamReason | undefined;
  for (const stream of report.streams ?? []) {
    for (const reason of stream.reasons ?? []) {
      if (!worst || severity(reason) > severity(worst)) worst = reason;
    }
  }
  return worst;
}

/** One line of a digest or of the `recent` list for a stored report. */
export function digestItemOf(stored: StoredReport): DigestItem {
  const { report, summary } = scoredCallOf(stored);
  return { ...digestItemFromReport(report, summary), callId: stored.callId };
}

/** Orders calls worst first: poor before the rest, then by how far the worst metric went, then newest. */
export function worstFirst(reports: readonly StoredReport[]): StoredReport[] {
  const score = (stored: StoredReport): number => {
    const report = stored.report as CallQualityReport;
    const worst = worstReasonOf(report);
    return (report.quality === 'poor' ? 1_000_000 : 0) + (worst ? severity(worst) : 0);
  };
  return [...reports].sort((a, b) => score(b) - score(a) || (b.startedAt ?? 0) - (a.startedAt ?? 0));
}
