/** One rate limit: at most `limit` sends in any `windowMs`. */
export interface SendWindow {
  limit: number;
  windowMs: number;
}

/** Teams' per-bot, per-conversation limits (7 / 1 s, 8 / 2 s, 60 / 30 s, 1,800 / hour). */
export const TEAMS_CONVERSATION_LIMITS: readonly SendWindow[] = [
  { limit: 7, windowMs: 1_000 },
  { limit: 8, windowMs: 2_000 },
  { limit: 60, windowMs: 30_000 },
  { limit: 1_800, windowMs: 60 * 60_000 },
];

/**
 * A sliding-window budget per conversation: remembers when each send happened and answers how
 * many more fit in every window right now. In memory, per process: with several instances each
 * one keeps its own count, which is why alerts for one conversation should be delivered by one
 * instance at a time (the alert-job leases see to that for a given call).
 */
export class ConversationSendBudget {
  private readonly sends = new Map<string, number[]>();
  private readonly longestWindowMs: number;

  constructor(private readonly windows: readonly SendWindow[] = TEAMS_CONVERSATION_LIMITS) {
    if (windows.length === 0 || windows.some((window) => !(window.limit > 0) || !(window.windowMs > 0))) {
      throw new RangeError('ConversationSendBudget needs at least one window, each with a positive limit and length.');
    }
    this.longestWindowMs = Math.max(...windows.map((window) => window.windowMs));
  }

  /** How many sends to `key` fit now without breaking any window. */
  available(key: string, now: number): number {
    const times = this.recent(key, now);
    let room = Number.POSITIVE_INFINITY;
    for (const window of this.windows) {
      const used = countSince(times, now - window.windowMs);
      room = Math.min(room, window.limit - used);
    }
    return Math.max(0, room);
  }

  /** Counts one send to `key` at `now` when it fits; false (and nothing counted) when it does not. */
  take(key: string, now: number): boolean {
    if (this.available(key, now) < 1) return false;
    this.record(key, now);
    return true;
  }

  /** Counts one send that happened (fits or not: a retry the service accepted still counts). */
  record(key: string, now: number): void {
    const times = this.recent(key, now);
    times.push(now);
    this.sends.set(key, times);
  }

  /** The earliest time at which one more send to `key` fits. */
  nextFreeAt(key: string, now: number): number {
    const times = this.recent(key, now);
    let at = now;
    for (const window of this.windows) {
      const inside = times.filter((time) => time > now - window.windowMs);
      if (inside.length >= window.limit) {
        // The send that must fall out of the window for one more to fit.
        const leaving = inside[inside.length - window.limit]!;
        at = Math.max(at, leaving + window.windowMs + 1);
      }
    }
    return at;
  }

  /** Drops conversations with no send inside the longest window (keeps memory bounded). */
  prune(now: number): void {
    for (const key of [...this.sends.keys()]) {
      if (this.recent(key, now).length === 0) this.sends.delete(key);
    }
  }

  private recent(key: string, now: number): number[] {
    const times = this.sends.get(key) ?? [];
    const since = now - this.longestWindowMs;
    let first = 0;
    while (first < times.length && times[first]! <= since) first++;
    const kept = first === 0 ? times : times.slice(first);
    if (kept.length === 0) this.sends.delete(key);
    else if (first > 0) this.sends.set(key, kept);
    return kept;
  }
}

function countSince(times: readonly number[], since: number): number {
  let count = 0;
  for (let index = times.length - 1; index >= 0 && times[index]! > since; index--) count++;
  return count;
}
