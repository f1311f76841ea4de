import type { KeptCall, ScoredCall, Store } from './types';

/**
 * Keeps a scored call in three steps, for an engine where no transaction spans the history, the
 * report and the inbox (Azure Storage: separate tables): the history first (idempotent per
 * version), then the report with its alert job, then the item. A crash between them leaves the
 * version unprocessed or the item leased: done again, never lost.
 */
export async function keepScoredCallInSteps(store: Pick<Store, 'history' | 'reports' | 'inbox'>, call: ScoredCall): Promise<KeptCall> {
  // No report yet (as the worker looked): the history most likely has no row for the call either.
  await store.history.putCall(call.history, { likelyNew: call.processed?.version === null });
  const result = await store.reports.recordReport(call.report, call.queueAlert, call.processed);
  return { ...result, completed: await store.inbox.complete(call.item, call.now) };
}
