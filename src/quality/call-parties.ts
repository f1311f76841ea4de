import { asArray, asObject, asString, type JsonObject } from './json-reader';

/** A person (or service) as a call record names them in an identity. */
export interface PartyIdentity {
  /** Entra object id (or the id of whatever identity the record has), null when absent. */
  id: string | null;
  displayName: string | null;
  /** The identity's tenant, when the record gives it. */
  tenantId: string | null;
  /** `userPrincipalName` of a call record's user identity, when the record gives it. */
  userPrincipalName: string | null;
}

const NOBODY: PartyIdentity = { id: null, displayName: null, tenantId: null, userPrincipalName: null };

/** The person in an identity set: `user` first, then any other identity that has an id or a name. */
export function identityOf(identitySet: JsonObject | undefined): PartyIdentity {
  if (!identitySet) return NOBODY;
  return partyOf(firstIdentity(identitySet, undefined, hasId) ?? firstIdentity(identitySet, undefined, hasName));
}

/**
 * The organizer of a call: `organizer_v2` first (its `id`, else its identity's), then the deprecated
 * `organizer`, which returns no data after 2026-06-30.
 */
export function organizerOf(call: JsonObject): PartyIdentity {
  const v2 = asObject(call.organizer_v2);
  if (v2) {
    const identity = identityOf(asObject(v2.identity));
    const id = asString(v2.id) ?? identity.id;
    if (id !== null || identity.displayName !== null) return { ...identity, id };
  }
  return identityOf(asObject(call.organizer));
}

/**
 * The user behind an endpoint: `identity.user`, else `associatedIdentity`, else any identity with an
 * id (in the identity set's order); with none, the first of them with a display name. Reads the
 * candidates in place, without listing them: it runs for every answer of every call scored.
 */
export function endpointUser(endpoint: JsonObject | undefined): { id: string | null; displayName: string | null; userPrincipalName: string | null } {
  const identity = asObject(endpoint?.identity);
  const associated = asObject(endpoint?.associatedIdentity);
  const withId = firstIdentity(identity, associated, hasId);
  if (withId) return { id: asString(withId.id), displayName: asString(withId.displayName), userPrincipalName: asString(withId.userPrincipalName) };
  const named = firstIdentity(identity, associated, hasName);
  return { id: null, displayName: named ? asString(named.displayName) : null, userPrincipalName: null };
}

const hasId = (candidate: JsonObject | undefined): candidate is JsonObject => Boolean(asString(candidate?.id));
const hasName = (candidate: JsonObject | undefined): candidate is JsonObject => Boolean(asString(candidate?.displayName));

/**
 * The first identity `test` accepts, in this order: the set's `user`, `associated` (an endpoint's
 * `associatedIdentity`, when given), then the set's other identities as the record lists them.
 */
function firstIdentity(
  identitySet: JsonObject | undefined,
  associated: JsonObject | undefined,
  test: (candidate: JsonObject | undefined) => candidate is JsonObject,
): JsonObject | undefined {
  const user = asObject(identitySet?.user);
  if (test(user)) return user;
  if (test(associated)) return associated;
  if (!identitySet) return undefined;
  for (const key in identitySet) {
    if (key === 'user' || !Object.prototype.hasOwnProperty.call(identitySet, key)) continue;
    const candidate = asObject(identitySet[key]);
    if (test(candidate)) return candidate;
  }
  return undefined;
}

/** True for a service endpoint (the meeting's media server, a voice app): Graph types it so, or its user agent has a service role. */
export function isServiceEndpoint(endpoint: JsonObject | undefined): boolean {
  if (!endpoint) return false;
  const agent = asObject(endpoint.userAgent);
  const type = `${asString(endpoint['@odata.type']) ?? ''} ${asString(agent?.['@odata.type']) ?? ''}`;
  return /serviceEndpoint|serviceUserAgent/i.test(type) || asString(agent?.role) !== null;
}

/**
 * The distinct people at the ends of a call's sessions, counted as the sessions arrive page by
 * page (only their ids are kept), for the participant count of the cards and the history: one
 * count a call, which the card's summary and the history both read (`CallSummaryBuilder`,
 * `CallHistoryBuilder`).
 */
export class SessionPeople {
  private readonly seen = new Set<string>();

  /** Counts the callers and callees of sessions (already de-duplicated; a person seen before is counted once anyway). */
  add(sessions: readonly JsonObject[]): this {
    for (const session of sessions) {
      for (const role of ['caller', 'callee'] as const) {
        const id = personIdOf(asObject(session[role]));
        if (id !== null) this.seen.add(id);
      }
    }
    return this;
  }

  /**
   * The call's distinct participants, given its own fields (`call`) and the sessions added so far:
   * `participants_v2`, else the larger of `participants` (capped at 130 entries by Graph) and the
   * distinct people of the sessions.
   */
  participantCount(call: JsonObject): number {
    const v2 = distinctIds(asArray(call.participants_v2).map((item) => {
      const participant = asObject(item);
      return asString(participant?.id) ?? identityOf(asObject(participant?.identity)).id;
    }));
    if (v2 > 0) return v2;
    const listed = distinctIds(asArray(call.participants).map((item) => identityOf(asObject(item)).id));
    return Math.max(listed, this.seen.size);
  }
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

function partyOf(identity: JsonObject | undefined): PartyIdentity {
  return {
    id: asString(identity?.id),
    displayName: asString(identity?.displayName),
    tenantId: asString(identity?.tenantId),
    userPrincipalName: asString(identity?.userPrincipalName),
  };
}
