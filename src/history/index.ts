/**
 * Reading the history: the insight answers (trends, top lists, a person's calls, the weekly report)
 * from the store's calls, with each day's aggregate cached in the store; and the export, which
 * streams every stream of a range as rows, page by page. Imports `store`, `insights` and `quality`;
 * used by the bot, the CLI and ingest.
 */
export { HistoryReader, type HistoryReaderOptions, type KnownPerson } from './history-reader';
export { exportRows, writeExport, type ExportFormat, type ExportRequest } from './history-export';
export { countFailedCalls, type FailedCallsQuery } from './failed-calls';
