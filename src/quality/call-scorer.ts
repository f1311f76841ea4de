import type { CallFailure, CallQualityReport, FeedbackEntry, StreamVerdict } from './report';
import { asNumber, asString, newSessions, type JsonObject } from './json-reader';
import { scoreSession, overallQuality } from './stream-judge';
import type { ScoringOptions } from './scoring-options';
import { feedbackOfSession } from './feedback';
import { failureOfSession } from './call-failures';
import { CompactStreamRule, emptyCounts, STREAMS_KEPT_OF_ANY_CLASS, type StreamCounts } from './compact-report';

/**
 * Scores one call as its sessions arrive, page by page, without holding them: each session is
 * judged when it is added and only what the report keeps is kept (its verdicts, ratings and
 * failures, and the ids of the sessions seen, since Graph repeats a session across pages and a
 * session seen twice is judged once). `report()` after the last page gives what `scoreCallRecord`
 * gives for the record with every page merged.
 */
export class CallScorer {
  private readonly seen = new Set<string>();
  private readonly streams: StreamVerdict[] = [];
  private readonly feedback: FeedbackEntry[] = [];
  private readonly failures: CallFailure[] = [];
  /** Once {@link compact} was called: the verdicts before this index are settled, and all verdicts are counted here. */
  private counts: StreamCounts | undefined;
  private settled = 0;
  private readonly keepRule = new CompactStreamRule();

  /** `call`: the record's own fields (its `id` and `version`; its `sessions` are not read here). */
  constructor(
    private readonly call: JsonObject,
    private readonly options: ScoringOptions,
  ) {}

  /**
   * Judges the sessions of one page, in order; entries that are not objects, and sessions seen
   * before (on this page or an earlier one), are passed over. Returns the sessions it judged, in
   * order, so that what follows the scorer (the summary, the history) takes the same ones.
   */
  addSessions(sessions: readonly unknown[]): JsonObject[] {
    const fresh = newSessions(sessions, this.seen);
    for (const session of fresh) {
      scoreSession(session, this.options, this.streams);
      feedbackOfSession(session, this.feedback);
      const failure = failureOfSession(session);
      if (failure) this.failures.push(failure);
    }
    return fresh;
  }

  /**
   * The verdicts kept so far, in record order: every one before {@link compact} was first called;
   * after it, those it kept and those added since.
   */
  get verdicts(): readonly StreamVerdict[] {
    return this.streams;
  }

  /**
   * Keeps, of the verdicts added since the last call, only those a stored report keeps (every poor
   * stream and the first {@link STREAMS_KEPT_OF_ANY_CLASS} of a kind: {@link CompactStreamRule}, as
   * `compactStreamPositions` picks them), counting every one: a worker that stores the compact report then never holds a
   * large meeting's good streams. Returns, for each of those verdicts in order, whether it was kept.
   * Once called, {@link report} gives the compact report (what `compactReport` gives for the full one).
   */
  compact(): boolean[] {
    const counts = (this.counts ??= emptyCounts());
    const kept: boolean[] = [];
    let write = this.settled;
    for (let read = this.settled; read < this.streams.length; read += 1) {
      const verdict = this.streams[read]!;
      counts[verdict.kind ?? 'other'][verdict.classification] += 1;
      const keep = this.keepRule.keeps(verdict);
      kept.push(keep);
      if (keep) this.streams[write++] = verdict;
    }
    this.streams.length = write;
    this.settled = write;
    return kept;
  }

  /** The report of the sessions added so far (compact once {@link compact} was called). */
  report(): CallQualityReport {
    const { options } = this;
    if (this.counts) this.compact();
    const quality = this.counts ? qualityOfCounts(this.counts) : overallQuality(this.streams);
    const rated = this.feedback.some((entry) => entry.rating !== null && options.alertRatings.includes(entry.rating));
    return {
      callId: asString(this.call.id),
      version: asNumber(this.call.version),
      profile: options.profile,
      quality,
      alert: (options.alertOnPoorQuality && quality === 'poor') || rated,
      streams: this.streams,
      ...(this.counts ? { streamCounts: structuredClone(this.counts) } : {}),
      feedback: this.feedback,
      failures: this.failures,
    };
  }
}

/** What `overallQuality` gives for the streams counted. */
function qualityOfCounts(counts: StreamCounts): 'poor' | 'good' | 'unclassified' {
  const classes = Object.values(counts);
  if (classes.some((count) => count.poor > 0)) return 'poor';
  return classes.some((count) => count.good > 0) ? 'good' : 'unclassified';
}
