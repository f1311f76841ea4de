import { CallHistoryEncodingError, decodeCallHistory, utcDay } from '../insights';
import type { HistoryStore } from '../store';

/** What {@link countFailedCalls} reads and over which span. */
export interface FailedCallsQuery {
  history: HistoryStore;
  /** The tenants to count in (every tenant with history when null). */
  tenantId: string | null;
  /** Epoch ms: calls that started from `since` up to `now` count. */
  since: number;
  now: number;
}

/**
 * How many calls that started in the span had a failed session (Graph's `failureInfo`), each call
 * once (the history keeps its newest version), read from the UTC days the span touches (a call is
 * filed under the day it started). A summary that cannot be read is passed over; a call without a
 * start time is not counted.
 */
export async function countFailedCalls(query: FailedCallsQuery): Promise<number> {
  const { history, since, now } = query;
  const tenants = query.tenantId === null ? await history.tenants() : [query.tenantId];
  const [from, to] = [utcDay(since), utcDay(now)];
  let failed = 0;
  for (const tenantId of tenants) {
    for await (const record of history.listCalls(tenantId, from, to)) {
      if (record.startedAt === null || record.startedAt < since || record.startedAt > now) continue;
      try {
        if ((decodeCallHistory(record.summary).failures ?? []).length > 0) failed += 1;
      } catch (error) {
        if (!(error instanceof CallHistoryEncodingError)) throw error;
      }
    }
  }
  return failed;
}
