import { utcDay } from './call-history';

const DAY_MS = 86_400_000;

/** The UTC day `count` days after `day` (before it when negative), both `YYYY-MM-DD`. */
export function addDays(day: string, count: number): string {
  return utcDay(Date.parse(`${day}T00:00:00Z`) + count * DAY_MS);
}

/** The `count` UTC days that end with `lastDay` (inclusive), oldest first. */
export function daysEndingWith(lastDay: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => addDays(lastDay, index - count + 1));
}

/**
 * A period of `days` UTC days ending with `now`'s day (today counts, though it is not over), and
 * the period of the same length just before it, which trends compare against.
 */
export interface Period {
  days: number;
  /** First and last day, inclusive. */
  from: string;
  to: string;
  previousFrom: string;
  previousTo: string;
}

/** The period of `days` days up to and including `now`'s UTC day, with the one before it. */
export function periodEndingAt(now: number, days: number): Period {
  const to = utcDay(now);
  const from = addDays(to, -(days - 1));
  return { days, from, to, previousFrom: addDays(from, -days), previousTo: addDays(from, -1) };
}

/** The days an answer covers: how many, the first and the last (inclusive, UTC). */
export interface AnswerPeriod {
  days: number;
  from: string;
  to: string;
}
