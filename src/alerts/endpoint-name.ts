import { endpointUser, isServiceEndpoint, type JsonObject } from '../quality';

/** What a card calls a service endpoint (the meeting's media server, a voice app) that has no person behind it. */
export const SERVICE_ENDPOINT_NAME = 'Teams service';

/**
 * A name for an endpoint: the person's display name; {@link SERVICE_ENDPOINT_NAME} for a service
 * endpoint; else null (the card says "someone").
 */
export function nameOf(endpoint: JsonObject | undefined): string | null {
  if (!endpoint) return null;
  const user = endpointUser(endpoint);
  if (user.displayName) return user.displayName;
  return isServiceEndpoint(endpoint) ? SERVICE_ENDPOINT_NAME : null;
}
