import { asArray, asNumber, asObject, asString, mediaStreamsOf, STREAM_KINDS, uniqueSessions, type JsonObject, type StreamKind } from '../quality';
import { collectCallHints, HINT_KIND_ORDER, type CallHint } from './call-hints';
import { nameOf } from './endpoint-name';

/** A person (or service) in a call, as far as the record names them. */
export interface CallParty {
  /** Entra object id (or the id of whatever identity the record has), null when absent. */
  id: string | null;
  displayName: string | null;
}

/** The organizer of a call. */
export interface CallOrganizer extends CallParty {
  /** The organizer's tenant, when the record gives it (needed to open a 1:1 chat with them). */
  tenantId: string | null;
}

/** One media stream of the record: who sent it to whom. */
export interface StreamParties {
  sessionId: string | null;
  segmentId: string | null;
  streamId: string | null;
  /** `streamDirection` as Graph spelled it. */
  direction: string | null;
  /** `media.label` as Graph spelled it. */
  label: string | null;
  kind: StreamKind | null;
  /** The sender: the caller for `callerToCallee`, the callee for `calleeToCaller`. */
  from: string | null;
  /** The receiver. */
  to: string | null;
}

/** What a card says about a call besides the scores: what it was and who was in it. */
export interface CallSummary {
  callId: string | null;
  version: number | null;
  /** `groupCall`, `peerToPeer`, or whatever Graph sent; null when absent. */
  type: string | null;
  startDateTime: string | null;
  endDateTime: string | null;
  /** Whole seconds from start to end; null when either is missing or they are out of order. */
  durationSeconds: number | null;
  organizer: CallOrganizer;
  /** Distinct participants: `participants_v2`, else the larger of `participants` and the distinct users of the sessions. */
  participantCount: number;
  streams: StreamParties[];
  hints: CallHint[];
}

/**
 * Summarizes a Graph call record for the cards: type, times, organizer, participant count, who sent
 * each stream to whom, and the network and device hints. Reads `organizer_v2` and `participants_v2`
 * first (the deprecated `organizer` and `participants` stop returning data after 2026-06-30), and
 * an endpoint's `associatedIdentity` when its `identity` is gone.
 *
 * Pure and total: never throws on a JSON value.
 */
export function summarizeCall(record: unknown): CallSummary {
  const call = asObject(record) ?? {};
  const sessions = uniqueSessions(call);
  const startDateTime = asString(call.startDateTime);
  const endDateTime = asString(call.endDateTime);
  return {
    callId: asString(call.id),
    version: asNumber(call.version),
    type: asString(call.type),
    startDateTime,
    endDateTime,
    durationSeconds: secondsBetween(startDateTime, endDateTime),
    organizer: organizerOf(call),
    participantCount: participantCountOf(call, sessions),
    streams: streamPartiesOf(call, sessions),
    hints: collectCallHints(sessions),
  };
}

/**
 * A summary read back from storage (the store keeps it as JSON): a value that is not one, or was
 * written by an older version, gives the fields it can and safe defaults for the rest, so an old
 * row never breaks a card.
 */
export function readCallSummary(value: unknown): CallSummary {
  const stored = asObject(value) ?? {};
  const organizer = asObject(stored.organizer);
  const streams = asArray(stored.streams)
    .map((item) => asObject(item))
    .filter((item): item is JsonObject => item !== undefined)
    .map((item): StreamParties => ({
      sessionId: asString(item.sessionId),
      segmentId: asString(item.segmentId),
      streamId: asString(item.streamId),
      direction: asString(item.direction),
      label: asString(item.label),
      kind: STREAM_KINDS.find((kind) => kind === item.kind) ?? null,
      from: asString(item.from),
      to: asString(item.to),
    }));
  const hints = asArray(stored.hints)
    .map((item) => asObject(item))
    .flatMap((item): CallHint[] => {
      const kind = HINT_KIND_ORDER.find((known) => known === item?.kind);
      const text = asString(item?.text);
      return kind && text !== null ? [{ kind, who: asString(item?.who), text }] : [];
    });
  return {
    callId: asString(stored.callId),
    version: asNumber(stored.version),
    type: asString(stored.type),
    startDateTime: asString(stored.startDateTime),
    endDateTime: asString(stored.endDateTime),
    durationSeconds: asNumber(stored.durationSeconds),
    organizer: { id: asString(organizer?.id), displayName: asString(organizer?.displayName), tenantId: asString(organizer?.tenantId) },
    participantCount: asNumber(stored.participantCount) ?? 0,
    streams,
    hints,
  };
}

function secondsBetween(start: string | null, end: string | null): number | null {
  if (start === null || end === null) return null;
  const from = Date.parse(start);
  const to = Date.parse(end);
  if (!Number.isFinite(from) || !Number.isFinite(to) || to < from) return null;
  return Math.round((to - from) / 1000);
}

function organizerOf(call: JsonObject): CallOrganizer {
  const v2 = asObject(call.organizer_v2);
  if (v2) {
    const identity = identityOf(asObject(v2.identity));
    const id = asString(v2.id) ?? identity.id;
    if (id !== null || identity.displayName !== null) return { ...identity, id };
  }
  return identityOf(asObject(call.organizer));
}

/** The person in an identity set: `user` first, then any other identity that has an id or a name. */
function identityOf(identitySet: JsonObject | undefined): CallOrganizer {
  if (!identitySet) return { id: null, displayName: null, tenantId: null };
  const candidates = [asObject(identitySet.user)];
  for (const [key, value] of Object.entries(identitySet)) if (key !== 'user') candidates.push(asObject(value));
  const chosen = candidates.find((candidate) => asString(candidate?.id)) ?? candidates.find((candidate) => asString(candidate?.displayName));
  return {
    id: asString(chosen?.id),
    displayName: asString(chosen?.displayName),
    tenantId: asString(chosen?.tenantId),
  };
}

function participantCountOf(call: JsonObject, sessions: readonly JsonObject[]): number {
  const v2 = distinctIds(asArray(call.participants_v2).map((item) => {
    const participant = asObject(item);
    return asString(participant?.id) ?? identityOf(asObject(participant?.identity)).id;
  }));
  if (v2 > 0) return v2;
  // `participants` is capped at 130 entries, so a big meeting's sessions may know more people.
  const listed = distinctIds(asArray(call.participants).map((item) => identityOf(asObject(item)).id));
  const seen = new Set<string>();
  for (const session of sessions) {
    for (const role of ['caller', 'callee'] as const) {
      const id = personIdOf(asObject(session[role]));
      if (id !== null) seen.add(id);
    }
  }
  return Math.max(listed, seen.size);
}

/** The id of the person behind an endpoint; services (the conference server, bots) are not people. */
function personIdOf(endpoint: JsonObject | undefined): string | null {
  const identity = asObject(endpoint?.identity);
  const person = asObject(identity?.user) ?? asObject(identity?.guest) ?? asObject(identity?.phone) ?? asObject(identity?.acsUser);
  const associated = asObject(endpoint?.associatedIdentity);
  const associatedType = asString(associated?.['@odata.type']) ?? '';
  if (asString(person?.id)) return asString(person?.id);
  if (associated && !/application/i.test(associatedType)) return asString(associated.id);
  return null;
}

function distinctIds(ids: readonly (string | null)[]): number {
  return new Set(ids.filter((id): id is string => id !== null)).size;
}

function streamPartiesOf(record: JsonObject, sessions: readonly JsonObject[]): StreamParties[] {
  const result: StreamParties[] = [];
  for (const { session, segment, stream, label, kind } of mediaStreamsOf(record, sessions)) {
    const caller = nameOf(asObject(segment.caller)) ?? nameOf(asObject(session.caller));
    const callee = nameOf(asObject(segment.callee)) ?? nameOf(asObject(session.callee));
    const direction = asString(stream.streamDirection);
    const reversed = direction === 'calleeToCaller';
    const known = direction === 'callerToCallee' || reversed;
    result.push({
      sessionId: asString(session.id),
      segmentId: asString(segment.id),
      streamId: asString(stream.streamId),
      direction,
      label,
      kind,
      from: known ? (reversed ? callee : caller) : null,
      to: known ? (reversed ? caller : callee) : null,
    });
  }
  return result;
}

