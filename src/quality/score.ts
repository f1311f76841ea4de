import type { CallQualityReport } from './report';
import { resolveScoringOptions, type ScoringOptions } from './scoring-options';
import { asArray, asObject } from './json-reader';
import { CallScorer } from './call-scorer';

const DEFAULT_OPTIONS = resolveScoringOptions();

/**
 * Judges every media stream of a Graph `callRecord` the way CQD does and says whether an alert is due.
 *
 * Pure and total: it never throws on a JSON value, and what it cannot judge is `unclassified`.
 * Sessions with the same id are judged once. Failed sessions are listed in `failures`; they do not
 * make `alert` true (the caller decides whether a failure alerts). The streams come in the order of
 * `mediaStreamsOf` (the walk the summary and the history follow). {@link CallScorer} does the same
 * page by page, as the sessions arrive.
 */
export function scoreCallRecord(record: unknown, options: ScoringOptions = DEFAULT_OPTIONS): CallQualityReport {
  const call = asObject(record) ?? {};
  const scorer = new CallScorer(call, options);
  scorer.addSessions(asArray(call.sessions));
  return scorer.report();
}

