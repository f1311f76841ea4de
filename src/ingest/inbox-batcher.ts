import type { EnqueueRequest, Inbox } from '../store';

/**
 * Group commit for the webhook: notifications that arrive in the same turn of the event loop are
 * written to the inbox in one transaction, and each POST is answered only after that transaction
 * committed. Under a burst this turns hundreds of small transactions into a few large ones; alone,
 * a POST waits for nothing but its own write.
 */
export class InboxBatcher {
  private waiting: Array<{ requests: readonly EnqueueRequest[]; resolve: () => void; reject: (error: unknown) => void }> = [];
  private scheduled = false;

  constructor(
    private readonly inbox: Inbox,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Resolves when the requests are durable in the inbox; rejects when the write failed. */
  enqueue(requests: readonly EnqueueRequest[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ requests, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // After the I/O callbacks of this turn: every request that arrived with this one joins it.
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.waiting;
    this.waiting = [];
    this.scheduled = false;
    try {
      // Journaled: an engine that has a journal (SQLite) appends instead of writing each call's row.
      await this.inbox.enqueue(
        batch.flatMap((entry) => entry.requests),
        this.clock(),
        { journal: true },
      );
      for (const entry of batch) entry.resolve();
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    }
  }
}
