import { CallSummaryBuilder, type CallSummary } from '../alerts';
import { CallHistoryBuilder, type EncodedCallHistory, type PlaceEndpoint } from '../insights';
import { CallScorer, SessionPeople, type CallQualityReport, type JsonObject, type ScoringOptions } from '../quality';

/** What a {@link PagedAssessment} needs besides the record. */
export interface PagedAssessmentOptions {
  scoring: ScoringOptions;
  tenantId: string;
  /** The inbox item's source, for the history. */
  source: string;
  /** Places endpoints in the building file, for the summary and the history. */
  place?: PlaceEndpoint;
}

/**
 * A call assessed to the end: what the worker stores. The report is compact (`compactReport`:
 * counts of all streams, every poor stream and the first few others) and the summary lists the
 * same streams, as `compactAssessment` would cut them from the whole record's.
 */
export interface AssessedCall {
  /** The record's own fields with `participants_v2` when it was read (no sessions): times, version, organizer. */
  call: JsonObject;
  report: CallQualityReport;
  summary: CallSummary;
  /** The history with the alert decision taken, encoded as the store keeps it (built from the text kept page by page), under `callId`. */
  encodedHistory: (alert: boolean, callId: string) => EncodedCallHistory;
}

/**
 * Scores, summarizes and builds the history of one call page by page: each page of sessions goes
 * through the engine ({@link CallScorer}), the cards' summary ({@link CallSummaryBuilder}) and the
 * history ({@link CallHistoryBuilder}), and is dropped by the caller afterwards, so a large meeting
 * is never held whole, nor its good streams. Sessions seen on an earlier page are passed over (Graph
 * repeats some): the scorer judges which are new, and the summary and the history take those. The result equals scoring, summarizing and recording the whole record at once and
 * compacting the report and summary as a stored row keeps them (`compactAssessment`).
 */
export class PagedAssessment {
  private readonly scorer: CallScorer;
  /** The call's distinct people, counted once for the summary and the history. */
  private readonly people = new SessionPeople();
  private readonly summary: CallSummaryBuilder;
  private readonly history: CallHistoryBuilder;

  /** `call`: the record's own fields (no sessions needed). */
  constructor(
    private readonly call: JsonObject,
    options: PagedAssessmentOptions,
  ) {
    this.scorer = new CallScorer(call, options.scoring);
    this.summary = new CallSummaryBuilder(call, this.people, { place: options.place });
    this.history = new CallHistoryBuilder(call, this.people, options);
  }

  /** Adds one page of sessions; entries that are not objects, and sessions seen before, are passed over. */
  addSessions(sessions: readonly unknown[]): this {
    const first = this.scorer.verdicts.length;
    const fresh = this.scorer.addSessions(sessions);
    this.people.add(fresh);
    this.history.addSessions(fresh, this.scorer.verdicts, first);
    // Only what the stored row keeps stays: every poor stream and the first few (a large meeting's good streams are counted, not held).
    this.summary.addSessions(fresh, this.scorer.compact());
    return this;
  }

  /** The assessment after the last page; `participants`: the record's `participants_v2` when read whole. Call it once. */
  finish(participants?: readonly unknown[]): AssessedCall {
    const call: JsonObject = participants === undefined ? this.call : { ...this.call, participants_v2: [...participants] };
    this.scorer.compact(); // a record of no sessions too: its report is compact like every stored one
    const report = this.scorer.report();
    const summary = this.summary.summary(call);
    return {
      call,
      report,
      summary,
      encodedHistory: (alert, callId) => this.history.encoded(report, alert, call, callId),
    };
  }
}
