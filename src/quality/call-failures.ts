import type { CallFailure, FailureParty } from './report';
import { asArray, asObject, asString, type JsonObject } from './json-reader';
import { endpointUser, isServiceEndpoint } from './call-parties';

/** The longest `reason` kept: Graph's reasons are short classifications; anything longer is cut. */
export const MAX_FAILURE_REASON_LENGTH = 200;

/**
 * The failed sessions of a call: each session's `failureInfo` (Graph propagates a stream's or a
 * segment's failure up to its session), else the first segment's that has one, with the stage,
 * Graph's reason and who was at each end. Sessions must already be de-duplicated. Pure and total.
 */
export function callFailuresOf(sessions: readonly JsonObject[]): CallFailure[] {
  const failures: CallFailure[] = [];
  for (const session of sessions) {
    const failure = failureOfSession(session);
    if (failure) failures.push(failure);
  }
  return failures;
}

/** The failure of one session, or undefined when it did not fail (see {@link callFailuresOf}). */
export function failureOfSession(session: JsonObject): CallFailure | undefined {
  const info = asObject(session.failureInfo) ?? segmentFailureOf(session);
  if (!info) return undefined;
  return {
    sessionId: asString(session.id),
    stage: asString(info.stage)?.trim() || 'unknown',
    reason: boundedReason(info.reason),
    caller: partyOf(asObject(session.caller)),
    callee: partyOf(asObject(session.callee)),
  };
}

/** The first `failureInfo` among a session's segments, for records where it is not yet on the session. */
function segmentFailureOf(session: JsonObject): JsonObject | undefined {
  for (const item of asArray(session.segments)) {
    const info = asObject(asObject(item)?.failureInfo);
    if (info) return info;
  }
  return undefined;
}

function partyOf(endpoint: JsonObject | undefined): FailureParty {
  const user = endpointUser(endpoint);
  return { id: user.id, displayName: user.displayName, service: isServiceEndpoint(endpoint) };
}

/** Graph's reason on one line, at most {@link MAX_FAILURE_REASON_LENGTH} characters; null when none. */
function boundedReason(value: unknown): string | null {
  const text = asString(value)?.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\s]+/g, ' ').trim();
  if (!text) return null;
  return text.length <= MAX_FAILURE_REASON_LENGTH ? text : `${text.slice(0, MAX_FAILURE_REASON_LENGTH - 1).trimEnd()}…`;
}
