import { poorPercent, type DayAggregate } from './day-aggregate';
import type { Dimension } from './dimensions';
import type { AnswerPeriod } from './utc-days';

/** A value needs at least this many calls to be ranked, so that one bad call cannot top a list. */
export const TOP_MIN_CALLS = 3;

/** A value needs at least this many classified streams to be ranked: a poor % of 1 in 2 says little. */
export const TOP_MIN_CLASSIFIED = 10;

/** The most rows a top list has. */
export const TOP_ROWS = 10;

/** One ranked value of a top list. */
export interface TopRow {
  /** The value as the aggregates key it (a building, "subnet (name)", an Entra id, …). */
  value: string;
  /** What to show: the value, or the person's name for `people`. */
  label: string;
  poor: number;
  classified: number;
  calls: number;
  /** Poor ÷ classified × 100 (classified is at least {@link TOP_MIN_CLASSIFIED}, so never null). */
  poorPercent: number;
}

/** The worst values of one dimension over a period. */
export interface TopRanking {
  dimension: Dimension;
  rows: TopRow[];
  /** Values with poor streams that were not ranked: under {@link TOP_MIN_CALLS} calls or {@link TOP_MIN_CLASSIFIED} classified streams. */
  belowSample: number;
}

/**
 * The worst values of `dimension` in a period's aggregate (see `sumAggregates`): those with poor
 * streams and the minimum sample, most poor streams first (ties: the higher poor %, then by name),
 * at most `limit`.
 */
export function topListOf(period: DayAggregate, dimension: Dimension, limit = TOP_ROWS): TopRanking {
  const rows: TopRow[] = [];
  let belowSample = 0;
  for (const [value, counts] of period.values[dimension]) {
    if (counts.poor === 0) continue;
    if (counts.calls < TOP_MIN_CALLS || counts.classified < TOP_MIN_CLASSIFIED) {
      belowSample += 1;
      continue;
    }
    const label = dimension === 'people' ? (period.names.get(value) ?? value) : value;
    rows.push({ value, label, poor: counts.poor, classified: counts.classified, calls: counts.calls, poorPercent: poorPercent(counts) ?? 0 });
  }
  rows.sort((a, b) => b.poor - a.poor || b.poorPercent - a.poorPercent || a.label.localeCompare(b.label));
  return { dimension, rows: rows.slice(0, limit), belowSample };
}

/** What `top` is asked for: sites, networks (subnets and connection types), devices, people. */
export type TopListName = 'sites' | 'networks' | 'devices' | 'people';

/** The dimensions each `top` list ranks: `networks` ranks subnets and connection types. */
export const TOP_LIST_DIMENSIONS: Readonly<Record<TopListName, readonly Dimension[]>> = {
  sites: ['sites'],
  networks: ['networks', 'connections'],
  devices: ['devices'],
  people: ['people'],
};

/** `top`: one ranking per dimension of the list (two for `networks`: subnets and connection types). */
export interface TopAnswer extends AnswerPeriod {
  list: TopListName;
  rankings: TopRanking[];
}
