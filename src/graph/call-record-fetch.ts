import type { CallRecords } from '@microsoft/microsoft-graph-types';
import type { Logger } from '../logger';
import { fetchParticipants } from './call-record-participants';
import { invalidAnswer, isJsonObject, nextLinkOf, type JsonObject } from './graph-answer';
import type { GraphTransport } from './graph-transport';
import { PageWalk } from './page-walk';
import type { RateLimit } from './request-rate-limiter';

/**
 * A call record with every session (and its segments) merged in, de-duplicated by session id,
 * and every participant of `participants_v2` (every page). `participants_v2` is absent when
 * Graph's list could not be read whole and asking again would not help.
 */
export type FetchedCallRecord = CallRecords.CallRecord & { id: string; sessions: CallRecords.Session[]; participants_v2?: CallRecords.Participant[] };

/** Options of {@link fetchCallRecord}. */
export interface CallRecordFetchOptions {
  /** The record's own budget (40 / 20 s), shared by the record, its session pages and its participant pages. */
  perCallRecord: RateLimit;
  /** Most pages (the record plus session pages; and, apart, the participant pages) before giving up. */
  maxPages: number;
  /** Where a participant list given up is reported. */
  logger: Logger;
}

const OPERATION_RECORD = 'GET /communications/callRecords/{id}';
const OPERATION_SESSIONS = 'GET /communications/callRecords/{id}/sessions (next link)';

/**
 * Fetches a call record with `$expand=sessions($expand=segments)` and follows the sessions'
 * next links (`sessions@odata.nextLink` or `sessions@odata.nextlink`, then each page's
 * `@odata.nextLink`) until done. Sessions seen twice keep their first copy. Then reads every page
 * of `participants_v2` (the deprecated `participants` stops at 130 people and returns nothing
 * after 2026-06-30), within the same per-record budget; see {@link fetchParticipants} for what
 * a failure there does.
 *
 * A next link to another origin, one that leads back to a page already read, or more than
 * `maxPages` pages, throws a non-retryable {@link GraphRequestError} rather than returning a
 * partial record: a record missing sessions would be scored and its version marked done, hiding
 * the bad streams for good.
 */
export async function fetchCallRecord(
  transport: GraphTransport,
  tenantId: string,
  callId: string,
  options: CallRecordFetchOptions,
): Promise<FetchedCallRecord> {
  assertCallId(callId);
  const limits = [{ key: `record:${tenantId}:${callId}`, rule: options.perCallRecord }];
  const walk = new PageWalk(transport, {
    tenantId,
    operation: OPERATION_SESSIONS,
    maxPages: options.maxPages,
    subject: `call record ${callId}'s sessions`,
    capAdvice: 'Raise the page cap if such records are real.',
  });
  const first = await transport.send({
    tenantId,
    method: 'GET',
    url: walk.start(transport.url(`/communications/callRecords/${encodeURIComponent(callId)}?$expand=sessions($expand=segments)`)),
    operation: OPERATION_RECORD,
    limits,
  });
  if (!isJsonObject(first) || typeof first.id !== 'string') {
    throw invalidAnswer(tenantId, OPERATION_RECORD, 'is not a call record (no string "id")');
  }
  const sessions: CallRecords.Session[] = [];
  const seen = new Set<string>();
  const addSessions = (value: unknown, operation: string): void => {
    if (value === undefined || value === null) return;
    if (!Array.isArray(value)) throw invalidAnswer(tenantId, operation, 'has sessions that are not an array');
    for (const session of value) {
      if (!isJsonObject(session)) continue;
      const id = typeof session.id === 'string' ? session.id : undefined;
      if (id !== undefined) {
        if (seen.has(id)) continue;
        seen.add(id);
      }
      sessions.push(session as CallRecords.Session);
    }
  };
  addSessions(first.sessions, OPERATION_RECORD);
  let url = walk.follow(nextLinkOf(first, 'sessions@odata.nextLink', 'sessions@odata.nextlink'));
  while (url !== undefined) {
    const page = await transport.send({ tenantId, method: 'GET', url, operation: OPERATION_SESSIONS, limits });
    if (!isJsonObject(page)) throw invalidAnswer(tenantId, OPERATION_SESSIONS, 'is not a page of sessions');
    addSessions(page.value, OPERATION_SESSIONS);
    url = walk.follow(nextLinkOf(page, '@odata.nextLink', '@odata.nextlink'));
  }
  const participants = await fetchParticipants(transport, tenantId, callId, { limits, maxPages: options.maxPages, logger: options.logger });
  const record: JsonObject = { ...first };
  delete record['sessions@odata.nextLink'];
  delete record['sessions@odata.nextlink'];
  delete record['participants_v2@odata.nextLink'];
  delete record['participants_v2@odata.nextlink'];
  record.sessions = sessions;
  if (participants !== undefined) record.participants_v2 = participants;
  else delete record.participants_v2;
  return record as unknown as FetchedCallRecord;
}

/** Refuses call ids that are not plain identifiers (they go into the URL path). */
export function assertCallId(callId: string): void {
  if (typeof callId !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/.test(callId)) {
    throw new TypeError(`"${String(callId)}" is not a call record id: give the id from the notification (a GUID).`);
  }
}
