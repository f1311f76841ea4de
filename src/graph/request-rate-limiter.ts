/** At most `limit` requests in any `windowMs` milliseconds. */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

/** The Graph limits the client keeps to (see docs/platform-facts.md). */
export interface GraphRateLimits {
  /** Per app per tenant: 1,500 requests / 20 s. */
  perTenant: RateLimit;
  /** Per call record (the record and its session pages): 40 / 20 s. */
  perCallRecord: RateLimit;
  /** Listing call records (the reconciliation sweep): 40 / 20 s. */
  listCallRecords: RateLimit;
}

/** Microsoft's documented limits for call records. */
export const GRAPH_RATE_LIMITS: GraphRateLimits = Object.freeze({
  perTenant: Object.freeze({ limit: 1500, windowMs: 20_000 }),
  perCallRecord: Object.freeze({ limit: 40, windowMs: 20_000 }),
  listCallRecords: Object.freeze({ limit: 40, windowMs: 20_000 }),
});

/** Permission to send one request. Release it once the answer (or the failure) has arrived. */
export interface RateLimitPermit {
  release(): void;
}

/** Clock and sleep, injectable so tests and benchmarks can drive time. */
export interface LimiterClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

interface WindowState {
  rule: RateLimit;
  /** When each finished request of the current window finished, ascending. */
  finishedAt: number[];
  inFlight: number;
  waiters: Array<(permit: RateLimitPermit) => void>;
  pumping: boolean;
  /** Wakes a pump that waits for an in-flight request to finish. */
  onRelease: (() => void) | undefined;
  pausedUntil: number;
}

const IDLE_SWEEP_EVERY = 512;

/**
 * Keeps requests under sliding-window limits by making callers wait (asynchronously, first come
 * first served) for capacity, so a burst drains at close to the ceiling without a 429.
 *
 * Why not a token bucket: Graph counts requests in a sliding window, and a bucket that starts full
 * and refills at `limit / window` lets through up to twice the limit in one window. Here each key
 * remembers when its last `limit` requests happened, which is exact at the ceiling.
 *
 * Why the finish time counts, not the send time: the server counts a request when it arrives,
 * which is after we send it and before its answer comes back. Holding the slot until the answer
 * and then keeping it for a full window means the server always sees the old request leave its
 * window before the next one arrives, whatever the network latency; it costs only latency/window
 * of the throughput.
 */
export class RequestRateLimiter {
  private readonly windows = new Map<string, WindowState>();
  private acquisitions = 0;

  constructor(private readonly clock: LimiterClock) {}

  /**
   * Waits until a request under `key` fits in `rule`, then resolves with a permit. Callers that
   * need several keys (tenant and call record) acquire the narrowest first, so they never hold
   * the tenant's capacity while waiting for their own.
   */
  acquire(key: string, rule: RateLimit): Promise<RateLimitPermit> {
    if (!(rule.limit >= 1) || !(rule.windowMs > 0)) {
      throw new RangeError(`Rate limit for "${key}" must allow at least 1 request in a window longer than 0 ms (got ${rule.limit} / ${rule.windowMs} ms).`);
    }
    if (++this.acquisitions % IDLE_SWEEP_EVERY === 0) this.forgetIdleWindows();
    const state = this.windowFor(key, rule);
    const now = this.clock.now();
    if (state.waiters.length === 0 && state.pausedUntil <= now) {
      this.prune(state, now);
      if (state.inFlight + state.finishedAt.length < state.rule.limit) {
        state.inFlight += 1;
        return Promise.resolve(this.permitFor(state));
      }
    }
    return new Promise((resolve) => {
      state.waiters.push(resolve);
      void this.pump(state);
    });
  }

  /** Holds every request under `key` until `until` (after a 429 with `Retry-After`). */
  pause(key: string, rule: RateLimit, until: number): void {
    const state = this.windowFor(key, rule);
    state.pausedUntil = Math.max(state.pausedUntil, until);
  }

  /** How many requests are waiting for capacity, over all keys. */
  get waiting(): number {
    let count = 0;
    for (const state of this.windows.values()) count += state.waiters.length;
    return count;
  }

  /** How many keys are tracked (for tests of the idle clean-up). */
  get trackedKeys(): number {
    return this.windows.size;
  }

  private windowFor(key: string, rule: RateLimit): WindowState {
    let state = this.windows.get(key);
    if (!state) {
      state = { rule, finishedAt: [], inFlight: 0, waiters: [], pumping: false, onRelease: undefined, pausedUntil: 0 };
      this.windows.set(key, state);
    } else {
      state.rule = rule;
    }
    return state;
  }

  private permitFor(state: WindowState): RateLimitPermit {
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        state.inFlight -= 1;
        const now = this.clock.now();
        const last = state.finishedAt[state.finishedAt.length - 1];
        // Keep the list sorted even if an injected clock steps backwards.
        state.finishedAt.push(last !== undefined && last > now ? last : now);
        const wake = state.onRelease;
        state.onRelease = undefined;
        wake?.();
      },
    };
  }

  private prune(state: WindowState, now: number): void {
    const cutoff = now - state.rule.windowMs;
    let drop = 0;
    while (drop < state.finishedAt.length && state.finishedAt[drop]! <= cutoff) drop += 1;
    if (drop > 0) state.finishedAt.splice(0, drop);
  }

  /** One pump per key hands out capacity to waiters in order, sleeping until a slot frees. */
  private async pump(state: WindowState): Promise<void> {
    if (state.pumping) return;
    state.pumping = true;
    try {
      while (state.waiters.length > 0) {
        const now = this.clock.now();
        if (state.pausedUntil > now) {
          await this.clock.sleep(state.pausedUntil - now);
          continue;
        }
        this.prune(state, now);
        if (state.inFlight + state.finishedAt.length < state.rule.limit) {
          state.inFlight += 1;
          state.waiters.shift()!(this.permitFor(state));
          continue;
        }
        const oldest = state.finishedAt[0];
        if (oldest !== undefined) {
          await this.clock.sleep(Math.max(1, oldest + state.rule.windowMs - now));
        } else {
          // Every slot is in flight: nothing frees before one of them finishes.
          await new Promise<void>((resolve) => {
            state.onRelease = resolve;
          });
        }
      }
    } finally {
      state.pumping = false;
    }
  }

  private forgetIdleWindows(): void {
    const now = this.clock.now();
    for (const [key, state] of this.windows) {
      this.prune(state, now);
      if (state.inFlight === 0 && state.waiters.length === 0 && state.finishedAt.length === 0 && state.pausedUntil <= now) {
        this.windows.delete(key);
      }
    }
  }
}
