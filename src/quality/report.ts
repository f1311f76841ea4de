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

/**
 * Graph's `failureStage`: `callSetup` (the session never started), `midcall` (it dropped), `unknown`,
 * or `unknownFutureValue`. Kept as Graph spelled it: a member Graph adds later is passed through.
 */
export type FailureStage = 'callSetup' | 'midcall' | 'unknown' | 'unknownFutureValue';

/** One end of a failed session, as far as the record names it. */
export interface FailureParty {
  id: string | null;
  displayName: string | null;
  /** True for a service endpoint (the meeting's media server, a voice app) rather than a person. */
  service: boolean;
}

/** A session of the call that failed (Graph's `failureInfo`). */
export interface CallFailure {
  sessionId: string | null;
  /** A {@link FailureStage}, or whatever Graph sent; `unknown` when it sent none. */
  stage: FailureStage | (string & {});
  /** Graph's `reason` (its classification of why), trimmed to one line and bounded; null when absent. */
  reason: string | null;
  caller: FailureParty;
  callee: FailureParty;
}

/** What the engine says about one version of one call record. */
export interface CallQualityReport {
  callId: string | null;
  version: number | null;
  profile: ProfileName;
  quality: Classification;
  alert: boolean;
  /**
   * The verdict of every stream, in record order; in a compact (stored) report, only every poor
   * stream and the first few others, with `streamCounts` counting all of them.
   */
  streams: StreamVerdict[];
  /**
   * Present only in a compact report (`compactReport`): the streams per kind and class, of all the
   * call's streams. Read counts through `streamCountsOf`, which works for both forms.
   */
  streamCounts?: Record<StreamKind | 'other', Record<Classification, number>>;
  feedback: FeedbackEntry[];
  /**
   * The sessions that failed to set up or dropped, in record order. They do not change `alert`
   * (which stays about quality and ratings): whether a failure alerts is decided by the caller
   * (`ALERT_FAILURES`). Absent in reports stored before failures were read: none.
   */
  failures?: CallFailure[];
}
