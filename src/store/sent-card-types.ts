/** Cards the bot sent: the part of the {@link Store} that lets a newer version update a card instead of posting again. */

/** A card the bot sent, so a newer version updates it instead of posting again. */
export interface SentCard {
  tenantId: string;
  callId: string;
  conversationKey: string;
  activityId: string;
  version: number;
  /** 'alert' or 'digest'. */
  cardType: string;
  sentAt: number;
  updatedAt: number;
  /** Who acknowledged it, if anyone. */
  acknowledgedBy: string | null;
}

/** What the caller of {@link SentCardStore.putSentCard} knows of the card it records. */
export interface PutSentCardOptions {
  /**
   * The card is a message just posted, not an edit of one, so most often no row of its call and
   * conversation exists yet: an engine may create the row without reading first. A row that exists
   * all the same (a card of the call was there already) ends as without the flag: updated, keeping
   * its first send time. Leave it out for an edit (an update, an acknowledgement).
   */
  isNew?: boolean;
}

export interface SentCardStore {
  /** Records a card; an update of a row keeps its first send time (`countSentSince` counts sends, not edits). */
  putSentCard(card: SentCard, options?: PutSentCardOptions): Promise<void>;
  getSentCard(tenantId: string, callId: string, conversationKey: string): Promise<SentCard | undefined>;
  listSentCards(tenantId: string, callId: string): Promise<SentCard[]>;
  /** How many cards were sent since a time (for `status`). */
  countSentSince(since: number): Promise<number>;
}
