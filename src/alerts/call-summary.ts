import { asArray, asNumber, asObject, asString, STREAM_KINDS, type JsonObject, type StreamKind } from '../quality';
import type { PlaceEndpoint } from '../insights';
import { HINT_KIND_ORDER, type CallHint } from './call-hints';
import { readCallPeople, UNKNOWN_PERSON, type CallPerson } from './call-people';
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
  /** Where the sender was (`HQ Building, Wi-Fi 5 GHz`) when the building file places it, else null. */
  fromWhere: string | null;
  /** Where the receiver was, likewise. */
  toWhere: string | null;
  /** The sender's index in {@link CallSummary.people}, -1 when the record does not say who it was. */
  fromPerson: number;
  /** The receiver's index in {@link CallSummary.people}, likewise. */
  toPerson: number;
}

/** What a summary may know beyond the record. */
export interface CallSummaryOptions {
  /** Places endpoints in the building file (`BUILDINGS_FILE`), so the cards name the building. */
  place?: PlaceEndpoint;
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
  /** Who is at the ends of the streams (people, and one entry for the Teams services), for the cards about one person's side. */
  people: CallPerson[];
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
      fromWhere: asString(item.fromWhere),
      toWhere: asString(item.toWhere),
      fromPerson: asNumber(item.fromPerson) ?? UNKNOWN_PERSON,
      toPerson: asNumber(item.toPerson) ?? UNKNOWN_PERSON,
    }));
  const hints = asArray(stored.hints)
    .map((item) => asObject(item))
    .flatMap((item): CallHint[] => {
      const kind = HINT_KIND_ORDER.find((known) => known === item?.kind);
      const text = asString(item?.text);
      const person = asNumber(item?.person);
      if (!kind || text === null) return [];
      return [person === null ? { kind, who: asString(item?.who), text } : { kind, who: asString(item?.who), text, person }];
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
    people: readCallPeople(stored.people),
  };
}
