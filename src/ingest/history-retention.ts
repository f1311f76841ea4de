import { BackgroundLoop } from '../background-loop';
import { utcDay } from '../insights';
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
 */
export class HistoryRetention {
  private readonly clock: () => number;
  private readonly loop: BackgroundLoop;

  constructor(private readonly options: HistoryRetentionOptions) {
    this.clock = options.clock ?? Date.now;
    this.loop = new BackgroundLoop(async () => {
      await this.pruneOnce().catch((error: Error) => options.logger.error({ err: error.message }, 'could not prune the call history'));
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

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }
}
