import type { EnqueueRequest, Inbox } from '../store';

/** Inbox writes one batcher keeps in flight at most (see {@link InboxBatcher}). */
export const MAX_WRITES_IN_FLIGHT = 2;

/**
 * Group commit for the webhook: notifications that arrive in the same turn of the event loop are
 * written to the inbox in one write, and each POST is answered only after that write is durable.
 * At most `maxInFlight` writes run at once; what arrives meanwhile waits for one to end and goes
 * in the next. SQLite's write ends within its turn, so this never holds it back; on Azure Storage
 * a write takes round trips, and the notifications that come during them share the next one
 * (one entity-group transaction per tenant instead of one per turn). Alone, a POST waits for
 * nothing but its own write.
 */
export class InboxBatcher {
  private waiting: Array<{ requests: readonly EnqueueRequest[]; resolve: () => void; reject: (error: unknown) => void }> = [];
  private scheduled = false;
  private inFlight = 0;

  constructor(
    private readonly inbox: Inbox,
    private readonly clock: () => number = Date.now,
    private readonly maxInFlight = MAX_WRITES_IN_FLIGHT,
  ) {}

  /** Resolves when the requests are durable in the inbox; rejects when the write failed. */
  enqueue(requests: readonly EnqueueRequest[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ requests, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.waiting.length === 0 || this.inFlight >= this.maxInFlight) return;
    this.scheduled = true;
    // After the I/O callbacks of this turn: every request that arrived with this one joins it.
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    const batch = this.waiting;
    this.waiting = [];
    this.scheduled = false;
    this.inFlight += 1;
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
    } finally {
      this.inFlight -= 1;
      this.schedule();
    }
  }
}
