import type { CallQualityReport, PoorStreamReason } from '../quality';
import { reasonSeverity } from './poor-reason-words';
import { failuresOf } from './alert-decision';

/** The reason furthest past its threshold in a report, or undefined when no stream was poor. */
export function worstReasonOf(report: CallQualityReport): PoorStreamReason | undefined {
  let worst: PoorStreamReason | undefined;
  for (const stream of report.streams ?? []) {
    if (stream.classification !== 'poor') continue;
    for (const reason of stream.reasons ?? []) {
      if (!worst || reasonSeverity(reason) > reasonSeverity(worst)) worst = reason;
    }
  }
  return worst;
}

/** What ranking a call needs: its report and when it started (epoch ms, null when unknown). */
export interface RankedCall {
  report: CallQualityReport;
  startedAt: number | null;
}

/**
 * Orders calls worst first: poor or failed (a session that could not be set up or dropped) before
 * the rest, then by how far the worst metric went past its threshold, then newest first. Returns a new array.
 */
export function worstFirst<T extends RankedCall>(calls: readonly T[]): T[] {
  const score = (call: T): number => {
    const worst = worstReasonOf(call.report);
    return (call.report.quality === 'poor' || failuresOf(call.report).length > 0 ? 1 : 0) * 1e9 + Math.min(worst ? reasonSeverity(worst) : 0, 1e8);
  };
  return [...calls].sort((a, b) => score(b) - score(a) || (b.startedAt ?? 0) - (a.startedAt ?? 0));
}
