import { encodeCallHistory, peopleOf, utcDay, type CallHistory, type HistoryEndpoint, type HistoryRating, type HistoryStream } from '../../src/insights';
import type { HistoryStore } from '../../src/store';
import type { Classification, StreamKind } from '../../src/quality';

/** The tenant of the hand-built history. */
export const HISTORY_TENANT = 'dc368399-474c-4d40-900c-6265431fd81f';

/** A person's client, as a call's history keeps it. */
export function client(
  who: { userId: string | null; upn?: string | null; name: string | null },
  where: Partial<Pick<HistoryEndpoint, 'subnet' | 'ip' | 'connection' | 'relayed' | 'platform' | 'product' | 'building' | 'network'>> = {},
): HistoryEndpoint {
  return {
    userId: who.userId,
    upn: who.upn ?? null,
    name: who.name,
    subnet: null,
    ip: null,
    connection: 'wired',
    relayed: false,
    platform: 'windows',
    product: 'teams',
    building: null,
    network: null,
    ...where,
  };
}

/** A Teams service endpoint (the conferencing server): no user, product or platform. */
export const SERVER: HistoryEndpoint = {
  userId: null,
  upn: null,
  name: null,
  subnet: null,
  ip: '52.114.1.1',
  connection: 'unknown',
  relayed: false,
  platform: null,
  product: null,
  building: null,
  network: null,
};

/** Olga: HQ, floor 1 subnet, 5 GHz Wi-Fi, Teams on Windows. */
export const OLGA = client(
  { userId: '0a1a0000-0000-0000-0000-00000000a01a', upn: 'olga@contoso.com', name: 'Olga Ahlgren' },
  { subnet: '10.1.0.0', ip: '10.1.0.17', connection: 'wifi-5GHz', building: 'HQ', network: 'HQ Floor 1' },
);
/** Ravi: HQ, same subnet, wired, Teams on macOS. */
export const RAVI = client(
  { userId: '0b2b0000-0000-0000-0000-00000000b02b', upn: 'ravi@contoso.com', name: 'Ravi Bose' },
  { subnet: '10.1.0.0', ip: '10.1.0.40', connection: 'wired', platform: 'macOS', building: 'HQ', network: 'HQ Floor 1' },
);
/** Sam: Branch office, a subnet the building file names no network for, wired, Teams on Windows. */
export const SAM = client(
  { userId: '0c3c0000-0000-0000-0000-00000000c03c', upn: 'sam@contoso.com', name: 'Sam Chen' },
  { subnet: '10.2.0.0', ip: '10.2.0.9', connection: 'wired', building: 'Branch' },
);
/** An anonymous guest in a browser at home: no Entra id, no subnet, Wi-Fi of unknown band. */
export const GUEST = client({ userId: null, name: 'Guest' }, { connection: 'wifi', platform: 'web' });

/** A stream: kind, classification, sender index, receiver index. */
export type StreamSpec = [StreamKind, Classification, number, number];

/** A call's history from the parts a test cares about. */
export function historyCall(spec: {
  id: string;
  start: string;
  version?: number;
  endpoints: HistoryEndpoint[];
  streams: StreamSpec[];
  ratings?: [HistoryEndpoint, string][];
  alert?: boolean;
  source?: string;
  organizer?: HistoryEndpoint;
  /** The stages of the call's failed sessions (Graph's `failureInfo`), none unless said. */
  failures?: string[];
}): CallHistory {
  const startedAt = Date.parse(spec.start);
  const organizer = spec.organizer ?? spec.endpoints[0]!;
  const streams: HistoryStream[] = spec.streams.map(([kind, classification, from, to]) => ({
    kind,
    direction: 'callerToCallee',
    classification,
    reasons: classification === 'poor' ? [{ metric: 'averageJitter', value: 45, threshold: 30, comparison: '>' }] : [],
    from,
    to,
  }));
  const ratings: HistoryRating[] = (spec.ratings ?? []).map(([who, rating]) => ({ userId: who.userId, name: who.name, rating, tokens: [] }));
  return {
    tenantId: HISTORY_TENANT,
    callId: spec.id,
    version: spec.version ?? 1,
    startedAt,
    endedAt: startedAt + 30 * 60_000,
    type: 'groupCall',
    organizer: { userId: organizer.userId, upn: organizer.upn, name: organizer.name },
    participantCount: spec.endpoints.filter((endpoint) => endpoint !== SERVER).length,
    quality: streams.some((stream) => stream.classification === 'poor') ? 'poor' : 'good',
    alert: spec.alert ?? streams.some((stream) => stream.classification === 'poor'),
    profile: 'cqd',
    source: spec.source ?? 'notification',
    endpoints: spec.endpoints,
    streams,
    ratings,
    failures: (spec.failures ?? []).map((stage) => ({ stage, reason: `${stage} reason` })),
  };
}

/**
 * A person alone with the conferencing server: `poor` poor and `good` good audio streams from them
 * to the server. Only their side counts in the dimensions (the server is nobody's building).
 */
export function soloCall(id: string, start: string, person: HistoryEndpoint, poor: number, good: number): CallHistory {
  const streams: StreamSpec[] = [...Array.from({ length: poor }, (): StreamSpec => ['audio', 'poor', 0, 1]), ...Array.from({ length: good }, (): StreamSpec => ['audio', 'good', 0, 1])];
  return historyCall({ id, start, endpoints: [person, SERVER], streams });
}

/**
 * The day 2026-03-02 worked through by hand in test/insights/day-aggregate.test.ts:
 * A (09:00) Olga and Ravi at HQ, alert, Olga rates bad and Ravi good;
 * B (10:00, version 2, found by the sweep) Sam with the server, no alert, Sam did not rate, one
 *   session could not be set up; and B's older version 1 (all poor, a drop), which must not count;
 * C (11:00) Olga, Sam and a guest, alert, Sam rates poor, two sessions dropped.
 * So 2 failed calls (B, C): 1 could not be set up (B), 1 dropped (C).
 */
export function sampleDay(): CallHistory[] {
  const a = historyCall({
    id: 'aaaaaaaa-0000-4000-8000-000000000001',
    start: '2026-03-02T09:00:00Z',
    endpoints: [OLGA, RAVI],
    streams: [
      ['audio', 'poor', 0, 1],
      ['audio', 'good', 1, 0],
      ['video', 'poor', 0, 1],
      ['video', 'unclassified', 1, 0],
    ],
    ratings: [
      [OLGA, 'bad'],
      [RAVI, 'good'],
    ],
    alert: true,
  });
  const bOld = historyCall({
    id: 'bbbbbbbb-0000-4000-8000-000000000002',
    start: '2026-03-02T10:00:00Z',
    version: 1,
    endpoints: [SAM, SERVER],
    streams: [
      ['audio', 'poor', 0, 1],
      ['audio', 'poor', 1, 0],
      ['vbss', 'poor', 0, 1],
    ],
    alert: true,
    source: 'sweep',
    failures: ['midcall'],
  });
  const b = historyCall({
    id: 'bbbbbbbb-0000-4000-8000-000000000002',
    start: '2026-03-02T10:00:00Z',
    version: 2,
    endpoints: [SAM, SERVER],
    streams: [
      ['audio', 'good', 0, 1],
      ['audio', 'good', 1, 0],
      ['vbss', 'poor', 0, 1],
    ],
    ratings: [[SAM, 'notRated']],
    alert: false,
    source: 'sweep',
    failures: ['callSetup'],
  });
  const c = historyCall({
    id: 'cccccccc-0000-4000-8000-000000000003',
    start: '2026-03-02T11:00:00Z',
    endpoints: [OLGA, SAM, GUEST],
    streams: [
      ['audio', 'poor', 0, 1],
      ['audio', 'poor', 2, 0],
      ['video', 'good', 1, 0],
    ],
    ratings: [[SAM, 'poor']],
    alert: true,
    failures: ['midcall', 'midcall'],
  });
  return [a, bOld, b, c];
}

/*
 * This week (2026-03-02 … 03-08): sampleDay() on 03-02 (audio 3 poor of 6, video 1 of 2, screen
 * sharing 1 of 1, 3 calls, 2 failed, 2 bad ratings) and call D on 03-05 (audio 0 of 2, video 1 of
 * 1, Ravi rates bad, a session failed at an unknown stage). The week before: E on 02-25 (audio 1
 * of 4) and F on 02-27 (audio 0 of 2, Olga rates poor, a session dropped).
 */
const D = (): CallHistory => historyCall({
  id: 'dddddddd-0000-4000-8000-000000000004',
  start: '2026-03-05T14:00:00Z',
  endpoints: [RAVI, SAM],
  streams: [
    ['audio', 'good', 0, 1],
    ['audio', 'good', 1, 0],
    ['video', 'poor', 0, 1],
  ],
  ratings: [[RAVI, 'bad']],
  failures: ['unknown'],
});
const E = (): CallHistory => historyCall({
  id: 'eeeeeeee-0000-4000-8000-000000000005',
  start: '2026-02-25T08:00:00Z',
  endpoints: [OLGA, RAVI],
  streams: [
    ['audio', 'poor', 0, 1],
    ['audio', 'good', 1, 0],
    ['audio', 'good', 0, 1],
    ['audio', 'good', 1, 0],
  ],
});
const F = (): CallHistory => historyCall({
  id: 'ffffffff-0000-4000-8000-000000000006',
  start: '2026-02-27T08:00:00Z',
  endpoints: [OLGA, RAVI],
  streams: [
    ['audio', 'good', 0, 1],
    ['audio', 'good', 1, 0],
  ],
  ratings: [[OLGA, 'poor']],
  failures: ['midcall'],
});

/** The two weeks of the trends worked out by hand: sampleDay(), D, E and F (see above). */
export function twoWeeks(): CallHistory[] {
  return [...sampleDay(), D(), E(), F()];
}

/** Keeps calls in a store's history as the inbox worker does (day of the start, people, encoded summary). */
export async function keepCalls(history: HistoryStore, calls: readonly CallHistory[]): Promise<void> {
  for (const call of calls) {
    await history.putCall({
      tenantId: call.tenantId,
      callId: call.callId,
      version: call.version,
      day: utcDay(call.startedAt!),
      startedAt: call.startedAt,
      people: peopleOf(call),
      summary: encodeCallHistory(call),
    });
  }
}
