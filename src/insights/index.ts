/**
 * Insights: what the bot remembers of every scored call and what it makes of it. Pure: a call's
 * history summary, day aggregates, trends, top lists, the weekly report's figures and export rows.
 */
export * from './call-history';
export * from './export-rows';
export * from './forget-person';
export { callHistoryOf, type CallHistoryInput, type PlaceEndpoint } from './call-history-of';
export { CallHistoryBuilder, type CallHistoryContext, type EncodedCallHistory } from './call-history-builder';
export { connectionTypeOf } from './connection-type';
export * from './dimensions';
export * from './day-aggregate';
export * from './day-aggregate-codec';
export * from './utc-days';
export * from './trends';
export * from './top-lists';
export * from './person-calls';
export * from './weekly-report';
