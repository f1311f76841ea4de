import type { CallRecords } from '@microsoft/microsoft-graph-types';
import type { Logger } from '../logger';
import { invalidAnswer, isJsonObject, nextLinkOf, type JsonObject } from './graph-answer';
import { GraphRequestError } from './graph-request-error';
import type { GraphTransport, GraphTransportRequest } from './graph-transport';
import { PageWalk } from './page-walk';

/** Options of {@link fetchParticipants}. */
export interface ParticipantsFetchOptions {
  /** The record's own budget, under the same key as the record and its session pages. */
  limits: GraphTransportRequest['limits'];
  /** Most pages of participants (130 a page) before giving up. */
  maxPages: number;
  /** Where a list given up is reported. */
  logger: Logger;
}

const OPERATION = 'GET /communications/callRecords/{id}/participants_v2';

/**
 * Every participant of a call record: `GET …/callRecords/{id}/participants_v2`, following each
 * page's `@odata.nextLink` (at most 130 participants a page). It is a request of its own rather
 * than `$expand=participants_v2` because Graph expands a single relationship per request, and
 * the record's request already expands the sessions. No `$select`: the default set is only
 * `id` and `identity` (beta adds `administrativeUnitInfos`), too little to be worth a parameter
 * whose refusal would cost the list. A participant repeated across a page boundary is kept once;
 * the key is its id and its identity together, so two people are never merged even when Graph
 * gives them one id (its own documentation's example does).
 *
 * What a failure does, and why, since the sessions are already read when this runs:
 * - asking again can help (429, 5xx, timeout, a cut answer, a token or permission refusal an
 *   admin can lift): throws, and the inbox tries the whole record again later, as for a session
 *   page. Scoring now instead would mark the version done with a wrong participant count in the
 *   history and on the card, for good, since most calls never get another version.
 * - asking again gets the same answer (400, 404, a foreign or looping next link, the page cap):
 *   returns undefined and logs why. The call is scored without the list (its participant count
 *   then comes from the sessions and the deprecated `participants`), since giving the call up,
 *   as a bad session link does, would lose its scores and alerts over a head count.
 */
export async function fetchParticipants(
  transport: GraphTransport,
  tenantId: string,
  callId: string,
  options: ParticipantsFetchOptions,
): Promise<CallRecords.Participant[] | undefined> {
  const walk = new PageWalk(transport, {
    tenantId,
    operation: OPERATION,
    maxPages: options.maxPages,
    subject: `call record ${callId}'s participants`,
    capAdvice: 'Raise the page cap if calls that large are real.',
  });
  const participants: CallRecords.Participant[] = [];
  const seen = new Set<string>();
  const send = async (url: string): Promise<JsonObject & { value: unknown[] }> => {
    const page = await transport.send({ tenantId, method: 'GET', url, operation: OPERATION, limits: options.limits });
    if (!isJsonObject(page) || !Array.isArray(page.value)) throw invalidAnswer(tenantId, OPERATION, 'is not a page of participants (no "value" array)');
    return page as JsonObject & { value: unknown[] };
  };
  try {
    const url = transport.url(`/communications/callRecords/${encodeURIComponent(callId)}/participants_v2`);
    for await (const page of walk.pages(url, send, (answer) => nextLinkOf(answer, '@odata.nextLink', '@odata.nextlink'))) {
      for (const item of page.value) {
        if (!isJsonObject(item)) continue;
        const key = JSON.stringify([item.id ?? null, item.identity ?? null]);
        if (seen.has(key)) continue;
        seen.add(key);
        participants.push(item as CallRecords.Participant);
      }
    }
  } catch (error) {
    if (!(error instanceof GraphRequestError) || error.retryable || error.needsAdmin) throw error;
    options.logger.warn(
      { tenantId, callId, operation: OPERATION, kind: error.kind, status: error.status, pages: walk.pageCount, reason: error.message },
      "Scoring the call without its participants_v2 list: Graph's answer cannot be read whole and asking again would get the same answer.",
    );
    return undefined;
  }
  return participants;
}
