import { BackgroundLoop } from '../background-loop';
import type { Logger } from '../logger';
import type { Inbox } from '../store';

const DAY_MS = 24 * 60 * 60 * 1000;

/** How often done inbox items are pruned after the first time at start. */
export const INBOX_RETENTION_INTERVAL_MS = 60 * 60 * 1000;

/** What the inbox retention needs. */
export interface InboxRetentionOptions {
  inbox: Inbox;
  /** `INBOX_RETENTION_DAYS`: done items that finished longer ago than this are removed. */
  days: number;
  logger: Logger;
  clock?: () => number;
  intervalMs?: number;
}

/**
 * Keeps the inbox to the work in flight: removes done items older than `INBOX_RETENTION_DAYS` at
 * start and then every hour, so its table and indexes stay the size of a few days' calls and every
 * webhook write stays as cheap as the first. Pending, leased and dead items are never removed (the
 * store guarantees it). Several instances may prune at once; removing what is already gone is
 * harmless. A failure is logged and the next round tries again.
 */
export class InboxRetention {
  private readonly clock: () => number;
  private readonly loop: BackgroundLoop;

  constructor(private readonly options: InboxRetentionOptions) {
    this.clock = options.clock ?? Date.now;
    this.loop = new BackgroundLoop(async () => {
      await this.pruneOnce().catch((error: Error) => options.logger.error({ err: error.message }, 'could not prune the done inbox items'));
      return true;
    }, options.intervalMs ?? INBOX_RETENTION_INTERVAL_MS);
  }

  /** The cut: items done before this instant are removed. */
  cutoff(): number {
    return this.clock() - this.options.days * DAY_MS;
  }

  /** Removes the done items that finished before {@link cutoff}. Resolves to how many. */
  async pruneOnce(): Promise<number> {
    const before = this.cutoff();
    const removed = await this.options.inbox.prune(before);
    if (removed > 0) this.options.logger.info({ removed, before: new Date(before).toISOString() }, 'pruned done inbox items');
    return removed;
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }
}
