/** Measuring helpers shared by benchmark sections. */

/** Runs `operation` `iterations` times and returns the nanoseconds per run. */
export function nanosecondsPerRun(operation: () => unknown, iterations: number): number {
  const start = process.hrtime.bigint();
  for (let index = 0; index < iterations; index += 1) keep(operation());
  return Number(process.hrtime.bigint() - start) / iterations;
}

/** How many runs of `operation` fill about `budgetMs` milliseconds (at least one). */
export function iterationsFor(operation: () => unknown, budgetMs: number): number {
  const once = nanosecondsPerRun(operation, 1);
  return Math.max(1, Math.round((budgetMs * 1e6) / Math.max(once, 1)));
}

/** What reading `process.hrtime.bigint()` twice costs, in nanoseconds (the median of many tries). */
export function timerOverheadNs(): number {
  const samples: number[] = [];
  for (let index = 0; index < 10_000; index += 1) {
    const start = process.hrtime.bigint();
    samples.push(Number(process.hrtime.bigint() - start));
  }
  return median(samples);
}

/** The median of some samples. */
export function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** min, median and max of samples, as figures named after `name`. */
export function spread(name: string, samples: readonly number[]): Record<string, number> {
  const { min, median: middle, max } = spreadOf(samples);
  return { [`${name} min`]: min, [`${name} median`]: middle, [`${name} max`]: max };
}

/** Formats a number for a results table: thousands grouped, three significant digits under 100. */
export function formatFigure(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return value.toLocaleString('en-US', { maximumFractionDigits: 0 });
  return value.toLocaleString('en-US', { maximumSignificantDigits: 3 });
}

/** Uses each result, so that the optimizer cannot drop the work that produced it. */
function keep(value: unknown): void {
  if (value === keep) throw new Error('Unreachable: a benchmark result cannot be the sink itself.');
}

/** The smallest, median and largest of some samples, for figures over several runs. */
export function spreadOf(samples: readonly number[]): { min: number; median: number; max: number } {
  return { min: Math.min(...samples), median: median(samples), max: Math.max(...samples) };
}
