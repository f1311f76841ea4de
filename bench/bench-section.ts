/**
 * What a benchmark section is and what it reports. A section is a module that exports a
 * `BenchSection`; `bench/index.ts` lists them.
 */

/** One measured case of a section, e.g. "600 sessions". */
export interface BenchResult {
  /** What was measured, in words. */
  case: string;
  /** The figures, by a name that carries the unit: `records/s`, `µs/stream`. */
  figures: Record<string, number>;
  /** Targets this case is held to, and whether it met them. */
  targets?: BenchTarget[];
}

/** A target a figure should meet; reported, never asserted (benchmarks are not tests). */
export interface BenchTarget {
  description: string;
  met: boolean;
}

/** A named group of measurements, e.g. `quality`, `ingest`, `webhook`. */
export interface BenchSection {
  /** The name given on the command line to run only this section. */
  name: string;
  /** One sentence on what is measured and how. */
  description: string;
  run(): Promise<BenchResult[]>;
}
