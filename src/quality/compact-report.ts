import type { CallQualityReport, Classification, StreamKind, StreamVerdict } from './report';

/** How many streams of one kind were of each class. */
export type ClassCounts = Record<Classification, number>;

/** Streams per kind and class; `other` holds the streams of no scored kind (data, unknown labels). */
export type StreamCounts = Record<StreamKind | 'other', ClassCounts>;

/**
 * How many streams a compact report keeps whatever their class, from the start of the record: as
 * many as the largest alert card's Details table shows (40), so that card reads the same from a
 * compact report as from the whole one.
 */
export const STREAMS_KEPT_OF_ANY_CLASS = 40;

/**
 * The streams per kind and class of a report: its `streamCounts` when it is compact (its `streams`
 * are then only some of them), else counted from its `streams`.
 */
export function streamCountsOf(report: Pick<CallQualityReport, 'streams' | 'streamCounts'>): StreamCounts {
  if (report.streamCounts) return report.streamCounts;
  const counts = emptyCounts();
  for (const stream of report.streams ?? []) counts[stream.kind ?? 'other'][stream.classification] += 1;
  return counts;
}

/**
 * The totals the cards show, over every kind: poor streams, judged ones (poor or good) and scored
 * ones (of a kind, whatever their class).
 */
export function streamTotalsOf(report: Pick<CallQualityReport, 'streams' | 'streamCounts'>): { poor: number; judged: number; scored: number } {
  const counts = streamCountsOf(report);
  let poor = 0;
  let judged = 0;
  let scored = 0;
  for (const kind of ['audio', 'video', 'vbss'] as const) {
    const { poor: bad, good, unclassified } = counts[kind];
    poor += bad;
    judged += bad + good;
    scored += bad + good + unclassified;
  }
  return { poor, judged, scored };
}

/**
 * Which streams a compact report keeps, asked stream by stream in record order (across pages, for
 * `CallScorer`): every poor stream and the first `keepFirst` ({@link STREAMS_KEPT_OF_ANY_CLASS})
 * scored ones (of a kind) of any class. The one place that rule is written.
 */
export class CompactStreamRule {
  private scored = 0;

  constructor(private readonly keepFirst = STREAMS_KEPT_OF_ANY_CLASS) {}

  /** Whether the next stream of the record is kept. */
  keeps(stream: Pick<StreamVerdict, 'classification' | 'kind'>): boolean {
    const early = stream.kind !== null && this.scored++ < this.keepFirst;
    return early || stream.classification === 'poor';
  }
}

/**
 * The positions of the streams a compact report keeps, in record order ({@link CompactStreamRule}).
 * Whatever else sits beside the report stream by stream (the cards' summary) keeps the same
 * positions, so the two stay aligned.
 */
export function compactStreamPositions(streams: readonly Pick<StreamVerdict, 'classification' | 'kind'>[], keepFirst = STREAMS_KEPT_OF_ANY_CLASS): number[] {
  const rule = new CompactStreamRule(keepFirst);
  const positions: number[] = [];
  streams.forEach((stream, index) => {
    if (rule.keeps(stream)) positions.push(index);
  });
  return positions;
}

/**
 * The report as it is stored: the counts per kind and class of all its streams, and only the
 * streams at `positions` (see {@link compactStreamPositions}). Every verdict, the call's quality,
 * `alert`, ratings and failures are unchanged. A report already compact is returned as it is.
 */
export function compactReport(report: CallQualityReport, positions: readonly number[] = compactStreamPositions(report.streams)): CallQualityReport {
  if (report.streamCounts) return report;
  return { ...report, streams: positions.map((position) => report.streams[position]!), streamCounts: streamCountsOf(report) };
}

/** No streams of any kind or class, to count into. */
export function emptyCounts(): StreamCounts {
  const none = (): ClassCounts => ({ poor: 0, good: 0, unclassified: 0 });
  return { audio: none(), video: none(), vbss: none(), other: none() };
}
