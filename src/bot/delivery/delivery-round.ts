import pLimit from 'p-limit';

/** What one round of delivery did (for logs, the CLI and tests). */
export interface DeliveryRound {
  jobs: number;
  completed: number;
  retried: number;
  killed: number;
  /** New alert cards posted. */
  sent: number;
  /** Cards already sent, updated for a newer version. */
  updated: number;
  /** Digest cards posted, and the calls folded into them. */
  digests: number;
  folded: number;
  /** Deliveries put off because the conversation's budget was spent. */
  deferred: number;
  /** Deliveries to conversations found gone (403/404), now marked dead. */
  gone: number;
  /** Deliveries that failed and will be retried. */
  failed: number;
}

/** What became of one planned card. */
export type CardOutcome =
  | { kind: 'sent' | 'updated' | 'folded' }
  | { kind: 'deferred'; at: number }
  | { kind: 'gone'; reason: string }
  | { kind: 'failed'; error: string };

/** A round with every count at zero. */
export function emptyRound(): DeliveryRound {
  return { jobs: 0, completed: 0, retried: 0, killed: 0, sent: 0, updated: 0, digests: 0, folded: 0, deferred: 0, gone: 0, failed: 0 };
}

/** The counts of several rounds (or parts of one) added up. */
export function sumRounds(...parts: readonly Partial<DeliveryRound>[]): DeliveryRound {
  const total = emptyRound();
  for (const part of parts) for (const key of Object.keys(total) as (keyof DeliveryRound)[]) total[key] += part[key] ?? 0;
  return total;
}

/** The card counts of a round, from what became of each card. */
export function countOutcomes(outcomes: Iterable<CardOutcome>): Partial<DeliveryRound> {
  const counts = { sent: 0, updated: 0, folded: 0, deferred: 0, gone: 0, failed: 0 };
  for (const outcome of outcomes) counts[outcome.kind]++;
  return counts;
}

/** True when a round made no progress (nothing due, or nothing settled), so the loop may wait. */
export function isIdleRound(round: DeliveryRound): boolean {
  return round.jobs === 0 || round.completed + round.killed === 0;
}

/** Runs `work` over `items`, at most `limit` at a time (`p-limit`); resolves to the results in order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const slot = pLimit(Math.max(1, limit));
  return Promise.all(items.map((item) => slot(() => work(item))));
}
