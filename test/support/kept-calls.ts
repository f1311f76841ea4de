/**
 * Calls kept in the history as the ingest worker keeps them (`store.history.putCall` of an encoded
 * summary), built by hand so that tests can work out every exported or reported figure themselves.
 */
import type { CallHistory, HistoryEndpoint } from '../../src/insights';
import type { Store } from '../../src/store';
import { keepCalls } from './history-calls';

export const KEPT_TENANT = 'dc368399-474c-4d40-900c-6265431fd81f';

/** A person of the kept calls. */
export interface KeptPerson {
  id: string;
  upn: string;
  name: string;
}

export const OLGA: KeptPerson = { id: 'aaaaaaaa-0000-4000-8000-00000000013a', upn: 'olga@contoso.com', name: 'Olga Organizer' };
export const RAY: KeptPerson = { id: 'bbbbbbbb-0000-4000-8000-0000000000ab', upn: 'ray@contoso.com', name: 'Ray Remote' };

/** An endpoint of a person, wired in HQ unless told otherwise. */
export function endpointOf(person: KeptPerson, overrides: Partial<HistoryEndpoint> = {}): HistoryEndpoint {
  return {
    userId: person.id,
    upn: person.upn,
    name: person.name,
    subnet: '10.1.2.0',
    ip: '10.1.2.3',
    connection: 'wired',
    relayed: false,
    platform: 'windows',
    product: 'teams',
    building: 'HQ',
    network: 'HQ Floor 2',
    ...overrides,
  };
}

/**
 * A 30-minute call Olga makes to Ray at `startedAt`: one audio stream each way, Olga's to Ray poor
 * (jitter `jitterMs`) unless `poor` is false; Ray rates it `rating`.
 */
export function olgaCallsRay(callId: string, startedAt: number, options: { tenantId?: string; poor?: boolean; jitterMs?: number; rating?: string; version?: number } = {}): CallHistory {
  const poor = options.poor ?? true;
  return {
    tenantId: options.tenantId ?? KEPT_TENANT,
    callId,
    version: options.version ?? 1,
    startedAt,
    endedAt: startedAt + 30 * 60_000,
    type: 'peerToPeer',
    organizer: { userId: OLGA.id, upn: OLGA.upn, name: OLGA.name },
    participantCount: 2,
    quality: poor ? 'poor' : 'good',
    alert: poor,
    profile: 'cqd',
    source: 'notification',
    endpoints: [endpointOf(OLGA), endpointOf(RAY, { subnet: '192.168.1.0', ip: '192.168.1.20', building: null, network: null, connection: 'wifi-5GHz', platform: 'macOS' })],
    streams: [
      {
        kind: 'audio',
        direction: 'callerToCallee',
        classification: poor ? 'poor' : 'good',
        reasons: poor ? [{ metric: 'averageJitter', value: options.jitterMs ?? 45, threshold: 30, comparison: '>' }] : [],
        from: 0,
        to: 1,
      },
      { kind: 'audio', direction: 'calleeToCaller', classification: 'good', reasons: [], from: 1, to: 0 },
    ],
    ratings: options.rating ? [{ userId: RAY.id, name: RAY.name, rating: options.rating, tokens: [] }] : [],
  };
}

/** Keeps a call in the history, under the UTC day it started (as the inbox worker does). */
export function keepCall(store: Store, call: CallHistory): Promise<void> {
  return keepCalls(store.history, [call]);
}
