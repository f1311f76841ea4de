import {
  addDays,
  aggregateDay,
  DayAggregateEncodingError,
  decodeCallHistory,
  decodeDayAggregate,
  DIMENSIONS,
  emptyDayAggregate,
  encodeDayAggregate,
  periodEndingAt,
  personCallsOf,
  sumAggregates,
  topListOf,
  TOP_LIST_DIMENSIONS,
  trendsOf,
  utcDay,
  weeklyReportOf,
  type CallHistory,
  type DayAggregate,
  type Dimension,
  type PersonCallsAnswer,
  type TopAnswer,
  type TopListName,
  type Trends,
  type WeeklyReport,
} from '../insights';
import type { Logger } from '../logger';
import type { DayRollup, HistoryStore } from '../store';

/** What the weekly report ranks: its top sites, networks and people. */
const WEEKLY_REPORT_DIMENSIONS: readonly Dimension[] = ['sites', 'networks', 'people'];

/** A person the history knows by name: their Entra id (lower case) and newest name. */
export interface KnownPerson {
  userId: string;
  name: string;
}

/** What a {@link HistoryReader} needs. */
export interface HistoryReaderOptions {
  history: HistoryStore;
  /** Told about summaries and cached aggregates that cannot be read (they are skipped or recomputed). */
  logger?: Logger;
}

/**
 * Answers the insight questions from the history, through the store's cached day aggregates: each
 * day whose aggregate is missing, or stale because a call of the day was kept since, is recomputed
 * from the day's calls and written back, so a 30-day trend reads 30 cached days, not 30 days of calls.
 * Days are UTC days; the current day counts though it is not over.
 */
export class HistoryReader {
  constructor(private readonly options: HistoryReaderOptions) {}

  /**
   * The aggregate of every day from `from` to `to` (inclusive), oldest first. Cached days bring only
   * the `dimensions` asked for (every one unless said; a trend needs none), since a busy day's
   * dimensions are hundreds of KB to read and its counts a few bytes.
   */
  async days(tenantId: string, from: string, to: string, dimensions: readonly Dimension[] = DIMENSIONS): Promise<DayAggregate[]> {
    const { history } = this.options;
    const rollups = await history.readRollups(tenantId, from, to);
    const result = new Map<string, DayAggregate>();
    const missing: DayRollup[] = [];
    for (const rollup of rollups) {
      const cached = rollup.rollup === null ? null : this.readCached(tenantId, rollup, dimensions);
      if (cached) result.set(rollup.day, cached);
      else missing.push(rollup);
    }
    for (const range of consecutiveDays(missing)) {
      const computed = await this.compute(tenantId, range[0]!.day, range.at(-1)!.day);
      await Promise.all(
        range.map((rollup) => {
          const aggregate = computed.get(rollup.day) ?? emptyDayAggregate(rollup.day);
          result.set(rollup.day, aggregate);
          // Refused when a call of the day was kept meanwhile: the next read recomputes it.
          return history.writeRollup(tenantId, rollup.day, encodeDayAggregate(aggregate), rollup.tag);
        }),
      );
    }
    return rollups.map((rollup) => result.get(rollup.day)!);
  }

  /** `trends`: the `days` days up to `now`'s day against the `days` before them. */
  async trends(tenantId: string, days: number, now: number): Promise<Trends> {
    const period = periodEndingAt(now, days);
    const aggregates = await this.days(tenantId, period.previousFrom, period.to, []);
    return trendsOf(aggregates.slice(days), aggregates.slice(0, days));
  }

  /** `top`: the worst values of the list's dimensions over the `days` days up to `now`'s day. */
  async top(tenantId: string, list: TopListName, days: number, now: number): Promise<TopAnswer> {
    const period = periodEndingAt(now, days);
    const total = sumAggregates(await this.days(tenantId, period.from, period.to, TOP_LIST_DIMENSIONS[list]));
    return { list, days, from: period.from, to: period.to, rankings: TOP_LIST_DIMENSIONS[list].map((dimension) => topListOf(total, dimension)) };
  }

  /** A person's calls (Entra id or UPN) over the `days` days up to `now`'s day, newest first, at most `limit`. */
  async callsOf(tenantId: string, person: string, days: number, now: number, limit: number): Promise<PersonCallsAnswer> {
    const period = periodEndingAt(now, days);
    const records = await this.options.history.callsOf(tenantId, person.trim().toLowerCase(), period.from, limit + 1);
    const calls = this.decodeAll(records.slice(0, limit));
    return { ...personCallsOf(person, calls), days, from: period.from, to: period.to, more: records.length > limit };
  }

  /**
   * The people the aggregates of the `days` days up to `now`'s day know by a name: those whose name
   * is `name` (any case), or else those whose name has every word of it.
   */
  async findPeople(tenantId: string, name: string, days: number, now: number): Promise<KnownPerson[]> {
    const period = periodEndingAt(now, days);
    const names = sumAggregates(await this.days(tenantId, period.from, period.to, ['people'])).names;
    const wanted = name.trim().toLowerCase();
    const words = wanted.split(/\s+/).filter(Boolean);
    const people = [...names].map(([userId, known]) => ({ userId, name: known }));
    const exact = people.filter((person) => person.name.toLowerCase() === wanted);
    const found = exact.length > 0 ? exact : people.filter((person) => words.every((word) => person.name.toLowerCase().includes(word)));
    return found.sort((a, b) => a.name.localeCompare(b.name) || a.userId.localeCompare(b.userId));
  }

  /**
   * The weekly report posted at `weekEnd` (epoch ms): the seven UTC days before `weekEnd`'s day,
   * against the seven before those.
   */
  async weeklyReport(tenantId: string, weekEnd: number): Promise<WeeklyReport> {
    const lastDay = addDays(utcDay(weekEnd), -1);
    const aggregates = await this.days(tenantId, addDays(lastDay, -13), lastDay, WEEKLY_REPORT_DIMENSIONS);
    return weeklyReportOf(aggregates.slice(7), aggregates.slice(0, 7));
  }

  private readCached(tenantId: string, rollup: DayRollup, dimensions: readonly Dimension[]): DayAggregate | null {
    try {
      return decodeDayAggregate(rollup.rollup!, dimensions);
    } catch (error) {
      // An aggregate of an older encoding is recomputed once after an upgrade: expected, not worth a warning.
      const level = error instanceof DayAggregateEncodingError && error.outdated ? 'debug' : 'warn';
      this.options.logger?.[level]({ tenantId, day: rollup.day, err: (error as Error).message }, 'history: recomputing a cached day aggregate that cannot be read');
      return null;
    }
  }

  /** The aggregates of the days from `from` to `to` that have calls, read day by day as the store lists them. */
  private async compute(tenantId: string, from: string, to: string): Promise<Map<string, DayAggregate>> {
    const computed = new Map<string, DayAggregate>();
    let day: string | null = null;
    let calls: CallHistory[] = [];
    const flush = () => {
      if (day === null) return;
      const aggregate = aggregateDay(day, calls);
      const earlier = computed.get(day);
      // The store lists by day; should a day come back later, its parts add up.
      computed.set(day, earlier ? { ...sumAggregates([earlier, aggregate]), day } : aggregate);
    };
    for await (const record of this.options.history.listCalls(tenantId, from, to)) {
      if (record.day !== day) {
        flush();
        day = record.day;
        calls = [];
      }
      calls.push(...this.decodeAll([record]));
    }
    flush();
    return computed;
  }

  private decodeAll(records: readonly { tenantId: string; callId: string; summary: string }[]): CallHistory[] {
    const calls: CallHistory[] = [];
    for (const record of records) {
      try {
        calls.push(decodeCallHistory(record.summary));
      } catch (error) {
        this.options.logger?.warn({ tenantId: record.tenantId, callId: record.callId, err: (error as Error).message }, 'history: skipping a call summary that cannot be read');
      }
    }
    return calls;
  }
}

/** Rollups of consecutive days grouped together, so each run of missing days is listed once. */
function consecutiveDays(rollups: readonly DayRollup[]): DayRollup[][] {
  const ranges: DayRollup[][] = [];
  for (const rollup of rollups) {
    const last = ranges.at(-1);
    if (last && addDays(last.at(-1)!.day, 1) === rollup.day) last.push(rollup);
    else ranges.push([rollup]);
  }
  return ranges;
}
