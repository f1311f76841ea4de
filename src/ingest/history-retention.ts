import { BackgroundLoop } from '../background-loop';
import { HistoryReader } from '../history';
import { addDays, utcDay } from '../insights';
import type { Logger } from '../logger';
import type { HistoryStore } from '../store';

const DAY_MS = 24 * 60 * 60 * 1000;

/** How often the history is pruned after the first time at start. */
export const RETENTION_INTERVAL_MS = 6 * 60 * 60 * 1000;

export interface HistoryRetentionOptions {
  history: HistoryStore;
  /** `HISTORY_DAYS`: calls of this many whole UTC days back are kept; older days are removed. */
  days: number;
  logger: Logger;
  clock?: () => number;
  intervalMs?: number;
}

/**
 * Keeps the call history to `HISTORY_DAYS`: prunes once at start, then every few hours. Several
 * instances may prune at once; removing what is already gone is harmless. A failure is logged and
 * the next round tries again.
 *
 * Each round then brings the cached aggregates of the kept days before today up to date (a day
 * whose calls changed since its aggregate was written is recomputed), so that `trends` and `top`
 * recompute little more than today when an admin asks: a busy day takes tens of milliseconds to
 * recompute, a cached one well under one.
 */
export class HistoryRetention {
  private readonly clock: () => number;
  private readonly loop: BackgroundLoop;

  constructor(private readonly options: HistoryRetentionOptions) {
    this.clock = options.clock ?? Date.now;
    this.loop = new BackgroundLoop(async () => {
      await this.pruneOnce().catch((error: Error) => options.logger.error({ err: error.message }, 'could not prune the call history'));
      await this.refreshAggregates().catch((error: Error) => options.logger.error({ err: error.message }, "could not bring the call history's day aggregates up to date"));
      return true;
    }, options.intervalMs ?? RETENTION_INTERVAL_MS);
  }

  /** The first UTC day kept now: `HISTORY_DAYS` days before today; every call of an earlier day goes. */
  firstDayKept(): string {
    return utcDay(this.clock() - this.options.days * DAY_MS);
  }

  /** Removes the calls of the days before {@link firstDayKept}. Resolves to how many. */
  async pruneOnce(): Promise<number> {
    const beforeDay = this.firstDayKept();
    const removed = await this.options.history.prune(beforeDay);
    if (removed > 0) this.options.logger.info({ removed, beforeDay }, 'pruned the call history');
    return removed;
  }

  /** Recomputes the missing or stale aggregates of every tenant's kept days before today. */
  async refreshAggregates(): Promise<void> {
    const reader = new HistoryReader({ history: this.options.history, logger: this.options.logger });
    const yesterday = addDays(utcDay(this.clock()), -1);
    for (const tenantId of await this.options.history.tenants()) await reader.days(tenantId, this.firstDayKept(), yesterday, []);
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }
}
