import { asNumber, asObject, asTime, type CallQualityReport } from '../quality';
import type { StoredReport } from '../store';
import { compactAssessment } from './compact-assessment';

/**
 * The stored report of one scored version of a call record: the engine's report, the cards'
 * summary, and the times and version read from the record. The inbox worker records every call
 * through this, so anything else that records a call (a test harness, a tool) stores the same shape.
 * `alert` is the decision taken for this version (`alertDue`: the report's `alert`, or a failure
 * under `ALERT_FAILURES`); the report's own `alert` when not given. The report and summary are kept
 * compact (`compactAssessment`; a report already compact, as the worker's is, as it is): a big
 * meeting's row holds its poor streams, not every stream. How a row packs them (columns, one gzip,
 * so that a 6,000-session meeting's row stays under 1 MB) is each store engine's business.
 */
export function storedReportOf(
  call: { tenantId: string; callId: string },
  record: unknown,
  report: CallQualityReport,
  summary: unknown,
  processedAt: number,
  alert: boolean = report.alert,
): StoredReport {
  const fields = asObject(record) ?? {};
  const compact = compactAssessment(report, summary);
  return {
    tenantId: call.tenantId,
    callId: call.callId,
    version: recordVersionOf(record),
    report: compact.report,
    summary: compact.summary,
    quality: report.quality,
    alert,
    startedAt: asTime(fields.startDateTime),
    endedAt: asTime(fields.endDateTime),
    processedAt,
  };
}

/** The version of a call record (0 when it has none). */
export function recordVersionOf(record: unknown): number {
  return asNumber(asObject(record)?.version) ?? 0;
}
