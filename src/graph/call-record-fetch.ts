import type { CallRecords } from '@microsoft/microsoft-graph-types';
import { newSessions } from '../quality';
import { fetchCallRecordPages, type CallRecordPagesOptions } from './call-record-pages';
import type { GraphTransport } from './graph-transport';

export { assertCallId } from './call-record-pages';

/**
 * A call record with every session (and its segments) merged in, de-duplicated by session id,
 * and every participant of `participants_v2` (every page). `participants_v2` is absent when
 * Graph's list could not be read whole and asking again would not help.
 */
export type FetchedCallRecord = CallRecords.CallRecord & { id: string; sessions: CallRecords.Session[]; participants_v2?: CallRecords.Participant[] };

/** Options of {@link fetchCallRecord}. */
export type CallRecordFetchOptions = CallRecordPagesOptions;

/**
 * The whole call record, every part of {@link fetchCallRecordPages} merged: for callers that want
 * the record at once (`check`, the CLI's `fetch`). Same requests and same errors (a foreign or
 * looping next link, or the page cap, throws rather than returning a partial record). A session
 * repeated across pages is kept once (its first copy) and entries that are not objects are left
 * out, as the worker's scorer does with the parts. The inbox worker reads the parts instead, so that a large meeting is never held whole.
 */
export async function fetchCallRecord(transport: GraphTransport, tenantId: string, callId: string, options: CallRecordFetchOptions): Promise<FetchedCallRecord> {
  let record: Record<string, unknown> = {};
  const sessions: CallRecords.Session[] = [];
  const seen = new Set<string>();
  for await (const part of fetchCallRecordPages(transport, tenantId, callId, options)) {
    if (part.kind === 'record') record = { ...part.record };
    else if (part.kind === 'sessions') for (const session of newSessions(part.sessions, seen)) sessions.push(session as CallRecords.Session);
    else if (part.participants !== undefined) record.participants_v2 = part.participants;
  }
  record.sessions = sessions;
  return record as unknown as FetchedCallRecord;
}
