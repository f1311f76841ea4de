import type { SentMessage } from './queue-lease-types';

/** A group message this instance holds as the lease of several rows: deleted when the last of them is settled. */
export interface SharedLease {
  message: SentMessage;
  tokens: Set<string>;
  /**
   * Whether the message announcing the group's other rows (the ones the claim left) was sent: it
   * goes out while the leased rows are worked on, and until it is out this message stays.
   */
  restAnnounced: Promise<boolean>;
}

/**
 * Group messages this instance leased several rows under (by message id), and the message each
 * such lease token belongs to. A group message is one lease for all its rows: the rows a claim
 * takes share its visibility timeout, and it is deleted once the last of them is settled.
 */
export class SharedLeases {
  private readonly byMessage = new Map<string, SharedLease>();
  private readonly byToken = new Map<string, string>();

  /** The group message `token`'s lease was taken under, if any. */
  groupOf(token: string): string | undefined {
    return this.byToken.get(token);
  }

  /** Remembers `message` as the lease of `tokens`; past `max` groups the oldest are forgotten. */
  share(message: SentMessage, tokens: readonly string[], restAnnounced: Promise<boolean>, max: number): void {
    const all = new Set(tokens);
    for (const token of tokens) this.byToken.set(token, message.messageId);
    // The same message received again (its lease ran out first) now carries a new pop receipt.
    const earlier = this.byMessage.get(message.messageId);
    if (earlier) for (const token of earlier.tokens) all.add(token);
    const announced = earlier ? Promise.all([earlier.restAnnounced, restAnnounced]).then((both) => both.every(Boolean)) : restAnnounced;
    this.byMessage.set(message.messageId, { message, tokens: all, restAnnounced: announced });
    // Holders that never settle must not grow these maps without end: the oldest are forgotten (their message comes back when the lease ends, and finds its rows settled or claimable).
    while (this.byMessage.size > max) {
      const [oldest, lease] = this.byMessage.entries().next().value!;
      this.byMessage.delete(oldest);
      for (const token of lease.tokens) this.byToken.delete(token);
    }
  }

  /**
   * Drops `token` from its group lease; returns the group when that was its last row, for the
   * caller to delete its message. A settle that failed (`decided` false) keeps the group: its
   * message then comes back when the lease ends, for the row.
   */
  release(token: string, messageId: string, decided: boolean): SharedLease | undefined {
    this.byToken.delete(token);
    const lease = this.byMessage.get(messageId);
    if (!lease || !decided) return undefined;
    lease.tokens.delete(token);
    if (lease.tokens.size > 0) return undefined;
    this.byMessage.delete(messageId);
    return lease;
  }
}
