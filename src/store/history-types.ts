/** History of scored calls, and runs that happen once: the parts of the {@link Store} the insights use. */

/**
 * The summary of one scored call as history keeps it: the newest version only. The summary is
 * opaque text to the store (src/insights encodes and decodes it, about 1 KB a call).
 */
export interface CallHistoryRecord {
  tenantId: string;
  callId: string;
  version: number;
  /** The UTC day the call started (`YYYY-MM-DD`; the day it was scored when Graph gave no start). */
  day: string;
  /** Epoch ms, null when Graph gave no start. */
  startedAt: number | null;
  /** Everyone in the call, as lower-cased Entra object ids and UPNs: `user`, `my calls` and `forget` find calls by these. */
  people: string[];
  /** The compact summary (src/insights). */
  summary: string;
}

/** The aggregate of one tenant's day, as {@link HistoryStore.readRollups} finds it. */
export interface DayRollup {
  /** `YYYY-MM-DD` (UTC). */
  day: string;
  /** The day's aggregate (src/insights encodes it), or null when none is kept or a call of the day was kept since it was written. */
  rollup: string | null;
  /** Passed back to {@link HistoryStore.writeRollup}: the write is refused when a call of the day was kept after this read. */
  tag: string;
}

/**
 * Every scored call, as compact summaries by tenant and day, with one cached aggregate per day so
 * that a 30-day trend is a handful of reads. Both engines keep only a call's newest version.
 */
export interface HistoryStore {
  /**
   * Keeps a call's summary unless the same or a newer version is kept already. A newer version
   * replaces the older one (also when its day differs), and the day (or both days) count as changed
   * for their aggregates. Resolves to true when kept. `likelyNew` (the call has no report yet) lets
   * an engine write without first reading what is kept; one that is kept after all is read then.
   */
  putCall(record: CallHistoryRecord, options?: { likelyNew?: boolean }): Promise<boolean>;
  getCall(tenantId: string, callId: string): Promise<CallHistoryRecord | undefined>;
  /** The tenant's calls from `fromDay` to `toDay` (inclusive), by day, read page by page as the caller iterates. */
  listCalls(tenantId: string, fromDay: string, toDay: string): AsyncIterable<CallHistoryRecord>;
  /**
   * Calls with a person (an Entra object id or a UPN, any case) from `fromDay` on, newest first, at
   * most `limit`; in one tenant, or in every tenant when `tenantId` is null.
   */
  callsOf(tenantId: string | null, person: string, fromDay: string, limit: number): Promise<CallHistoryRecord[]>;
  /** One entry per day from `fromDay` to `toDay` (inclusive), in order, whether or not anything is kept for it. */
  readRollups(tenantId: string, fromDay: string, toDay: string): Promise<DayRollup[]>;
  /** Keeps a day's aggregate, unless a call of the day was kept since the read that gave `tag`. Resolves to true when kept. */
  writeRollup(tenantId: string, day: string, rollup: string, tag: string): Promise<boolean>;
  /** The tenants with any history. */
  tenants(): Promise<string[]>;
  /** Removes the calls (and aggregates) of days before `beforeDay`. Resolves to how many calls were removed. */
  prune(beforeDay: string): Promise<number>;
  /**
   * Rewrites every call with a person (id or UPN, any case; every tenant) through `scrub`, which
   * returns the summary and people without them; the days count as changed. Resolves to how many calls.
   */
  forgetPerson(person: string, scrub: (record: CallHistoryRecord) => Pick<CallHistoryRecord, 'summary' | 'people'>): Promise<number>;
}

/** A job that must run once (the weekly report of a week for a tenant), whoever runs it. */
export interface ScheduledRun {
  key: string;
  state: 'running' | 'done';
  holder: string;
  /** While running: until when the holder has it. */
  leaseUntil: number;
  finishedAt: number | null;
}

/** Runs that must happen once across instances and restarts. */
export interface RunStore {
  /**
   * Takes the run `key` for `holder` until `leaseUntil`: true when nobody had it, or when its holder's
   * lease ran out before it was done. False when it is done, or held by someone else.
   */
  claimRun(key: string, holder: string, now: number, leaseUntil: number): Promise<boolean>;
  /** Marks a run done. False when `holder` no longer holds it. */
  finishRun(key: string, holder: string, now: number): Promise<boolean>;
  getRun(key: string): Promise<ScheduledRun | undefined>;
}
