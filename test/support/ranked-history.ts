import type { CallHistory, HistoryEndpoint } from '../../src/insights';
import { client, soloCall } from './history-calls';

/** Someone alone in a building (and subnet), known by a made-up Entra id from their name. */
export function person(name: string, building: string, subnet: string | null = null): HistoryEndpoint {
  return client({ userId: `${name.toLowerCase()}-0000-0000-0000-000000000000`, name }, { building, subnet });
}

/** `count` calls of `who` alone with the server on `start`'s day, each with `poor` poor and `good` good audio streams. */
export function soloCalls(who: HistoryEndpoint, count: number, poor: number, good: number, start = '2026-03-02T09:00:00Z'): CallHistory[] {
  return Array.from({ length: count }, (_, index) => soloCall(`${who.name}-${start.slice(0, 10)}-${index}`, start, who, poor, good));
}

/**
 * One day (2026-03-02) of six sites, for top lists worked out by hand:
 * North 3 calls × (2 poor, 2 good): 6 poor of 12, 50 %;
 * West 3 calls × (2 poor, 3 good): 6 poor of 15, 40 %;
 * South 4 calls × (1 poor, 2 good): 4 poor of 12, 33.3 %;
 * East 1 call with 12 poor: too few calls; Tiny 3 calls × 3 poor: 9 classified, too few streams;
 * Central 5 calls, all good: nothing to rank.
 */
export function rankedSitesDay(): CallHistory[] {
  return [
    ...soloCalls(person('Nora', 'North'), 3, 2, 2),
    ...soloCalls(person('Wes', 'West'), 3, 2, 3),
    ...soloCalls(person('Sol', 'South'), 4, 1, 2),
    ...soloCalls(person('Eve', 'East'), 1, 12, 0),
    ...soloCalls(person('Tim', 'Tiny'), 3, 3, 0),
    ...soloCalls(person('Cy', 'Central'), 5, 0, 4),
  ];
}

/**
 * Two weeks for the weekly report worked out by hand. The week 2026-02-23 … 03-01: Nora (North,
 * 10.9.0.0) has 3 calls on 02-24 with 2 poor and 2 good audio streams each, the first of which
 * dropped; Wes (West, 10.8.0.0) 4 calls on 02-26 with 1 poor and 3 good, the first found by the
 * sweep, the second dropped, the third could not be set up. So 3 failed calls: 1 could not be set
 * up, 2 dropped. The week before: Nora 2 calls on 02-17 with 0 poor and 4 good, the first failed at
 * a stage Graph does not name (1 failed call).
 */
export function reportWeeks(): CallHistory[] {
  const nora = person('Nora', 'North', '10.9.0.0');
  const wes = person('Wes', 'West', '10.8.0.0');
  const failing = (stages: Record<number, string>) => (call: CallHistory, index: number): CallHistory =>
    stages[index] ? { ...call, failures: [{ stage: stages[index]!, reason: null }] } : call;
  return [
    ...soloCalls(nora, 3, 2, 2, '2026-02-24T10:00:00Z').map(failing({ 0: 'midcall' })),
    ...soloCalls(wes, 4, 1, 3, '2026-02-26T10:00:00Z')
      .map((call, index) => ({ ...call, source: index === 0 ? 'sweep' : 'notification' }))
      .map(failing({ 1: 'midcall', 2: 'callSetup' })),
    ...soloCalls(nora, 2, 0, 4, '2026-02-17T10:00:00Z').map(failing({ 0: 'unknown' })),
  ];
}
