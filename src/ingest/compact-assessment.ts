import { asObject, compactReport, compactStreamPositions, type CallQualityReport } from '../quality';

/**
 * The report and the cards' summary as a report row keeps them: the report compact (counts per
 * kind and class, every poor stream, the first few others; see `compactReport`) and the summary's
 * streams cut to the same positions, so the two stay aligned stream by stream as the cards read
 * them. A big meeting's row then grows with its poor streams, not with all of them (a 6,000-session
 * meeting's was 14 MB of JSON). A summary whose streams do not follow the report's is kept whole.
 * A report already compact (`streamCounts` set: the worker's `CallScorer` made it so, its summary
 * cut alike) is returned as it is, with its summary.
 */
export function compactAssessment(report: CallQualityReport, summary: unknown): { report: CallQualityReport; summary: unknown } {
  if (report.streamCounts) return { report, summary };
  const positions = compactStreamPositions(report.streams);
  const compact = compactReport(report, positions);
  const fields = asObject(summary);
  const streams = fields?.streams;
  if (!fields || !Array.isArray(streams) || streams.length !== report.streams.length) return { report: compact, summary };
  return { report: compact, summary: { ...fields, streams: positions.map((position) => streams[position]) } };
}
