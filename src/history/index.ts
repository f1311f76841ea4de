/**
 * Reading the history: the insight answers (trends, top lists, a person's calls, the weekly report)
 * from the store's calls, with each day's aggregate cached in the store. Imports `store`, `insights`
 * and `quality`; used by the bot, the CLI and ingest.
 */
export { HistoryReader, type HistoryReaderOptions, type KnownPerson } from './history-reader';
