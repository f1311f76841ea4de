import { decodeCallHistory, encodeCallHistory, peopleOf, type CallHistory } from './call-history';

/**
 * A call's summary without one person: their Entra id, UPN and name are taken off the organizer,
 * every endpoint they used and every rating they gave, and the address of their endpoints too (it
 * can name a person; no figure needs it, the subnet and building stay). Their streams and ratings
 * stay, anonymous, so that the other people's figures and every rate are what they were.
 *
 * `person` is an Entra object id or a UPN, in any case. An id and a UPN seen together on one entry
 * are the same person, so a summary that names them by both loses both.
 */
export function forgetPersonInCall(call: CallHistory, person: string): CallHistory {
  const names = identifiersOf(call, person);
  const isThem = (userId: string | null, upn: string | null) => names.has(lower(userId)) || names.has(lower(upn));
  return {
    ...call,
    organizer: isThem(call.organizer.userId, call.organizer.upn) ? { userId: null, upn: null, name: null } : call.organizer,
    endpoints: call.endpoints.map((endpoint) => (isThem(endpoint.userId, endpoint.upn) ? { ...endpoint, userId: null, upn: null, name: null, ip: null } : endpoint)),
    ratings: call.ratings.map((rating) => (isThem(rating.userId, null) ? { ...rating, userId: null, name: null } : rating)),
  };
}

/**
 * The scrub `HistoryStore.forgetPerson` applies to each stored call: decode, forget the person,
 * encode again, and the people index without them.
 */
export function forgetPersonInSummary(summary: string, person: string): { summary: string; people: string[] } {
  const call = forgetPersonInCall(decodeCallHistory(summary), person);
  return { summary: encodeCallHistory(call), people: peopleOf(call) };
}

/** The lower-cased ids and UPNs that name the person in this call: the one given, and any seen beside it. */
function identifiersOf(call: CallHistory, person: string): Set<string> {
  const names = new Set([person.trim().toLowerCase()].filter(Boolean));
  const pairs = [call.organizer, ...call.endpoints].map((entry) => [lower(entry.userId), lower(entry.upn)] as const);
  // Until nothing new is learnt: an id found beside a UPN may itself sit beside another UPN elsewhere.
  for (let known = 0; known !== names.size; ) {
    known = names.size;
    for (const [userId, upn] of pairs) {
      if (names.has(userId) || names.has(upn)) {
        if (userId) names.add(userId);
        if (upn) names.add(upn);
      }
    }
  }
  return names;
}

function lower(value: string | null): string {
  return value ? value.toLowerCase() : '';
}
