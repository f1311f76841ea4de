import type { HistoryEndpoint } from './call-history';

/**
 * The dimensions CQD slices streams by that the aggregates keep: the building, the network (subnet),
 * the connection type, the device (client product and platform) and the person.
 */
export type Dimension = 'sites' | 'networks' | 'connections' | 'devices' | 'people';

/** Every {@link Dimension}, in the order the aggregates keep them. */
export const DIMENSIONS: readonly Dimension[] = ['sites', 'networks', 'connections', 'devices', 'people'];

/** The site of an endpoint the building file does not place: CQD's blank building, named. */
export const OUTSIDE_CORP = 'Outside corp / unknown';

/** The network of an endpoint whose record gave no subnet. */
export const UNKNOWN_SUBNET = 'Unknown subnet';

/**
 * Whether an endpoint is a Teams service (a conferencing server, a media relay's far end): no user,
 * no client product, no platform. Its building, subnet and device are Microsoft's, not the tenant's,
 * so no dimension counts it; otherwise every meeting stream would land in "outside corp".
 */
export function isServiceEndpoint(endpoint: HistoryEndpoint): boolean {
  return endpoint.userId === null && endpoint.product === null && endpoint.platform === null;
}

/**
 * The value an endpoint has in a dimension, or null when it has none there (a service endpoint, a
 * guest without an Entra id for `people`). Networks read "subnet (NetworkName)" when the building
 * file names the network; devices "product / platform" as Graph spells them.
 */
export function dimensionValue(endpoint: HistoryEndpoint, dimension: Dimension): string | null {
  if (isServiceEndpoint(endpoint)) return null;
  switch (dimension) {
    case 'sites':
      return endpoint.building ?? OUTSIDE_CORP;
    case 'networks':
      if (!endpoint.subnet) return UNKNOWN_SUBNET;
      return endpoint.network ? `${endpoint.subnet} (${endpoint.network})` : endpoint.subnet;
    case 'connections':
      return endpoint.connection;
    case 'devices':
      return `${endpoint.product ?? 'unknown'} / ${endpoint.platform ?? 'unknown'}`;
    case 'people':
      return endpoint.userId ? endpoint.userId.toLowerCase() : null;
  }
}
