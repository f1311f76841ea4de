import type { ClaimedItem } from '../store';

/**
 * Items a worker leased before it had a free slot for them, started as slots free instead of
 * claiming again. On Azure Storage a claim that can take one call of a group message leases it and
 * announces the rest in a new message (a receive, a send and, when the call is settled, a delete):
 * claiming a few calls ahead spreads those three requests over several calls. Each waits at most
 * until its lease is half spent; one older is let go (its message brings it back when the lease
 * ends) rather than started late, when another instance may take it.
 */
export class ClaimedAhead {
  private readonly items: ClaimedItem[] = [];

  /** `limit`: how many items may wait (0: none, every claim asks only for the free slots). */
  constructor(
    private readonly limit: number,
    private readonly leaseMs: number,
  ) {}

  /** How many items wait. */
  get size(): number {
    return this.items.length;
  }

  /** How many more a claim may take beyond the free slots. */
  get room(): number {
    return Math.max(0, this.limit - this.items.length);
  }

  /** Up to `count` waiting items, oldest first, dropping those whose lease is more than half spent. */
  take(count: number, now: number): ClaimedItem[] {
    const taken: ClaimedItem[] = [];
    while (taken.length < count && this.items.length > 0) {
      const item = this.items.shift()!;
      if (item.leaseUntil === null || item.leaseUntil - now >= this.leaseMs / 2) taken.push(item);
    }
    return taken;
  }

  /** Of items just claimed, returns the first `free` to start now and keeps the others waiting. */
  keep(claimed: readonly ClaimedItem[], free: number): ClaimedItem[] {
    const start = Math.max(0, free);
    this.items.push(...claimed.slice(start));
    return claimed.slice(0, start);
  }
}
