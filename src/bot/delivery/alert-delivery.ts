import { adminsGetCard, cardPlanFor, failuresOf, type ChannelPolicy, type OrganizerNotice, type ParticipantAlerts } from '../../alerts';
import { BackgroundLoop } from '../../background-loop';
import type { Logger } from '../../logger';
import { adminsChannelOf, saveOrganizerNotice } from '../../settings';
import type { AlertJob, ConversationRecord, Store } from '../../store';
import { disabledTelemetry, type Telemetry } from '../../telemetry';
import type { ProactiveMessenger } from '../proactive-messenger';
import { ConversationSendBudget, type SendWindow } from '../send-budget';
import { groupByCall, loadCalls, sentCardIn, stepBackFromCallsHeldElsewhere, type CallToDeliver } from './call-claims';
import { ConversationDelivery } from './conversation-delivery';
import type { PlannedCard } from './planned-card';
import { countOutcomes, emptyRound, isIdleRound, mapLimited, sumRounds, type CardOutcome, type DeliveryRound } from './delivery-round';
import { settleCall, type CallResult } from './job-settlement';
import { OrganizerChats, type InstallForUser, type OrganizerOutcome } from './organizer-chat';
import { planParticipantCards } from './participant-cards';

export interface AlertDeliveryOptions {
  store: Store;
  messenger: ProactiveMessenger;
  logger: Logger;
  /** `all`: the admins' channel gets every alert; `poor`: only calls whose quality is poor. */
  channelPolicy: ChannelPolicy;
  /** `ALERT_PARTICIPANTS`: which participants are told about their own side in their 1:1 chat (`off` unless said). */
  participantAlerts?: ParticipantAlerts;
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
  /** Spans, counters and latency of every send (nothing when absent). */
  telemetry?: Telemetry;
}

/**
 * Delivers alert cards: drains the store's alert jobs, sends each call's card to its organizer
 * (1:1), to the admins' channel (a new thread) and, with `participantAlerts`, a card about their own
 * side to the participants who suffered (1:1), updates cards already sent when a newer version
 * arrives, keeps every conversation inside Teams' rate limits by folding what does not fit into a
 * digest card, and retries what failed. An alert job completes only once each of its cards was
 * delivered, folded into a delivered digest, or found undeliverable for good (conversation gone,
 * organizer unreachable); so nothing is lost across crashes or throttling.
 *
 * This class is the loop and the order of a round; the parts do the work: {@link OrganizerChats}
 * finds the organizer, {@link ConversationDelivery} sends within the budgets, `settleCall` settles
 * the jobs, and the policy (who gets what, digests, ranking) comes from `src/alerts`.
 */
export class AlertDelivery {
  private readonly budget: ConversationSendBudget;
  private readonly organizers: OrganizerChats;
  private readonly conversations: ConversationDelivery;
  private readonly clock: () => number;
  private readonly random: () => number;
  private readonly loop: BackgroundLoop;
  private round: Promise<DeliveryRound> | undefined;

  constructor(private readonly options: AlertDeliveryOptions) {
    const { store, messenger, logger } = options;
    this.clock = options.clock ?? Date.now;
    this.random = options.random ?? Math.random;
    this.budget = new ConversationSendBudget(options.conversationLimits);
    this.loop = new BackgroundLoop(() => this.backgroundRound(), options.idleMs ?? 1_000);
    this.organizers = new OrganizerChats({ store, messenger, logger, clock: this.clock, proactiveInstall: options.proactiveInstall, installForUser: options.installForUser });
    this.conversations = new ConversationDelivery({
      store,
      messenger,
      logger,
      budget: this.budget,
      tenantBudget: new ConversationSendBudget(options.tenantLimits ?? [{ limit: 30, windowMs: 1_000 }]),
      concurrency: this.concurrency,
      clock: this.clock,
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      telemetry: options.telemetry ?? disabledTelemetry(),
    });
  }

  /** Starts the background loop (idempotent). */
  start(): void {
    this.loop.start();
  }

  /** Stops the loop and waits for the round in progress. */
  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /** Ends the idle wait early (an alert job was queued). */
  wake(): void {
    this.loop.wake();
  }

  /**
   * Delivers everything due now, round after round, until no job is due; in the caller's turn
   * (for the CLI and tests). Jobs deferred or retried into the future are left for later.
   */
  async drainOnce(): Promise<DeliveryRound> {
    let total = emptyRound();
    for (;;) {
      const round = await this.deliverDue();
      total = sumRounds(total, round);
      if (isIdleRound(round)) return total;
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

  private get concurrency(): number {
    return this.options.concurrency ?? 8;
  }

  /** One round of the background loop; resolves to true when the loop should wait. */
  private async backgroundRound(): Promise<boolean> {
    let round = emptyRound();
    try {
      round = await this.deliverDue();
    } catch (error) {
      this.options.logger.error({ err: (error as Error).message }, 'alert delivery round failed');
    }
    this.budget.prune(this.clock());
    return isIdleRound(round);
  }

  private async deliverBatch(): Promise<DeliveryRound> {
    const { store, logger } = this.options;
    const jobs = await store.reports.claimAlertJobs(this.clock(), this.options.batchSize ?? 50, this.options.leaseMs ?? 2 * 60_000);
    if (jobs.length === 0) return emptyRound();
    const groups = groupByCall(jobs);
    // The admins' channel of a tenant is looked up as soon as one of its calls is known to be
    // delivered this round, beside the reads below, not after the organizers' cards; a tenant whose
    // calls are all stepped back has no card to post there, so its channel is not read.
    const channels = new Map<string, Promise<ConversationRecord | undefined>>();
    const lookUpChannel = (group: AlertJob[]) => {
      const { tenantId } = group[0]!;
      if (channels.has(tenantId)) return;
      const lookup = this.adminChannelOf(tenantId);
      lookup.catch(() => undefined); // awaited by the planning; a round that ends before must not leave it unhandled
      channels.set(tenantId, lookup);
    };
    // Looking for another instance's leases and loading the reports are independent reads: side by side.
    // A call stepped back meanwhile is left out (its report read is wasted; that is rare).
    const [held, loaded] = await Promise.all([
      stepBackFromCallsHeldElsewhere(store, groups, { now: this.clock(), random: this.random, concurrency: this.concurrency, onKept: lookUpChannel }),
      loadCalls(store, groups, { now: this.clock(), concurrency: this.concurrency }),
    ]);
    const kept = new Set(held.groups);
    const calls = loaded.calls.filter((call) => kept.has(call.jobs));
    const { killed } = loaded;

    const organizers = await mapLimited(calls, this.concurrency, (call) => this.organizers.resolve(call));
    const organizerCards = calls.flatMap((call, index) => organizerCardOf(call, organizers[index]!));
    const participants = await planParticipantCards(calls, { store, chats: this.organizers, mode: this.options.participantAlerts ?? 'off', concurrency: this.concurrency });
    const first = await this.conversations.deliver([...organizerCards, ...participants.cards]);

    const notices = calls.map((call, index) => organizerNoticeOf(organizers[index]!, organizerCards, first.outcomes, call));
    const adminCards = await this.planAdminCards(calls, organizers, notices, channels);
    const second = await this.conversations.deliver(adminCards);

    const outcomes = new Map<PlannedCard, CardOutcome>([...first.outcomes, ...second.outcomes]);
    const now = this.clock();
    const settlement = { store, logger, maxAttempts: this.options.maxAttempts ?? 12, random: this.random };
    // Each call's jobs are its own rows: settled side by side, as every other step of the round is.
    const settled = await mapLimited([...calls.keys()], this.concurrency, (index) =>
      settleCall(calls[index]!, resultOf(calls[index]!, organizers[index]!, outcomes, participants.failures.get(calls[index]!) ?? []), now, settlement),
    );
    const round = sumRounds(
      { jobs: jobs.length, retried: held.retried, killed, digests: first.digests + second.digests },
      countOutcomes(outcomes.values()),
      ...settled,
    );
    logger.info({ ...round }, 'alert delivery round');
    return round;
  }

  /**
   * Plans the admins' channel card of each call, now that the organizer's fate is known (calls side
   * by side; in their order). `channels`: the lookup of each tenant's channel, started once a call of
   * the tenant was kept in the round.
   */
  private async planAdminCards(
    calls: CallToDeliver[],
    organizers: OrganizerOutcome[],
    notices: OrganizerNotice[],
    channels: ReadonlyMap<string, Promise<ConversationRecord | undefined>>,
  ): Promise<PlannedCard[]> {
    const { store } = this.options;
    const channelOf = (tenantId: string) => channels.get(tenantId) ?? this.adminChannelOf(tenantId);
    const planned = await mapLimited([...calls.keys()], this.concurrency, async (index): Promise<PlannedCard | null> => {
      const call = calls[index]!;
      if (organizers[index]!.kind === 'retry') return null;
      const channel = await channelOf(call.tenantId);
      if (!channel) return null;
      const existing = sentCardIn(call, channel.key);
      const plan = cardPlanFor(call.stored, existing);
      if (plan === 'none' || !adminsGetCard(plan, this.options.channelPolicy, call.assessment.report.quality, existing, failuresOf(call.assessment.report).length > 0)) return null;
      await saveOrganizerNotice(store.settings, call.tenantId, call.callId, notices[index]!);
      return { call, audience: 'admins', conversation: channel, existing, mode: plan, organizerMutedUntil: null, organizerNotice: notices[index]!, side: null };
    });
    return planned.filter((card): card is PlannedCard => card !== null);
  }

  private adminChannelOf(tenantId: string): Promise<ConversationRecord | undefined> {
    return adminsChannelOf(this.options.store, tenantId, this.options.defaultAlertChannelKey ?? null);
  }
}

/** The organizer's card of a call, when one is to be sent. */
function organizerCardOf(call: CallToDeliver, outcome: OrganizerOutcome): PlannedCard[] {
  if (outcome.kind !== 'card') return [];
  const { conversation, existing, mode, mutedUntil } = outcome;
  return [{ call, audience: 'organizer', conversation, existing, mode, organizerMutedUntil: mutedUntil, organizerNotice: { reachable: true, reason: null }, side: null }];
}

/** What the admins' card says about the organizer: from the resolution, or from their card's delivery. */
function organizerNoticeOf(outcome: OrganizerOutcome, cards: readonly PlannedCard[], delivered: ReadonlyMap<PlannedCard, CardOutcome>, call: CallToDeliver): OrganizerNotice {
  switch (outcome.kind) {
    case 'unreachable':
      return { reachable: false, reason: outcome.reason };
    case 'nothing':
      return { reachable: outcome.reachable, reason: null };
    case 'retry':
      return { reachable: undefined, reason: null };
    case 'card': {
      const card = cards.find((item) => item.call === call);
      const result = card ? delivered.get(card) : undefined;
      return result?.kind === 'gone' ? { reachable: false, reason: result.reason } : { reachable: true, reason: null };
    }
  }
}

/** What a call's cards came to, for settling its jobs. */
function resultOf(call: CallToDeliver, organizer: OrganizerOutcome, outcomes: ReadonlyMap<PlannedCard, CardOutcome>, participantFailures: readonly string[]): CallResult {
  const failures = organizer.kind === 'retry' ? [organizer.failure, ...participantFailures] : [...participantFailures];
  const deferredUntil: number[] = [];
  for (const [card, outcome] of outcomes) {
    if (card.call !== call) continue;
    if (outcome.kind === 'failed') failures.push(outcome.error);
    if (outcome.kind === 'deferred') deferredUntil.push(outcome.at);
  }
  return { failures, deferredUntil };
}
