import type { KeptCall, ScoredCall, Store } from '../types';

/**
 * Keeps a scored call on Azure Storage, where the history, the call's report partition and the
 * inbox are separate tables (no transaction spans them): in order, the history first (idempotent
 * per version), then the report with its alert job (one entity group transaction), then the item.
 * A crash between them leaves the version unprocessed or the item leased: done again, never lost.
 */
export async function keepScoredCall(store: Pick<Store, 'history' | 'reports' | 'inbox'>, call: ScoredCall): Promise<KeptCall> {
  await store.history.putCall(call.history);
  const result = await store.reports.recordReport(call.report, call.queueAlert, call.processed);
  return { ...result, completed: await store.inbox.complete(call.item, call.now) };
}
