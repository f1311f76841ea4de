import { asArray, asObject, asString, endOf, type EndpointRole, type JsonObject, type MediaEntry } from '../quality';

/**
 * Someone (or something) at one end of a call's streams, as the summary keeps them so that the
 * delivery can tell each person about their own side.
 */
export interface CallPerson {
  /** Entra object id of a user, null for a guest, a phone number or a service. */
  id: string | null;
  /** The user's tenant, when the record gives it (needed to open a 1:1 chat with them). */
  tenantId: string | null;
  displayName: string | null;
  /** True for a Teams service (the meeting's media server, a voice app): nobody's own network or device. */
  service: boolean;
}

/** The index a stream end or hint has in the people list when the record does not say who it was. */
export const UNKNOWN_PERSON = -1;

/**
 * The distinct people (and one entry for every Teams service) at the ends of a call's streams,
 * each once, in the order the streams first name them. A stream end is a service when Graph says
 * so (`serviceEndpoint`, `serviceUserAgent`, a user agent `role`), a person when it names a
 * user, guest, phone or other identity, and unknown otherwise.
 */
export class PersonList {
  readonly list: CallPerson[] = [];
  private readonly indexes = new Map<string, number>();

  /** The index of the person at one end of a stream, {@link UNKNOWN_PERSON} when the record does not say. */
  indexOf(entry: MediaEntry, role: EndpointRole): number {
    const found = personAt(entry, role);
    return found ? this.indexOfKnown(found) : UNKNOWN_PERSON;
  }

  /** The index of a person found by {@link personAt}, added at the end when new. */
  indexOfKnown({ key, person }: KeyedPerson): number {
    let index = this.indexes.get(key);
    if (index === undefined) {
      index = this.list.push(person) - 1;
      this.indexes.set(key, index);
    }
    return index;
  }
}

/** A person with the key that tells them apart from the others of a call. */
export interface KeyedPerson {
  key: string;
  person: CallPerson;
}

/**
 * The person at one end of a stream and their key (a user by id, else by name; every Teams
 * service is one), null when the record does not say who it was.
 */
export function personAt(entry: MediaEntry, role: EndpointRole): KeyedPerson | null {
  const { endpoint, sessionEndpoint } = endOf(entry, role);
  const person = isService(endpoint) || isService(sessionEndpoint) ? SERVICE : (personOf(endpoint) ?? personOf(sessionEndpoint));
  if (!person) return null;
  return { key: person.service ? 'service' : JSON.stringify([person.id?.toLowerCase() ?? null, person.id ? null : person.displayName]), person };
}

const SERVICE: CallPerson = { id: null, tenantId: null, displayName: null, service: true };

/** The people list as the store kept it: entries that are not one are dropped, so an old row reads as no people. */
export function readCallPeople(value: unknown): CallPerson[] {
  return asArray(value).flatMap((item) => {
    const person = asObject(item);
    if (!person) return [];
    return [{ id: asString(person.id), tenantId: asString(person.tenantId), displayName: asString(person.displayName), service: person.service === true }];
  });
}

function isService(endpoint: JsonObject | undefined): boolean {
  if (!endpoint) return false;
  const agent = asObject(endpoint.userAgent);
  const type = `${asString(endpoint['@odata.type']) ?? ''} ${asString(agent?.['@odata.type']) ?? ''}`;
  return /serviceEndpoint|serviceUserAgent/i.test(type) || asString(agent?.role) !== null;
}

/**
 * The person behind an endpoint: an Entra user (`identity.user`, else `associatedIdentity` unless
 * it is an application), else any other identity with an id or a name (a guest, a phone number),
 * who is a person the bot cannot write to. Null when the endpoint names nobody.
 */
function personOf(endpoint: JsonObject | undefined): CallPerson | null {
  if (!endpoint) return null;
  const identity = asObject(endpoint.identity);
  const associated = asObject(endpoint.associatedIdentity);
  const user = asObject(identity?.user) ?? (associated && !/application/i.test(asString(associated['@odata.type']) ?? '') ? associated : undefined);
  if (asString(user?.id)) {
    return { id: asString(user?.id), tenantId: asString(user?.tenantId), displayName: asString(user?.displayName), service: false };
  }
  for (const [key, value] of Object.entries(identity ?? {})) {
    const other = asObject(value);
    if (key === 'user' || !other) continue;
    if (/application/i.test(key)) return SERVICE;
    const name = asString(other.displayName);
    if (asString(other.id) || name) return { id: null, tenantId: null, displayName: name ?? asString(other.id), service: false };
  }
  return null;
}
