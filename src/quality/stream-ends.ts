import { asObject, type JsonObject } from './json-reader';
import type { MediaEntry } from './media-streams';

/** The two ends of every stream of a session's segment. */
export type EndpointRole = 'caller' | 'callee';

/**
 * Who sent a stream and who received it: the caller sends `callerToCallee`, the callee sends
 * `calleeToCaller`. Null for a direction Graph did not give or that is unknown.
 */
export function streamRoles(direction: string | null): { from: EndpointRole; to: EndpointRole } | null {
  if (direction === 'callerToCallee') return { from: 'caller', to: 'callee' };
  if (direction === 'calleeToCaller') return { from: 'callee', to: 'caller' };
  return null;
}

/**
 * One end of a media entry: the segment's endpoint (who it was there), the session's (what the
 * segment leaves out is often there), and the network and device the media reported for that end.
 */
export function endOf(entry: MediaEntry, role: EndpointRole): { endpoint: JsonObject | undefined; sessionEndpoint: JsonObject | undefined; network: JsonObject | undefined; device: JsonObject | undefined } {
  return {
    endpoint: asObject(entry.segment[role]),
    sessionEndpoint: asObject(entry.session[role]),
    network: asObject(entry.media[`${role}Network`]),
    device: asObject(entry.media[`${role}Device`]),
  };
}
