import type { StreamKind } from '../quality';
import { poorPercent, STREAM_KINDS, sumAggregates, type CallCounts, type DayAggregate, type KindCounts } from './day-aggregate';

/** One day of a trend. */
export interface TrendDay {
  day: string;
  /** Poor ÷ classified × 100 per kind; null on a day with nothing classified of that kind. */
  poorPercent: Record<StreamKind, number | null>;
  calls: number;
  /** Calls with a failed session (could not be set up, dropped, or failed at a stage Graph does not name). */
  failedCalls: number;
  badRatings: number;
}

/** A period's totals, with the poor % of each kind over all its streams. */
export interface PeriodTotals extends CallCounts {
  poorPercent: Record<StreamKind, number | null>;
}

/** How a period compares with the one before it. */
export interface PeriodChange {
  /** Poor % now minus poor % before, in percentage points; null unless both are known. */
  poorPoints: Record<StreamKind, number | null>;
  /** (now − before) ÷ before × 100; null when there was nothing before. */
  callsPercent: number | null;
  failedCallsPercent: number | null;
  badRatingsPercent: number | null;
}

/** `trends`: the daily poor % per kind, calls, failed calls and bad ratings, and the period against the one before. */
export interface Trends {
  days: number;
  /** First and last day of the period (inclusive). */
  from: string;
  to: string;
  daily: TrendDay[];
  current: PeriodTotals;
  previous: PeriodTotals;
  change: PeriodChange;
}

/**
 * The trend over `current` (one aggregate per day, oldest first) against `previous` (the period of
 * the same length before it).
 */
export function trendsOf(current: readonly DayAggregate[], previous: readonly DayAggregate[]): Trends {
  const now = totalsOf(current);
  const before = totalsOf(previous);
  return {
    days: current.length,
    from: current[0]?.day ?? '',
    to: current.at(-1)?.day ?? '',
    daily: current.map((day) => ({
      day: day.day,
      poorPercent: percentPerKind(day.kinds),
      calls: day.calls,
      failedCalls: day.failedCalls,
      badRatings: day.badRatings,
    })),
    current: now,
    previous: before,
    change: changeBetween(now, before),
  };
}

/** The totals of some days. */
export function totalsOf(days: readonly DayAggregate[]): PeriodTotals {
  const sum = sumAggregates(days);
  return {
    calls: sum.calls,
    alertCalls: sum.alertCalls,
    sweepCalls: sum.sweepCalls,
    failedCalls: sum.failedCalls,
    setupFailedCalls: sum.setupFailedCalls,
    droppedCalls: sum.droppedCalls,
    ratings: sum.ratings,
    badRatings: sum.badRatings,
    kinds: sum.kinds,
    poorPercent: percentPerKind(sum.kinds),
  };
}

/** The change from `before` to `now`. */
export function changeBetween(now: PeriodTotals, before: PeriodTotals): PeriodChange {
  const poorPoints = {} as Record<StreamKind, number | null>;
  for (const kind of STREAM_KINDS) {
    const [a, b] = [now.poorPercent[kind], before.poorPercent[kind]];
    poorPoints[kind] = a === null || b === null ? null : a - b;
  }
  return {
    poorPoints,
    callsPercent: percentChange(now.calls, before.calls),
    failedCallsPercent: percentChange(now.failedCalls, before.failedCalls),
    badRatingsPercent: percentChange(now.badRatings, before.badRatings),
  };
}

function percentPerKind(kinds: Record<StreamKind, KindCounts>): Record<StreamKind, number | null> {
  return { audio: poorPercent(kinds.audio), video: poorPercent(kinds.video), vbss: poorPercent(kinds.vbss) };
}

function percentChange(now: number, before: number): number | null {
  return before === 0 ? null : ((now - before) / before) * 100;
}
