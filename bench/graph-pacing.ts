/**
 * How close a drain came to Graph's ceiling, measured from when Graph admitted its requests.
 *
 * A sliding window of `limit` requests per `windowMs` lets the first `limit` requests through at
 * once and every later one no earlier than `windowMs` after the one `limit` places before it. So a
 * client that keeps up with the ceiling has request n + limit exactly one window after request n,
 * and a slower one later: `windowMs` over the median of those gaps is the share of the ceiling the
 * client sustained (1 at the ceiling), whatever the length of the run and however fast its first,
 * free window went. The plain records-per-second of a short run would instead charge the client
 * for the first window, which the limit never lets it repeat.
 */

/** The share of the ceiling sustained by requests admitted at `times` (ms, any order); NaN with `limit` or fewer. */
export function sustainedShare(times: readonly number[], limit: number, windowMs: number): number {
  if (times.length <= limit) return Number.NaN;
  const sorted = [...times].sort((a, b) => a - b);
  const gaps: number[] = [];
  for (let index = 0; index + limit < sorted.length; index += 1) gaps.push(sorted[index + limit]! - sorted[index]!);
  gaps.sort((a, b) => a - b);
  const middle = Math.floor(gaps.length / 2);
  const median = gaps.length % 2 === 1 ? gaps[middle]! : (gaps[middle - 1]! + gaps[middle]!) / 2;
  return windowMs / Math.max(median, 1);
}
