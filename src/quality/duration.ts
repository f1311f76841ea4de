import { parse, pattern } from 'iso8601-duration';

/** The library's pattern is not anchored: without this, `xPT1S` and `PT1S junk` would be read as 1 s. */
const WHOLE_DURATION = new RegExp(`^${pattern.source}$`);

const MS_PER_SECOND = 1000;
const MS_PER_MINUTE = 60 * MS_PER_SECOND;
const MS_PER_HOUR = 60 * MS_PER_MINUTE;
const MS_PER_DAY = 24 * MS_PER_HOUR;

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
  const fast = timeDurationMilliseconds(value);
  if (fast !== undefined) return fast;
  if (!WHOLE_DURATION.test(value.replace(/,/g, '.'))) return undefined;
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(value);
  } catch {
    return undefined;
  }
  if (parsed.years || parsed.months) return undefined;
  // Computed from the parts rather than with the library's `toSeconds`, which goes through a Date:
  // that reads the clock and drops fractions of a millisecond (`PT0.0305S` became 30, not 30.5).
  const milliseconds =
    ((parsed.weeks ?? 0) * 7 + (parsed.days ?? 0)) * MS_PER_DAY +
    (parsed.hours ?? 0) * MS_PER_HOUR +
    (parsed.minutes ?? 0) * MS_PER_MINUTE +
    (parsed.seconds ?? 0) * MS_PER_SECOND;
  return Number.isFinite(milliseconds) ? roundToMicrosecond(milliseconds) : undefined;
}

/**
 * Reads the shape Graph writes stream durations in, `PT[nH][nM][n[.n]S]` (`PT0S`, `PT0.016S`,
 * `PT1M2.5S`), character by character: it runs for every metric of every stream, and a regular
 * expression's match arrays and substrings made the garbage collector a quarter of the scoring time.
 * Anything else returns `undefined` and is left to the general path.
 */
function timeDurationMilliseconds(value: string): number | undefined {
  const length = value.length;
  if (length < 4 || value.charCodeAt(0) !== 80 /* P */ || value.charCodeAt(1) !== 84 /* T */) return undefined;
  let milliseconds = 0;
  // Units must come in this order, each at most once: hours (3), minutes (2), seconds (1).
  let nextUnit = 3;
  let index = 2;
  while (index < length) {
    let whole = 0;
    let digits = 0;
    let code = value.charCodeAt(index);
    while (code >= 48 && code <= 57) {
      whole = whole * 10 + (code - 48);
      digits += 1;
      code = value.charCodeAt(++index);
    }
    if (digits === 0) return undefined;
    let fraction = 0;
    let scale = 1;
    if (code === 46 /* . */) {
      code = value.charCodeAt(++index);
      while (code >= 48 && code <= 57) {
        fraction = fraction * 10 + (code - 48);
        scale *= 10;
        code = value.charCodeAt(++index);
      }
      // Only seconds may carry a fraction here; "PT1.5M" and "PT1.S" go to the general path.
      if (scale === 1 || code !== 83 /* S */) return undefined;
    }
    index += 1;
    if (code === 72 /* H */ && nextUnit >= 3) {
      milliseconds += whole * MS_PER_HOUR;
      nextUnit = 2;
    } else if (code === 77 /* M */ && nextUnit >= 2) {
      milliseconds += whole * MS_PER_MINUTE;
      nextUnit = 1;
    } else if (code === 83 /* S */ && nextUnit >= 1) {
      milliseconds += whole * MS_PER_SECOND + (fraction * MS_PER_SECOND) / scale;
      nextUnit = 0;
    } else {
      return undefined;
    }
  }
  return Number.isFinite(milliseconds) ? roundToMicrosecond(milliseconds) : undefined;
}

function roundToMicrosecond(milliseconds: number): number {
  return Math.round(milliseconds * 1000) / 1000;
}
