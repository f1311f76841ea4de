import { scoreCallRecord, type CallQualityReport, type ScoringOptions } from '../quality';
import type { CallSummary, CallSummaryOptions } from './call-summary';
import { summarizeCall } from './call-summary-builder';

/** A call judged: the engine's report and the summary the cards are built from. */
export interface CallAssessment {
  report: CallQualityReport;
  summary: CallSummary;
}

/** Scores a call record and summarizes it for the cards (with the buildings, when `summary.place` is given). */
export function assessCall(record: unknown, options: ScoringOptions, summary: CallSummaryOptions = {}): CallAssessment {
  return { report: scoreCallRecord(record, options), summary: summarizeCall(record, summary) };
}

/** The assessment kept with a stored report (the store keeps both as JSON, untyped). */
export function assessmentOf(stored: { report: unknown; summary: unknown }): CallAssessment {
  // The store reads every row's stream lists back as plain objects, however it packed them.
  return { report: stored.report as CallQualityReport, summary: stored.summary as CallSummary };
}
