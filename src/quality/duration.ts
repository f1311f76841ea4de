import { parse, toSeconds } from 'iso8601-duration';

/**
 * Converts an ISO 8601 duration (`PT0.016S`, `PT1M2.5S`) to milliseconds.
 *
 * Returns `undefined` for anything that is not a duration string, so that a malformed value
 * counts as "not reported" instead of failing the whole record. Calendar units (years, months)
 * have no fixed length and are refused the same way; Graph never uses them for stream metrics.
 * The result is rounded to the microsecond so that `PT0.030S` is exactly 30 and not 30.000000000000004.
 */
export function durationToMilliseconds(value: unknown): number | undefined {
  // A leading minus is refused: no stream metric can be negative, and the parser would drop the sign.
  if (typeof value !== 'string' || value.startsWith('-')) return undefined;
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(value);
  } catch {
    return undefined;
  }
  if (parsed.years || parsed.months) return undefined;
  const seconds = toSeconds(parsed);
  if (!Number.isFinite(seconds)) return undefined;
  return Math.round(seconds * 1_000_000) / 1000;
}
