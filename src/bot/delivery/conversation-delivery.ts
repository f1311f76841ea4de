import type { Activity } from 'botbuilder';
import { PARTICIPANT_CARD_TYPE, splitForBudget, worstFirst } from '../../alerts';
import type { Logger } from '../../logger';
import type { Telemetry } from '../../telemetry';
import { clearSending, markSending } from '../../settings';
import type { SentCard, Store } from '../../store';
import type { ProactiveMessenger } from '../proactive-messenger';
import type { ConversationSendBudget } from '../send-budget';
import { describeConnectorFailure, goneReasonOf, isConversationGone } from '../teams-send-error';
import { digestActivity, plannedCardActivity } from './card-activities';
import { mapLimited, type CardOutcome } from './delivery-round';
import { DeliveryTelemetry } from './delivery-telemetry';
import type { PlannedCard } from './planned-card';

/** What {@link ConversationDelivery} needs. */
export interface ConversationDeliveryOptions {
  store: Store;
  messenger: ProactiveMessenger;
  logger: Logger;
  /** Per-conversation budget (Teams' limits). */
  budget: ConversationSendBudget;
  /** Per-tenant budget over all conversations. */
  tenantBudget: ConversationSendBudget;
  /** Conversations sent to at the same time. */
  concurrency: number;
  clock: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Spans (`alert deliver`, in each call's trace), the `callquality.alerts.*` counters and the notification-to-card latency. */
  telemetry: Telemetry;
}

/** What became of a batch of planned cards, and how many digests carried some of them. */
export interface ConversationDeliveryResult {
  outcomes: Map<PlannedCard, CardOutcome>;
  digests: number;
}

/**
 * Sends planned cards conversation by conversation (several conversations at once), inside each
 * conversation's budget: updates first (each is a request), then new cards, worst first, while they
 * fit; what does not fit is folded into one digest, or put off when there is no room at all. A
 * conversation found gone (403/404 with a gone code) is marked dead and its remaining cards are gone too.
 */
export class ConversationDelivery {
  /** The post in progress: new messages are posted one at a time (see {@link onePostAtATime}). */
  private posting: Promise<unknown> = Promise.resolve();
  private readonly reporting: DeliveryTelemetry;

  constructor(private readonly options: ConversationDeliveryOptions) {
    this.reporting = new DeliveryTelemetry(options.telemetry, options.store, options.clock);
  }

  /**
   * Runs a post (note, Bot Connector call, record) once the one before it has been recorded. The
   * Bot Connector takes no idempotency key, so a post whose answer a crash cuts off may be repeated
   * by the retry; posting one at a time bounds that to one post per crash (updates are in-place
   * `PUT`s and stay concurrent). Teams' own limits (about 30 requests per second per tenant, 7 per
   * second per conversation) are far above what one post at a time reaches.
   */
  private onePostAtATime<T>(post: () => Promise<T>): Promise<T> {
    const run = this.posting.then(post, post);
    this.posting = run.catch(() => undefined);
    return run;
  }

  async deliver(cards: readonly PlannedCard[]): Promise<ConversationDeliveryResult> {
    const byConversation = new Map<string, PlannedCard[]>();
    for (const card of cards) {
      const group = byConversation.get(card.conversation.key);
      if (group) group.push(card);
      else byConversation.set(card.conversation.key, [card]);
    }
    const results = await mapLimited([...byConversation.values()], this.options.concurrency, (group) => this.deliverToConversation(group));
    const outcomes = new Map<PlannedCard, CardOutcome>();
    let digests = 0;
    for (const result of results) {
      for (const [card, outcome] of result.outcomes) outcomes.set(card, outcome);
      digests += result.digests;
    }
    return { outcomes, digests };
  }

  private async deliverToConversation(group: PlannedCard[]): Promise<ConversationDeliveryResult> {
    const { budget, clock } = this.options;
    const key = group[0]!.conversation.key;
    const outcomes = new Map<PlannedCard, CardOutcome>();
    let digests = 0;
    const finish = (gone: string | null): ConversationDeliveryResult => {
      if (gone) for (const card of group) if (!outcomes.has(card)) outcomes.set(card, { kind: 'gone', reason: gone });
      return { outcomes, digests };
    };
    const defer = (card: PlannedCard) => outcomes.set(card, { kind: 'deferred', at: budget.nextFreeAt(key, clock()) });

    for (const card of group.filter((item) => item.mode === 'update')) {
      if (!budget.take(key, clock())) {
        defer(card);
        continue;
      }
      const outcome = await this.attempt([card], () => this.update(card));
      outcomes.set(card, outcome);
      if (outcome.kind === 'gone') return finish(outcome.reason);
    }

    const news = worstFirst(group.filter((item) => item.mode === 'new').map((card) => ({ card, report: card.call.assessment.report, startedAt: card.call.stored.startedAt })));
    const split = splitForBudget(
      news.map((item) => item.card),
      budget.available(key, clock()),
    );
    for (const card of split.deferred) defer(card);
    for (const card of split.individually) {
      budget.take(key, clock());
      const outcome = await this.attempt([card], () => this.post(card));
      outcomes.set(card, outcome);
      if (outcome.kind === 'gone') return finish(outcome.reason);
    }
    if (split.folded.length > 0) {
      budget.take(key, clock());
      const outcome = await this.attempt(split.folded, () => this.postDigest(split.folded));
      for (const card of split.folded) outcomes.set(card, outcome);
      if (outcome.kind === 'folded') digests++;
      if (outcome.kind === 'gone') return finish(outcome.reason);
    }
    return finish(null);
  }

  private async update(card: PlannedCard): Promise<CardOutcome> {
    const { store, messenger } = this.options;
    await this.tenantSlot(card.call.tenantId);
    // Read again: someone may have acknowledged the card since the round began.
    const existing = (await store.sentCards.getSentCard(card.call.tenantId, card.call.callId, card.conversation.key)) ?? card.existing!;
    const activity = this.alertActivity(card, existing);
    try {
      await messenger.update(card.conversation, existing.activityId, activity);
    } catch (error) {
      const failure = describeConnectorFailure(error);
      // The message itself was deleted (the conversation is still there): post the card again.
      if (failure.status !== 404 || isConversationGone(failure)) throw error;
      return this.onePostAtATime(async () => {
        await this.record(card, undefined, await messenger.post(card.conversation, activity), 'alert');
        return { kind: 'sent' } as const;
      });
    }
    // Read again: an acknowledgement that came while the update was on its way must be kept.
    const current = (await store.sentCards.getSentCard(card.call.tenantId, card.call.callId, card.conversation.key)) ?? existing;
    await this.record(card, current, existing.activityId, 'alert');
    return { kind: 'updated' };
  }

  /**
   * Posts a new card. A note written just before says a post is under way; when the last try left
   * such a note for this version and no record of the card, it may have posted before a crash, so
   * this card says it may be a copy. The sent card is recorded right after the connector answers.
   */
  private post(card: PlannedCard): Promise<CardOutcome> {
    return this.onePostAtATime(() => this.postNow(card));
  }

  private async postNow(card: PlannedCard): Promise<CardOutcome> {
    const activityId = await this.postUnderNotes([card], (resent) => this.alertActivity(card, card.existing, resent));
    await this.record(card, undefined, activityId, 'alert');
    return { kind: 'sent' };
  }

  /**
   * Posts one digest for `folded`; each call then counts as delivered in that conversation. Like a
   * single card, a digest that may repeat a post made before a crash says so.
   */
  private postDigest(folded: PlannedCard[]): Promise<CardOutcome> {
    return this.onePostAtATime(() => this.postDigestNow(folded));
  }

  private async postDigestNow(folded: PlannedCard[]): Promise<CardOutcome> {
    const activityId = await this.postUnderNotes(folded, (resent) => digestActivity(folded, resent));
    await Promise.all(folded.map((card) => this.record(card, undefined, activityId, 'digest')));
    return { kind: 'folded' };
  }

  /**
   * Posts one message for `cards` (a card, or a digest of several) in their conversation, each
   * call's note that a post is under way written just before. `activity(resent)`: the message,
   * saying it may be a copy when one of the calls already had such a note for its version (a post
   * before a crash may have gone out without its record). Resolves to the posted activity's id.
   */
  private async postUnderNotes(cards: readonly PlannedCard[], activity: (resent: boolean) => Partial<Activity>): Promise<string> {
    const { store, clock } = this.options;
    const conversation = cards[0]!.conversation;
    await this.tenantSlot(cards[0]!.call.tenantId);
    const at = clock();
    const notes = await Promise.all(cards.map(({ call }) => markSending(store.settings, call.tenantId, call.callId, conversation.key, { version: call.stored.version, at })));
    try {
      return await this.options.messenger.post(conversation, activity(notes.some((note) => note.resent)));
    } catch (error) {
      // A 4xx answer (429 and 412 included) means nothing was posted: the retry is no copy. A 5xx,
      // a reset or a timeout leaves the notes, since the message may have been posted all the same.
      const { status } = describeConnectorFailure(error);
      if (status !== undefined && status >= 400 && status < 500) {
        await Promise.all(cards.map(({ call }) => clearSending(store.settings, call.tenantId, call.callId, conversation.key)));
      }
      throw error;
    }
  }

  private alertActivity(card: PlannedCard, existing: SentCard | undefined, resentAfterRestart = false) {
    return plannedCardActivity(card, existing, this.options.clock(), resentAfterRestart);
  }

  /**
   * Runs one send in a span of each call's trace (see {@link DeliveryTelemetry}); a failure becomes
   * the cards' outcome (a gone conversation is marked dead).
   */
  private async attempt(cards: PlannedCard[], send: () => Promise<CardOutcome>): Promise<CardOutcome> {
    const report = this.reporting.start(cards);
    const outcome = await this.sendOnce(cards, send);
    await report.end(outcome);
    return outcome;
  }

  private async sendOnce(cards: PlannedCard[], send: () => Promise<CardOutcome>): Promise<CardOutcome> {
    try {
      return await send();
    } catch (error) {
      const conversation = cards[0]!.conversation;
      const failure = describeConnectorFailure(error);
      if (isConversationGone(failure)) {
        await this.options.store.conversations.markConversationDead(conversation.key, `${failure.status} ${failure.code}: ${failure.message}`);
        this.options.logger.warn({ conversation: conversation.key, status: failure.status, code: failure.code }, 'conversation is gone; marked dead');
        return { kind: 'gone', reason: goneReasonOf(failure) };
      }
      this.options.logger.warn(
        { conversation: conversation.key, status: failure.status, code: failure.code, err: failure.message },
        'alert card not delivered; will retry',
      );
      return { kind: 'failed', error: failure.message };
    }
  }

  /**
   * Records what a conversation now shows of a call. An updated message keeps its first send time
   * and its acknowledgement (`existing`, as read after the update); a new message has neither, so
   * nothing is read between the connector's answer and this write.
   */
  private async record(card: PlannedCard, existing: SentCard | undefined, activityId: string, kind: 'alert' | 'digest'): Promise<void> {
    const { store, clock } = this.options;
    const now = clock();
    const keep = existing && existing.activityId === activityId;
    const sent: SentCard = {
      tenantId: card.call.tenantId,
      callId: card.call.callId,
      conversationKey: card.conversation.key,
      activityId,
      version: card.call.stored.version,
      // A participant's card is its own type: nothing that refreshes the copies of an alert touches it.
      cardType: kind === 'alert' && card.audience === 'participant' ? PARTICIPANT_CARD_TYPE : kind,
      sentAt: keep ? existing.sentAt : now,
      updatedAt: now,
      acknowledgedBy: keep ? existing.acknowledgedBy : null,
    };
    // A new message unless it is the one the conversation showed: the store may then create its row without a read.
    await store.sentCards.putSentCard(sent, { isNew: !keep });
  }

  /** Waits until the tenant's overall budget has room for one more request, and takes it. */
  private async tenantSlot(tenantId: string): Promise<void> {
    const { tenantBudget, clock, sleep } = this.options;
    for (;;) {
      const now = clock();
      if (tenantBudget.take(tenantId, now)) return;
      await sleep(Math.max(1, tenantBudget.nextFreeAt(tenantId, now) - now));
    }
  }
}
