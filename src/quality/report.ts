/**
 * The shapes the quality engine produces. They are a contract: the `score` CLI prints them as
 * JSON, the store keeps them and the alerts are built from them.
 */

/** The kinds of media stream CQD classifies. */
export type StreamKind = 'audio' | 'video' | 'vbss';

/** A verdict for one stream or for a whole call. */
export type Classification = 'poor' | 'good' | 'unclassified';

/** The name of a quality profile. */
export type ProfileName = 'cqd' | 'cqd-classic';

/** How a value is compared with its threshold. Comparisons are always strict. */
export type Comparison = '>' | '<';

/** One threshold a poor stream crossed. */
export interface PoorStreamReason {
  /** The Graph `mediaStream` property, e.g. `averageJitter`. */
  metric: string;
  /** The reported value, in the unit of the metric's catalogue entry (milliseconds for durations). */
  value: number;
  /** The threshold it was compared with, in the same unit. */
  threshold: number;
  /** The comparison that made it poor: `value comparison threshold` holds. */
  comparison: Comparison;
}

/** The verdict for one media stream of the record. */
export interface StreamVerdict {
  sessionId: string | null;
  segmentId: string | null;
  /** `media.label` as Graph spelled it, null when absent. */
  label: string | null;
  /** The kind that decided the rule, null when the stream is not scored (data, unknown labels). */
  kind: StreamKind | null;
  streamId: string | null;
  /** `streamDirection` as Graph spelled it, null when absent. */
  direction: string | null;
  classification: Classification;
  reasons: PoorStreamReason[];
}

/** One "rate my call" answer, reported once per user and session. */
export interface FeedbackEntry {
  sessionId: string | null;
  userId: string | null;
  displayName: string | null;
  rating: string | null;
  /** The names of the tokens that were `true`, in the order Graph gave them. */
  tokens: string[];
  text: string | null;
}

/** What the engine says about one version of one call record. */
export interface CallQualityReport {
  callId: string | null;
  version: number | null;
  profile: ProfileName;
  quality: Classification;
  alert: boolean;
  streams: StreamVerdict[];
  feedback: FeedbackEntry[];
}
