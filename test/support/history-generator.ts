import { aggregateDay, daysEndingWith, utcDay, type CallHistory, type ConnectionType, type DayAggregate, type HistoryEndpoint } from '../../src/insights';
import type { StreamKind } from '../../src/quality';
import { client, historyCall, SERVER, type StreamSpec } from './history-calls';

/** A small, repeatable pseudo-random sequence (so generated histories and their screenshots never change). */
function sequence(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const PLACES: { building: string | null; subnet: string | null; network: string | null; connection: ConnectionType; poorChance: number }[] = [
  { building: 'HQ Amsterdam', subnet: '10.10.1.0', network: 'HQ Floor 1', connection: 'wired', poorChance: 0.02 },
  { building: 'HQ Amsterdam', subnet: '10.10.2.0', network: 'HQ Floor 2 Wi-Fi', connection: 'wifi-2.4GHz', poorChance: 0.18 },
  { building: 'Branch Oslo', subnet: '10.20.0.0', network: 'Oslo office', connection: 'wifi-5GHz', poorChance: 0.08 },
  { building: 'Branch Lyon', subnet: '10.30.0.0', network: null, connection: 'wired', poorChance: 0.05 },
  { building: 'Warehouse Rotterdam', subnet: '10.40.0.0', network: 'Warehouse', connection: 'wifi-2.4GHz', poorChance: 0.25 },
  { building: null, subnet: '192.168.1.0', network: null, connection: 'wifi', poorChance: 0.12 },
  { building: null, subnet: null, network: null, connection: 'mobile', poorChance: 0.3 },
];
const NAMES = ['Adele Vance', 'Alex Wilber', 'Diego Siciliani', 'Grady Archie', 'Isaiah Langer', 'Johanna Lorenz', 'Lee Gu', 'Lidia Holloway', 'Megan Bowen', 'Miriam Graham', 'Nestor Wilke', 'Pradeep Gupta'];
const DEVICES: [string, string][] = [
  ['teams', 'windows'],
  ['teams', 'macOS'],
  ['teams', 'iOS'],
  ['teams', 'android'],
  ['teams', 'web'],
  ['teamsRoomsWindows', 'windows'],
];

/** The generated people: each at a usual place with a usual device. */
export const GENERATED_PEOPLE: HistoryEndpoint[] = NAMES.map((name, index) => {
  const place = PLACES[index % PLACES.length]!;
  const [product, platform] = DEVICES[index % DEVICES.length]!;
  const id = `${String(index).padStart(8, '0')}-1111-4000-8000-${String(index).padStart(12, '0')}`;
  return client(
    { userId: id, upn: `${name.split(' ')[0]!.toLowerCase()}@contoso.com`, name },
    { subnet: place.subnet, ip: place.subnet ? place.subnet.replace(/0$/, String(20 + index)) : null, connection: place.connection, building: place.building, network: place.network, product, platform },
  );
});

/**
 * A tenant's calls over the `days` UTC days up to `lastDay`: meetings of two to four of the
 * generated people through the conferencing server, fewer at weekends, audio always, video and
 * screen sharing sometimes; a stream is poor more often at some places (2.4 GHz Wi-Fi, the
 * warehouse, mobile data); some people rate; one call in twenty came from the sweep.
 */
export function generateHistory(lastDay: string, days: number, seed = 7): CallHistory[] {
  const random = sequence(seed);
  const calls: CallHistory[] = [];
  for (const day of daysEndingWith(lastDay, days)) {
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
    const count = weekday === 0 || weekday === 6 ? 2 + Math.floor(random() * 3) : 10 + Math.floor(random() * 8);
    for (let index = 0; index < count; index++) {
      const people = [...GENERATED_PEOPLE].sort(() => random() - 0.5).slice(0, 2 + Math.floor(random() * 3));
      const endpoints = [...people, SERVER];
      const server = endpoints.length - 1;
      const streams: StreamSpec[] = [];
      const kinds: StreamKind[] = ['audio', ...(random() < 0.5 ? (['video'] as const) : []), ...(random() < 0.25 ? (['vbss'] as const) : [])];
      people.forEach((person, at) => {
        const place = PLACES[GENERATED_PEOPLE.indexOf(person) % PLACES.length]!;
        for (const kind of kinds) {
          for (const [from, to] of [
            [at, server],
            [server, at],
          ] as const) {
            const roll = random();
            streams.push([kind, roll < place.poorChance ? 'poor' : roll > 0.97 ? 'unclassified' : 'good', from, to]);
          }
        }
      });
      const ratings: [HistoryEndpoint, string][] = people.filter(() => random() < 0.15).map((person) => [person, ['bad', 'poor', 'fair', 'good', 'excellent'][Math.floor(random() * 5)]!]);
      const hour = String(8 + Math.floor(random() * 9)).padStart(2, '0');
      const minute = String(Math.floor(random() * 60)).padStart(2, '0');
      calls.push(
        historyCall({
          id: `${day.replace(/-/g, '')}-0000-4000-8000-${String(index).padStart(12, '0')}`,
          start: `${day}T${hour}:${minute}:00Z`,
          endpoints,
          streams,
          ratings,
          source: random() < 0.05 ? 'sweep' : 'notification',
        }),
      );
    }
  }
  return calls;
}

/** One aggregate per day of `days` ending with `lastDay`, from `calls`. */
export function aggregatesOf(calls: readonly CallHistory[], lastDay: string, days: number): DayAggregate[] {
  const byDay = new Map<string, CallHistory[]>();
  for (const call of calls) {
    const day = utcDay(call.startedAt!);
    byDay.set(day, [...(byDay.get(day) ?? []), call]);
  }
  return daysEndingWith(lastDay, days).map((day) => aggregateDay(day, byDay.get(day) ?? []));
}
