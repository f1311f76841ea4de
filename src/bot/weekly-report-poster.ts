import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { AdaptiveCardDocument } from '../alerts';
import { BackgroundLoop } from '../background-loop';
import type { ReportSchedule } from '../config';
import type { Logger } from '../logger';
import { adminsChannelOf, weeklyReportOffIn } from '../settings';
import type { ConversationRecord, Store } from '../store';
import { cardActivity } from './card-activity';
import type { ProactiveMessenger } from './proactive-messenger';
import { GONE_CODE_WORDS, TeamsSendError } from './teams-send-error';

/** The weekly report's card for a tenant, for the seven days that end at `weekEnd` (epoch ms). */
export type WeeklyReportCard = (tenantId: string, weekEnd: number) => Promise<AdaptiveCardDocument>;

export interface WeeklyReportPosterOptions {
  store: Store;
  messenger: ProactiveMessenger;
  logger: Logger;
  schedule: ReportSchedule;
  reportCard: WeeklyReportCard;
  /** The admins' channel for tenants that did not choose one (`ALERT_CHANNEL_ID`). */
  defaultAlertChannelKey?: string | null;
  /** Who this instance is in the run store (host, process and a random part by default). */
  holder?: string;
  /** How long a claim holds before another instance may post in its place. */
  leaseMs?: number;
  /** How late a report is still posted (an instance that was down at the due time); older ones are skipped. */
  catchUpMs?: number;
  /** How often the loop looks at the clock. */
  checkMs?: number;
  clock?: () => number;
}

/** What one round did, by tenant. */
export interface ReportRound {
  /** The due time the round worked on, null when none was due. */
  due: number | null;
  posted: string[];
  /** Held by another instance, whose lease has not run out. */
  heldElsewhere: string[];
  failed: string[];
}

/** The run key of a tenant's weekly report: once per tenant and week, whoever posts it. */
export function weeklyReportRunKey(tenantId: string, weekStart: string): string {
  return `weekly-report:${tenantId}:${weekStart}`;
}

/**
 * Posts the weekly report to each tenant's admins' channel at `REPORT_SCHEDULE`, exactly once per
 * week however many instances run: each claims the week's run in the store (a lease) before
 * posting and marks it done after. An instance that dies between the claim and the post leaves a
 * lease that runs out, and the next round (of any instance) posts it; a report is posted late up to
 * `catchUpMs` after its due time. Channels where the report was turned off with `report off` are left out.
 */
export class WeeklyReportPoster {
  private readonly clock: () => number;
  private readonly holder: string;
  private readonly leaseMs: number;
  private readonly catchUpMs: number;
  private readonly loop: BackgroundLoop;
  /** Runs this instance knows are done, so a done week costs no store reads. */
  private readonly done = new Set<string>();
  /** The due time whose every tenant was settled (posted, done elsewhere, off or without a channel). */
  private settledDue: number | null = null;

  constructor(private readonly options: WeeklyReportPosterOptions) {
    this.clock = options.clock ?? Date.now;
    this.holder = options.holder ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
    this.catchUpMs = options.catchUpMs ?? 24 * 60 * 60_000;
    this.loop = new BackgroundLoop(async () => {
      await this.postDue().catch((error: Error) => options.logger.error({ err: error.message }, 'the weekly report round failed'));
      return true;
    }, options.checkMs ?? 60_000);
  }

  /** Posts every report due now that nobody has posted yet. */
  async postDue(): Promise<ReportRound> {
    const round: ReportRound = { due: null, posted: [], heldElsewhere: [], failed: [] };
    const now = this.clock();
    const due = this.options.schedule.latestAtOrBefore(now);
    if (now - due > this.catchUpMs || due === this.settledDue) return round;
    round.due = due;
    const weekStart = this.options.schedule.weekStartOf(due);
    for (const tenantId of await this.tenantsWithChannels()) {
      const key = weeklyReportRunKey(tenantId, weekStart);
      if (this.done.has(key)) continue;
      const channel = await adminsChannelOf(this.options.store, tenantId, this.options.defaultAlertChannelKey ?? null);
      if (!channel || (await weeklyReportOffIn(this.options.store.settings, channel.key))) continue;
      const outcome = await this.postOnce(key, tenantId, channel, due, weekStart);
      if (outcome === 'posted') round.posted.push(tenantId);
      else if (outcome === 'held') round.heldElsewhere.push(tenantId);
      else if (outcome === 'failed') round.failed.push(tenantId);
    }
    if (round.heldElsewhere.length === 0 && round.failed.length === 0) this.settledDue = due;
    return round;
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Ends the loop's wait (tests, or a setting that changed). */
  wake(): void {
    this.loop.wake();
  }

  /** Claims the week's run, posts the card and marks the run done. */
  private async postOnce(key: string, tenantId: string, channel: ConversationRecord, due: number, weekStart: string): Promise<'posted' | 'done' | 'held' | 'failed'> {
    const { store, logger } = this.options;
    const claimedAt = this.clock();
    if (!(await store.runs.claimRun(key, this.holder, claimedAt, claimedAt + this.leaseMs))) {
      if ((await store.runs.getRun(key))?.state !== 'done') return 'held';
      this.done.add(key);
      return 'done';
    }
    try {
      const card = await this.options.reportCard(tenantId, due);
      await this.options.messenger.post(channel, cardActivity(card, `Call quality, week of ${weekStart}`));
    } catch (error) {
      const gone = error instanceof TeamsSendError && error.code !== undefined ? GONE_CODE_WORDS[error.code] : undefined;
      if (!gone) {
        // The claim stays; once its lease runs out, this or another instance tries again.
        logger.warn({ tenantId, key, err: (error as Error).message }, 'could not post the weekly report; it will be tried again');
        return 'failed';
      }
      // Nowhere to post until the app is added back: the week is over for this channel.
      await store.conversations.markConversationDead(channel.key, gone);
      await this.finish(key);
      logger.warn({ tenantId, key, reason: gone }, "the admins' channel is gone; the weekly report was not posted");
      return 'done';
    }
    if (!(await this.finish(key))) {
      logger.warn({ tenantId, key }, 'the weekly report was posted after its lease ran out; another instance may post it too');
    }
    logger.info({ tenantId, key }, 'posted the weekly report');
    return 'posted';
  }

  private async finish(key: string): Promise<boolean> {
    this.done.add(key);
    return this.options.store.runs.finishRun(key, this.holder, this.clock());
  }

  /** Tenants that may have an admins' channel: those of the channels the app is in. */
  private async tenantsWithChannels(): Promise<string[]> {
    const channels = await this.options.store.conversations.listConversations({ kind: 'channel' });
    return [...new Set(channels.flatMap((channel) => (channel.tenantId ? [channel.tenantId] : [])))];
  }
}
