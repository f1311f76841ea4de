import type { CallRecords } from '@microsoft/microsoft-graph-types';
import type { Logger } from '../logger';
import { fetchParticipants } from './call-record-participants';
import { invalidAnswer, isJsonObject, nextLinkOf, type JsonObject } from './graph-answer';
import { assertTenantId } from './graph-token-provider';
import type { GraphTransport } from './graph-transport';
import { PageWalk } from './page-walk';
import type { RateLimit } from './request-rate-limiter';

/**
 * One part of a call record as it arrives from Graph: first the record's own fields (no sessions,
 * no next links), then each page of sessions as Graph sent it (Graph repeats some sessions across
 * pages; the reader de-duplicates them), then the participants (`participants_v2`, every page;
 * absent when Graph's list could not be read whole). `Fields`: what the record part holds; from
 * Graph a JSON object with a string `id`, while ingest, which also reads sources that give the
 * record whole (`partsOfRecord`), takes any value and judges it (`CallRecordPart<unknown>`).
 */
export type CallRecordPart<Fields = JsonObject & { id: string }> =
  | { kind: 'record'; record: Fields }
  | { kind: 'sessions'; sessions: readonly unknown[] }
  | { kind: 'participants'; participants: readonly CallRecords.Participant[] | undefined };

/** Options of {@link fetchCallRecordPages}. */
export interface CallRecordPagesOptions {
  /** The record's own budget (40 / 20 s), shared by the record, its session pages and its participant pages. */
  perCallRecord: RateLimit;
  /** Most pages (the record plus session pages; and, apart, the participant pages) before giving up. */
  maxPages: number;
  /** Where a participant list given up is reported. */
  logger: Logger;
}

const OPERATION_RECORD = 'GET /communications/callRecords/{id}';
const OPERATION_SESSIONS = 'GET /communications/callRecords/{id}/sessions (next link)';
const LINK_FIELDS = ['sessions@odata.nextLink', 'sessions@odata.nextlink', 'participants_v2@odata.nextLink', 'participants_v2@odata.nextlink'];

/**
 * Reads a call record with `$expand=sessions($expand=segments)` part by part, so that a caller can
 * score each page of sessions and drop it before the next one arrives (a 6,000-session meeting is
 * 100 pages and over 100 MB parsed whole). Follows the sessions' next links
 * (`sessions@odata.nextLink` or `sessions@odata.nextlink`, then each page's `@odata.nextLink`),
 * yielding each page's sessions as they came (repeats included: the caller's scorer or
 * `fetchCallRecord` leaves them out). Then reads every page of `participants_v2` within
 * the same per-record budget (see {@link fetchParticipants}).
 *
 * A next link to another origin, one that leads back to a page already read, or more than
 * `maxPages` pages, throws a non-retryable {@link GraphRequestError} from the iteration: a caller
 * keeps nothing until the last part, so a record missing sessions is never scored and marked done.
 */
export async function* fetchCallRecordPages(transport: GraphTransport, tenantId: string, callId: string, options: CallRecordPagesOptions): AsyncGenerator<CallRecordPart> {
  assertTenantId(tenantId);
  assertCallId(callId);
  const limits = [{ key: `record:${tenantId}:${callId}`, rule: options.perCallRecord }];
  const walk = new PageWalk(transport, {
    tenantId,
    operation: OPERATION_SESSIONS,
    maxPages: options.maxPages,
    subject: `call record ${callId}'s sessions`,
    capAdvice: 'Raise the page cap if such records are real.',
  });
  const send = async (url: string, first: boolean): Promise<JsonObject> => {
    const operation = first ? OPERATION_RECORD : OPERATION_SESSIONS;
    const answer = await transport.send({ tenantId, method: 'GET', url, operation, limits });
    if (first && (!isJsonObject(answer) || typeof answer.id !== 'string')) throw invalidAnswer(tenantId, operation, 'is not a call record (no string "id")');
    if (!isJsonObject(answer)) throw invalidAnswer(tenantId, operation, 'is not a page of sessions');
    // A page's sessions as Graph sent them (the scorer passes over repeats and entries that are not objects).
    const sessions = first ? answer.sessions : answer.value;
    if (sessions !== undefined && sessions !== null && !Array.isArray(sessions)) throw invalidAnswer(tenantId, operation, 'has sessions that are not an array');
    return answer;
  };
  const nextLink = (page: JsonObject, first: boolean) =>
    first ? nextLinkOf(page, 'sessions@odata.nextLink', 'sessions@odata.nextlink') : nextLinkOf(page, '@odata.nextLink', '@odata.nextlink');
  const url = transport.url(`/communications/callRecords/${encodeURIComponent(callId)}?$expand=sessions($expand=segments)`);
  // Each page is let go before the next is read: its parts are handed over and no local keeps them
  // (a suspended generator keeps its locals, so they are cleared by hand rather than left to scope).
  const pages = walk.pages(url, send, nextLink);
  try {
    for (let first = true; ; first = false) {
      let step: IteratorResult<JsonObject> | undefined = await pages.next();
      if (step.done) break;
      let parts: CallRecordPart[] | undefined = partsOfPage(step.value, first);
      step = undefined;
      while (parts.length > 0) yield parts.shift()!;
      parts = undefined;
    }
  } finally {
    await pages.return();
  }
  const participants = await fetchParticipants(transport, tenantId, callId, { limits, maxPages: options.maxPages, logger: options.logger });
  yield { kind: 'participants', participants };
}

/**
 * The parts a page of the walk gives: for the first (the record), its own fields (a copy without
 * the sessions and next links) and its sessions; for a later page, its sessions.
 */
function partsOfPage(page: JsonObject, first: boolean): CallRecordPart[] {
  if (!first) return [{ kind: 'sessions', sessions: (page.value as unknown[] | null | undefined) ?? [] }];
  const { sessions, participants_v2: _inlineParticipants, ...own } = page;
  for (const field of LINK_FIELDS) delete own[field];
  return [
    { kind: 'record', record: own as JsonObject & { id: string } },
    { kind: 'sessions', sessions: (sessions as unknown[] | null | undefined) ?? [] },
  ];
}

/** Refuses call ids that are not plain identifiers (they go into the URL path). */
export function assertCallId(callId: string): void {
  if (typeof callId !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/.test(callId)) {
    throw new TypeError(`"${String(callId)}" is not a call record id: give the id from the notification (a GUID).`);
  }
}
