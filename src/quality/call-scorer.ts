import type { CallFailure, CallQualityReport, FeedbackEntry, StreamVerdict } from './report';
import { asNumber, asObject, asString, type JsonObject } from './json-reader';
import { scoreSession, overallQuality } from './stream-judge';
import type { ScoringOptions } from './scoring-options';
import { feedbackOfSession } from './feedback';
import { failureOfSession } from './call-failures';

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
  private sessionCount = 0;

  /** `call`: the record's own fields (its `id` and `version`; its `sessions` are not read here). */
  constructor(
    private readonly call: JsonObject,
    private readonly options: ScoringOptions,
  ) {}

  /** Judges the sessions of one page, in order; entries that are not objects are passed over. */
  addSessions(sessions: readonly unknown[]): this {
    for (const item of sessions) {
      const session = asObject(item);
      if (!session) continue;
      const id = asString(session.id);
      if (id !== null) {
        if (this.seen.has(id)) continue;
        this.seen.add(id);
      }
      scoreSession(session, this.options, this.streams);
      feedbackOfSession(session, this.sessionCount, this.feedback);
      const failure = failureOfSession(session);
      if (failure) this.failures.push(failure);
      this.sessionCount += 1;
    }
    return this;
  }

  /** The verdicts of the streams added so far, in record order (the report's `streams`, without building the report). */
  get verdicts(): readonly StreamVerdict[] {
    return this.streams;
  }

  /** The report of the sessions added so far. */
  report(): CallQualityReport {
    const { options } = this;
    const quality = overallQuality(this.streams);
    const rated = this.feedback.some((entry) => entry.rating !== null && options.alertRatings.includes(entry.rating));
    return {
      callId: asString(this.call.id),
      version: asNumber(this.call.version),
      profile: options.profile,
      quality,
      alert: (options.alertOnPoorQuality && quality === 'poor') || rated,
      streams: this.streams,
      feedback: this.feedback,
      failures: this.failures,
    };
  }
}
