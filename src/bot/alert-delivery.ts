import { buildAlertCard, buildDigestCard, type AdaptiveCardDocument, type Audience, type CallSummary } from '../alerts';
import type { Logger } from '../logger';
import type { CallQualityReport } from '../quality';
import type { AlertJob, ConversationRecord, SentCard, Store, StoredReport } from '../store';
import { decodeAcknowledgement, saveOrganizerNotice } from './alert-copies';
import { alertChannelOf, mutedUntil } from './bot-settings';
import { cardActivity } from './card-activity';
import { digestItemOf, scoredCallOf, worstFirst } from './digest-items';
import type { ProactiveMessenger } from './proactive-messenger';
import { ConversationSendBudget, type SendWindow } from './send-budget';
import { backoffDelay } from './send-retry';
import { IdleWait } from '../idle-wait';
import { describeConnectorFailure, isConversationGone, isTransientFailure } from './teams-send-error';

/** Installs the app for a user through Graph (`POST /users/{id}/teamwork/installedApps`). */
export type InstallForUser = (tenantId: string, userAadId: string) => Promise<void>;

export interface AlertDeliveryOptions {
  store: Store;
  messenger: ProactiveMessenger;
  logger: Logger;
  /** `all`: the admins' channel gets every alert; `poor`: only calls whose quality is poor. */
  channelPolicy: 'all' | 'poor';
  /** The admins' channel (a conversation record key) when no tenant chose one with `alert here`. */
  defaultAlertChannelKey?: string | null;
  /** With `installForUser`: install the app for an organizer who does not have it, then open the chat. */
  proactiveInstall?: boolean;
  installForUser?: InstallForUser;
  /** Per-conversation limits (Teams' by default). */
  conversationLimits?: readonly SendWindow[];
  /** Per-tenant limit over all conversations (Teams allows about 30 to 50 requests per second per app and tenant). */
  tenantLimits?: readonly SendWindow[];
  /** Jobs claimed at once. */
  batchSize?: number;
  leaseMs?: number;
  /** How long the loop waits when nothing is due, unless woken. */
  idleMs?: number;
  /** A job failing this many times is given up (listed as dead). Deferrals for the send budget do not count. */
  maxAttempts?: number;
  /** Conversations sent to at the same time. */
  concurrency?: number;
  clock?: () => number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

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

type DeliveryResult =
  | { kind: 'pending' }
  | { kind: 'sent' | 'updated' | 'folded' | 'skipped' }
  | { kind: 'deferred'; at: number }
  | { kind: 'gone'; reason: string }
  | { kind: 'failed'; error: string };

/** One version of one call to deliver, with the jobs that asked for it. */
interface CallDelivery {
  tenantId: string;
  callId: string;
  jobs: AlertJob[];
  stored: StoredReport;
  report: CallQualityReport;
  summary: CallSummary;
  organizerReachable: boolean | undefined;
  organizerReason: string | null;
  organizerMutedUntil: number | null;
  /** A failure before any send (opening the organizer's chat), to retry. */
  failure: string | null;
  deliveries: Delivery[];
}

/** One card for one conversation. */
interface Delivery {
  call: CallDelivery;
  audience: Audience;
  conversation: ConversationRecord;
  existing: SentCard | undefined;
  mode: 'new' | 'update';
  result: DeliveryResult;
}

const GONE_WORDS: Record<string, string> = {
  MessageWritesBlocked: 'the app was removed or blocked there',
  ConversationBlockedByUser: 'the user blocked the app',
  BotNotInConversationRoster: 'the app is no longer in that conversation',
  BotDisabledByAdmin: 'an admin disabled the app',
  ConversationNotFound: 'the conversation was deleted',
};

/**
 * Delivers alert cards: drains the store's alert jobs, sends each call's card to its organizer
 * (1:1) and to the admins' channel (a new thread), updates cards already sent when a newer version
 * arrives, keeps every conversation inside Teams' rate limits by folding what does not fit into a
 * digest card, and retries what failed. An alert job completes only once each of its cards was
 * delivered, folded into a delivered digest, or found undeliverable for good (conversation gone,
 * organizer unreachable); so nothing is lost across crashes or throttling.
 */
export class AlertDelivery {
  private readonly budget: ConversationSendBudget;
  private readonly tenantBudget: ConversationSendBudget;
  private readonly clock: () => number;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly idleWait: IdleWait;
  private round: Promise<DeliveryRound> | undefined;

  constructor(private readonly options: AlertDeliveryOptions) {
    this.budget = new ConversationSendBudget(options.conversationLimits);
    this.tenantBudget = new ConversationSendBudget(options.tenantLimits ?? [{ limit: 30, windowMs: 1_000 }]);
    this.clock = options.clock ?? Date.now;
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.idleWait = new IdleWait(options.idleMs ?? 1_000);
  }

  /** Starts the background loop (idempotent). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops the loop and waits for the round in progress. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  /** Ends the idle wait early (an alert job was queued). */
  wake(): void {
    this.idleWait.wake();
  }

  /**
   * Delivers everything due now, round after round, until no job is due; in the caller's turn
   * (for the CLI and tests). Jobs deferred or retried into the future are left for later.
   */
  async drainOnce(): Promise<DeliveryRound> {
    const total = emptyRound();
    for (;;) {
      const round = await this.deliverDue();
      addRound(total, round);
      if (round.jobs === 0 || round.completed + round.killed === 0) return total;
    }
  }

  /** One round: claims up to a batch of due jobs and settles each. Rounds never overlap. */
  async deliverDue(): Promise<DeliveryRound> {
    while (this.round) await this.round.catch(() => undefined);
    this.round = this.deliverBatch();
    try {
      return await this.round;
    } finally {
      this.round = undefined;
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      let round = emptyRound();
      try {
        round = await this.deliverDue();
      } catch (error) {
        this.options.logger.error({ err: (error as Error).message }, 'alert delivery round failed');
      }
      this.budget.prune(this.clock());
      if (this.running && (round.jobs === 0 || round.completed + round.killed === 0)) await this.idleWait.wait();
    }
  }


  private async deliverBatch(): Promise<DeliveryRound> {
    const { store } = this.options;
    const round = emptyRound();
    const jobs = await store.reports.claimAlertJobs(this.clock(), this.options.batchSize ?? 50, this.options.leaseMs ?? 2 * 60_000);
    round.jobs = jobs.length;
    if (jobs.length === 0) return round;

    const calls = await this.loadCalls(await this.withoutCallsHeldElsewhere(jobs, round), round);
    await this.forEachLimited(calls, (call) => this.resolveOrganizer(call));
    await this.deliverByConversation(calls.flatMap((call) => call.deliveries), round);
    await this.planAdminDeliveries(calls);
    await this.deliverByConversation(calls.flatMap((call) => call.deliveries.filter((delivery) => delivery.audience === 'admins')), round);
    for (const call of calls) await this.settle(call, round);
    if (round.jobs > 0) {
      this.options.logger.info({ ...round }, 'alert delivery round');
    }
    return round;
  }

  /**
   * Gives back the jobs of calls that another instance is delivering right now (it holds a live
   * lease on another version's job of the same call), to be tried again when it is likely done.
   * Two instances planning one call at once would both find no card sent yet and both post one.
   * Each instance writes its leases before it looks, so of two that claimed versions of one call
   * at the same moment at least one sees the other (at worst both step back and retry later).
   */
  private async withoutCallsHeldElsewhere(jobs: AlertJob[], round: DeliveryRound): Promise<AlertJob[]> {
    const { store } = this.options;
    const now = this.clock();
    const ours = new Set(jobs.map((job) => job.leaseToken));
    const byCall = new Map<string, AlertJob[]>();
    for (const job of jobs) {
      const key = `${job.tenantId}\u0000${job.callId}`;
      byCall.set(key, [...(byCall.get(key) ?? []), job]);
    }
    const heldElsewhere = new Set<string>();
    await this.forEachLimited([...byCall.entries()], async ([key, group]) => {
      const first = group[0]!;
      const others = (await store.reports.listAlertJobs(first.tenantId, first.callId)).filter(
        (job) => job.state === 'leased' && job.leaseUntil !== null && job.leaseUntil > now && !ours.has(job.leaseToken),
      );
      if (others.length === 0) return;
      heldElsewhere.add(key);
      const until = Math.min(...others.map((job) => job.leaseUntil!));
      for (const job of group) {
        const at = Math.min(until, now + backoffDelay(job.attempts, undefined, { baseDelayMs: 1_000, random: this.random }));
        if (await store.reports.retryAlertJob(job, now, at, 'Another instance is delivering an alert of this call; waiting until it is done.')) round.retried++;
      }
    });
    return jobs.filter((job) => !heldElsewhere.has(`${job.tenantId}\u0000${job.callId}`));
  }

  /** Groups the jobs by call and loads each call's newest report (a card always shows the newest). */
  private async loadCalls(jobs: AlertJob[], round: DeliveryRound): Promise<CallDelivery[]> {
    const byCall = new Map<string, AlertJob[]>();
    for (const job of jobs) {
      const key = `${job.tenantId}\u0000${job.callId}`;
      byCall.set(key, [...(byCall.get(key) ?? []), job]);
    }
    const calls: CallDelivery[] = [];
    for (const group of byCall.values()) {
      const first = group[0]!;
      const stored = await this.options.store.reports.getReport(first.tenantId, first.callId);
      if (!stored) {
        for (const job of group) {
          if (await this.options.store.reports.killAlertJob(job, this.clock(), `No report is stored for call ${job.callId}; nothing to alert about.`)) round.killed++;
        }
        continue;
      }
      const { report, summary } = scoredCallOf(stored);
      calls.push({
        tenantId: first.tenantId,
        callId: first.callId,
        jobs: group,
        stored,
        report,
        summary,
        organizerReachable: undefined,
        organizerReason: null,
        organizerMutedUntil: null,
        failure: null,
        deliveries: [],
      });
    }
    return calls;
  }

  /**
   * Finds the organizer's 1:1 chat (stored, or opened with `createConversation`, after installing
   * the app through Graph when configured) and plans their card, unless they muted alerts.
   */
  private async resolveOrganizer(call: CallDelivery): Promise<void> {
    const { store, messenger, logger } = this.options;
    const organizer = call.summary?.organizer;
    const userAadId = organizer?.id ?? null;
    if (!userAadId) {
      call.organizerReachable = false;
      call.organizerReason = 'the call record does not name the organizer';
      return;
    }
    const tenantId = organizer?.tenantId ?? call.tenantId;
    let conversation = await store.conversations.findPersonalConversation(tenantId, userAadId);
    const existing = conversation ? await store.sentCards.getSentCard(call.tenantId, call.callId, conversation.key) : undefined;
    const plan = planFor(call, existing);
    call.organizerMutedUntil = await mutedUntil(store.settings, userAadId, this.clock());
    if (plan === 'none') {
      call.organizerReachable = conversation ? true : undefined;
      return;
    }
    if (call.organizerMutedUntil !== null && plan === 'new') {
      call.organizerReachable = false;
      call.organizerReason = `they muted their alerts until ${new Date(call.organizerMutedUntil).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
      return;
    }
    if (!conversation) {
      if (this.options.proactiveInstall && this.options.installForUser) {
        try {
          await this.options.installForUser(tenantId, userAadId);
        } catch (error) {
          logger.warn({ tenantId, userAadId, err: (error as Error).message }, 'could not install the app for the organizer');
        }
      }
      const source = (await store.conversations.listConversations({ tenantId })).find((record) => record.serviceUrl);
      if (!source) {
        call.organizerReachable = false;
        call.organizerReason = 'the bot knows no Teams conversation in their tenant yet, so it cannot open a chat with them';
        return;
      }
      const bot = (source.reference as { bot?: { id: string; name: string } }).bot ?? { id: 'bot', name: '' };
      try {
        conversation = await messenger.openPersonalChat({ tenantId, userAadId, serviceUrl: source.serviceUrl, bot, now: this.clock() });
        await store.conversations.putConversation(conversation);
      } catch (error) {
        const failure = describeConnectorFailure(error);
        if (isTransientFailure(failure)) {
          call.failure = `Opening the organizer's chat failed: ${(error as Error).message}`;
          return;
        }
        call.organizerReachable = false;
        call.organizerReason =
          failure.status === 403 || failure.status === 404 ? 'the app is not installed for them' : `Teams refused to open a chat with them (${failure.message})`;
        logger.info({ tenantId, userAadId, status: failure.status, code: failure.code }, 'organizer cannot be reached');
        return;
      }
    }
    call.organizerReachable = true;
    call.deliveries.push({ call, audience: 'organizer', conversation, existing, mode: existing ? 'update' : 'new', result: { kind: 'pending' } });
  }

  /** Plans the admins' channel card of each call, now that the organizer's fate is known. */
  private async planAdminDeliveries(calls: CallDelivery[]): Promise<void> {
    const { store } = this.options;
    const channels = new Map<string, ConversationRecord | undefined>();
    for (const call of calls) {
      const organizerDelivery = call.deliveries.find((delivery) => delivery.audience === 'organizer');
      if (organizerDelivery?.result.kind === 'gone') {
        call.organizerReachable = false;
        call.organizerReason = organizerDelivery.result.reason;
      }
      if (call.failure) continue;
      if (!channels.has(call.tenantId)) channels.set(call.tenantId, await this.adminChannelOf(call.tenantId));
      const channel = channels.get(call.tenantId);
      if (!channel) continue;
      const existing = await store.sentCards.getSentCard(call.tenantId, call.callId, channel.key);
      const plan = planFor(call, existing);
      const wanted = plan === 'update' || (plan === 'new' && (this.options.channelPolicy === 'all' || call.report.quality === 'poor'));
      if (!wanted) continue;
      await saveOrganizerNotice(store.settings, call.tenantId, call.callId, { reachable: call.organizerReachable, reason: call.organizerReason });
      call.deliveries.push({ call, audience: 'admins', conversation: channel, existing, mode: plan === 'update' ? 'update' : 'new', result: { kind: 'pending' } });
    }
  }

  private async adminChannelOf(tenantId: string): Promise<ConversationRecord | undefined> {
    const { store } = this.options;
    const chosen = await alertChannelOf(store.settings, tenantId);
    const key = chosen?.conversationKey ?? this.options.defaultAlertChannelKey ?? null;
    if (!key) return undefined;
    const record = await store.conversations.getConversation(key);
    if (!record || record.deadReason) return undefined;
    if (!chosen && record.tenantId && record.tenantId !== tenantId) return undefined;
    return record;
  }

  /** Sends the planned cards, conversation by conversation (several conversations at once). */
  private async deliverByConversation(deliveries: Delivery[], round: DeliveryRound): Promise<void> {
    const byConversation = new Map<string, Delivery[]>();
    for (const delivery of deliveries) {
      if (delivery.result.kind !== 'pending') continue;
      byConversation.set(delivery.conversation.key, [...(byConversation.get(delivery.conversation.key) ?? []), delivery]);
    }
    await this.forEachLimited([...byConversation.values()], (group) => this.deliverToConversation(group, round));
  }

  /**
   * Sends one conversation's cards inside its budget: updates first (each is a request), then new
   * cards one by one while they fit; when more are due than fit, all but one slot's worth go out
   * as cards and the rest are folded into one digest. With no room at all, everything waits.
   */
  private async deliverToConversation(group: Delivery[], round: DeliveryRound): Promise<void> {
    const conversation = group[0]!.conversation;
    const key = conversation.key;
    const updates = group.filter((delivery) => delivery.mode === 'update');
    const news = sortWorstFirst(group.filter((delivery) => delivery.mode === 'new'));
    const deferAll = (items: Delivery[]) => {
      const at = this.budget.nextFreeAt(key, this.clock());
      for (const item of items) item.result = { kind: 'deferred', at };
      round.deferred += items.length;
    };
    let gone: string | null = null;
    const markGoneRest = (items: Delivery[]) => {
      for (const item of items) if (item.result.kind === 'pending') item.result = { kind: 'gone', reason: gone! };
    };

    for (const delivery of updates) {
      if (gone) break;
      if (!this.budget.take(key, this.clock())) {
        deferAll([delivery]);
        continue;
      }
      gone = await this.attempt(delivery, round, async () => {
        await this.tenantSlot(delivery.call.tenantId);
        // Read again: someone may have acknowledged the card since the round began.
        delivery.existing = (await this.options.store.sentCards.getSentCard(delivery.call.tenantId, delivery.call.callId, conversation.key)) ?? delivery.existing;
        const activity = cardActivity(await this.alertCardFor(delivery), this.summaryLine(delivery.call));
        try {
          await this.options.messenger.update(conversation, delivery.existing!.activityId, activity);
        } catch (error) {
          const failure = describeConnectorFailure(error);
          // The message itself was deleted (the conversation is still there): post the card again.
          if (failure.status !== 404 || isConversationGone(failure)) throw error;
          const activityId = await this.options.messenger.post(conversation, activity);
          await this.recordSent(delivery, activityId, 'alert');
          delivery.result = { kind: 'sent' };
          round.sent++;
          return;
        }
        await this.recordSent(delivery, delivery.existing!.activityId, 'alert');
        delivery.result = { kind: 'updated' };
        round.updated++;
      });
    }
    if (gone) {
      markGoneRest(group);
      round.gone += group.filter((item) => item.result.kind === 'gone').length;
      return;
    }

    const available = this.budget.available(key, this.clock());
    const individually = news.length <= available ? news : news.slice(0, Math.max(0, available - 1));
    const folded = news.length <= available ? [] : available >= 1 ? news.slice(individually.length) : [];
    if (available < 1 && news.length > 0) {
      deferAll(news);
      return;
    }
    for (const delivery of individually) {
      if (gone) break;
      this.budget.take(key, this.clock());
      gone = await this.attempt(delivery, round, async () => {
        await this.tenantSlot(delivery.call.tenantId);
        const activityId = await this.options.messenger.post(conversation, cardActivity(await this.alertCardFor(delivery), this.summaryLine(delivery.call)));
        await this.recordSent(delivery, activityId, 'alert');
        delivery.result = { kind: 'sent' };
        round.sent++;
      });
    }
    if (!gone && folded.length > 0) {
      this.budget.take(key, this.clock());
      gone = await this.attemptDigest(conversation, folded, round);
    }
    if (gone) {
      markGoneRest(group);
      round.gone += group.filter((item) => item.result.kind === 'gone').length;
    }
  }

  /** Posts one digest for `folded`; each call then counts as delivered in that conversation. */
  private async attemptDigest(conversation: ConversationRecord, folded: Delivery[], round: DeliveryRound): Promise<string | null> {
    const audience = folded[0]!.audience;
    const items = worstFirst(folded.map((delivery) => delivery.call.stored)).map(digestItemOf);
    const card = buildDigestCard({ audience, items, totalCount: items.length });
    try {
      await this.tenantSlot(folded[0]!.call.tenantId);
      const activityId = await this.options.messenger.post(conversation, cardActivity(card, `${items.length} calls with poor quality or bad ratings`));
      for (const delivery of folded) {
        await this.recordSent(delivery, activityId, 'digest');
        delivery.result = { kind: 'folded' };
      }
      round.digests++;
      round.folded += folded.length;
      return null;
    } catch (error) {
      return this.failed(folded, conversation, error, round);
    }
  }

  /** Runs one send; on failure records why. Resolves to the reason when the conversation is gone. */
  private async attempt(delivery: Delivery, round: DeliveryRound, send: () => Promise<void>): Promise<string | null> {
    try {
      await send();
      return null;
    } catch (error) {
      return this.failed([delivery], delivery.conversation, error, round);
    }
  }

  private async failed(deliveries: Delivery[], conversation: ConversationRecord, error: unknown, round: DeliveryRound): Promise<string | null> {
    const failure = describeConnectorFailure(error);
    if (isConversationGone(failure)) {
      const reason = GONE_WORDS[failure.code!] ?? `Teams answered ${failure.status} ${failure.code}`;
      await this.options.store.conversations.markConversationDead(conversation.key, `${failure.status} ${failure.code}: ${failure.message}`);
      this.options.logger.warn({ conversation: conversation.key, status: failure.status, code: failure.code }, 'conversation is gone; marked dead');
      for (const delivery of deliveries) delivery.result = { kind: 'gone', reason };
      return reason;
    }
    this.options.logger.warn({ conversation: conversation.key, status: failure.status, code: failure.code, err: (error as Error).message }, 'alert card not delivered; will retry');
    for (const delivery of deliveries) delivery.result = { kind: 'failed', error: (error as Error).message };
    round.failed += deliveries.length;
    return null;
  }

  private async recordSent(delivery: Delivery, activityId: string, cardType: 'alert' | 'digest'): Promise<void> {
    const now = this.clock();
    const existing = (await this.options.store.sentCards.getSentCard(delivery.call.tenantId, delivery.call.callId, delivery.conversation.key)) ?? delivery.existing;
    const keepExisting = existing && existing.activityId === activityId;
    await this.options.store.sentCards.putSentCard({
      tenantId: delivery.call.tenantId,
      callId: delivery.call.callId,
      conversationKey: delivery.conversation.key,
      activityId,
      version: delivery.call.stored.version,
      cardType,
      sentAt: keepExisting ? existing.sentAt : now,
      updatedAt: now,
      acknowledgedBy: keepExisting ? existing.acknowledgedBy : null,
    });
  }

  private async alertCardFor(delivery: Delivery): Promise<AdaptiveCardDocument> {
    const { call } = delivery;
    const acknowledgedBy = decodeAcknowledgement(delivery.existing?.acknowledgedBy, delivery.existing?.updatedAt ?? this.clock());
    if (delivery.audience === 'organizer') {
      return buildAlertCard({
        report: call.report,
        summary: call.summary,
        audience: 'organizer',
        tenantId: call.tenantId,
        acknowledgedBy,
        muted: call.organizerMutedUntil !== null,
        mutedUntil: call.organizerMutedUntil !== null ? new Date(call.organizerMutedUntil).toISOString() : null,
      });
    }
    return buildAlertCard({
      report: call.report,
      summary: call.summary,
      audience: 'admins',
      tenantId: call.tenantId,
      organizerReachable: call.organizerReachable,
      organizerUnreachableReason: call.organizerReason,
      acknowledgedBy,
    });
  }

  private summaryLine(call: CallDelivery): string {
    const who = call.summary?.organizer?.displayName;
    const what = call.report.quality === 'poor' ? 'Poor call quality' : 'Bad call rating';
    return who ? `${what}: call organized by ${who}` : what;
  }

  /** Settles a call's jobs from its deliveries: done, retried (failure or budget), or given up. */
  private async settle(call: CallDelivery, round: DeliveryRound): Promise<void> {
    const { store, logger } = this.options;
    const now = this.clock();
    const failures = [call.failure, ...call.deliveries.map((delivery) => (delivery.result.kind === 'failed' ? delivery.result.error : null))].filter(
      (error): error is string => error !== null,
    );
    const deferredAt = call.deliveries
      .map((delivery) => (delivery.result.kind === 'deferred' ? delivery.result.at : null))
      .filter((at): at is number => at !== null);
    for (const job of call.jobs) {
      if (failures.length > 0) {
        if (job.attempts >= (this.options.maxAttempts ?? 12)) {
          if (await store.reports.killAlertJob(job, now, `Gave up after ${job.attempts} tries: ${failures[0]}`)) round.killed++;
          logger.error({ tenantId: job.tenantId, callId: job.callId, err: failures[0] }, 'alert given up');
          continue;
        }
        const delay = Math.min(15 * 60_000, backoffDelay(job.attempts, undefined, { baseDelayMs: 2_000, random: this.random }));
        const at = Math.max(now + delay, ...deferredAt);
        if (await store.reports.retryAlertJob(job, now, at, failures[0]!)) round.retried++;
      } else if (deferredAt.length > 0) {
        if (await store.reports.retryAlertJob(job, now, Math.max(...deferredAt), 'Waiting for the conversation\'s send budget (Teams rate limits).')) round.retried++;
      } else if (await store.reports.completeAlertJob(job, now)) {
        round.completed++;
      }
    }
  }

  /** Waits until the tenant's overall budget has room for one more request, and takes it. */
  private async tenantSlot(tenantId: string): Promise<void> {
    for (;;) {
      const now = this.clock();
      if (this.tenantBudget.take(tenantId, now)) return;
      await this.sleep(Math.max(1, this.tenantBudget.nextFreeAt(tenantId, now) - now));
    }
  }

  private async forEachLimited<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        const item = items[next++]!;
        await work(item);
      }
    };
    await Promise.all(Array.from({ length: Math.min(items.length, this.options.concurrency ?? 8) }, worker));
  }
}

/** Whether a conversation needs a new card, an update of the one it has, or nothing. */
function planFor(call: CallDelivery, existing: SentCard | undefined): 'new' | 'update' | 'none' {
  if (existing && existing.version >= call.stored.version) return 'none';
  if (existing && existing.cardType === 'alert') return 'update';
  return call.stored.alert ? 'new' : 'none';
}

function sortWorstFirst(deliveries: Delivery[]): Delivery[] {
  const order = worstFirst(deliveries.map((delivery) => delivery.call.stored));
  return [...deliveries].sort((a, b) => order.indexOf(a.call.stored) - order.indexOf(b.call.stored));
}

function emptyRound(): DeliveryRound {
  return { jobs: 0, completed: 0, retried: 0, killed: 0, sent: 0, updated: 0, digests: 0, folded: 0, deferred: 0, gone: 0, failed: 0 };
}

function addRound(total: DeliveryRound, round: DeliveryRound): void {
  for (const key of Object.keys(total) as (keyof DeliveryRound)[]) total[key] += round[key];
}
