import type { CallHistoryRecord } from './history-types';
import type { ProcessedReport, RecordReportResult, StoredReport, WorkItem } from './types';

/**
 * Everything the inbox worker keeps for one scored version of a call, written by one store call
 * so an engine can write it together: SQLite in ONE transaction (one commit per record), Azure
 * Storage in order (history, then the report with its alert job, then the item), so a crash
 * between them leaves the version unprocessed and the item leased, to be done again, never lost.
 */
export interface ScoredCall {
  /** The call's history summary (kept first: it is idempotent per version). */
  history: CallHistoryRecord;
  report: StoredReport;
  /** Whether this version's alert decision queues a job (see `ReportStore.recordReport`). */
  queueAlert: boolean;
  /** What the worker's look at the report row found, so it is not read again. */
  processed?: ProcessedReport;
  /** The leased inbox item, completed with the rest. */
  item: WorkItem;
  now: number;
}

/** What keeping a scored call did. */
export interface KeptCall extends RecordReportResult {
  /** False when the item's lease was lost meanwhile (another instance holds it now). */
  completed: boolean;
}
