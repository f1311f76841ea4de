import type { JsonObject } from '../quality';
import { asString } from '../quality';
import { connectionTypeOf, type ConnectionType, type PlaceEndpoint } from '../insights';

/** A connection type in the words a card uses; null when unknown (then the card says nothing of it). */
const CONNECTION_WORDS: Readonly<Record<ConnectionType, string | null>> = {
  wired: 'wired',
  wifi: 'Wi-Fi',
  'wifi-2.4GHz': 'Wi-Fi 2.4 GHz',
  'wifi-5GHz': 'Wi-Fi 5 GHz',
  'wifi-6GHz': 'Wi-Fi 6 GHz',
  mobile: 'mobile data',
  tunnel: 'VPN',
  unknown: null,
};

/** Where an end of a stream was, as a card says it: the building, and how it was connected. */
export interface EndpointPlace {
  building: string;
  /** `Wi-Fi 5 GHz`, `wired`, ...; null when Graph did not say. */
  connection: string | null;
}

/**
 * Where an endpoint was, from the media's network and the building map: null unless the building
 * is known, so a card without a building file reads as before.
 */
export function endpointPlace(network: JsonObject | undefined, place: PlaceEndpoint | undefined): EndpointPlace | null {
  if (!place || !network) return null;
  const subnet = asString(network.subnet);
  const ip = asString(network.ipAddress);
  const building = subnet || ip ? place({ subnet, ip })?.buildingName : null;
  return building ? { building, connection: CONNECTION_WORDS[connectionTypeOf(network)] } : null;
}

/** The words in brackets after a name: `HQ Building, Wi-Fi 5 GHz`, or the building alone without `withConnection`. */
export function placeWords(where: EndpointPlace | null, withConnection = true): string | null {
  if (!where) return null;
  return withConnection && where.connection ? `${where.building}, ${where.connection}` : where.building;
}
