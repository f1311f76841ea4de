import type { BotStatus } from '../alerts';
import type { Store } from '../store';

/**
 * What the store cannot tell about the data flow (when the last change notification arrived,
 * tenants configured without a subscription yet), supplied by the ingest side. Anything it
 * returns replaces what the bot read from the store.
 */
export type StatusProvider = () => Partial<BotStatus> | Promise<Partial<BotStatus>>;

/** The `status` card's data: subscriptions, inbox, alert jobs, alerts sent in the last 24 hours. */
export async function collectDataFlowStatus(store: Store, tenantId: string | null, now: number, provider?: StatusProvider): Promise<BotStatus> {
  const [subscriptions, inbox, alertJobs, alertsSentLast24h] = await Promise.all([
    store.subscriptions.listSubscriptions(),
    store.inbox.stats(now),
    store.reports.alertJobStats(),
    store.sentCards.countSentSince(now - 24 * 60 * 60_000),
  ]);
  const visible = tenantId ? subscriptions.filter((subscription) => subscription.tenantId === tenantId) : subscriptions;
  const status: BotStatus = {
    now,
    subscriptions: visible.map((subscription) => ({
      tenantId: subscription.tenantId,
      subscriptionId: subscription.subscriptionId,
      expiresAt: subscription.expiresAt,
    })),
    lastNotificationAt: null,
    inbox: inbox.byState,
    oldestPendingAgeMs: inbox.oldestPendingAgeMs,
    alertJobs,
    alertsSentLast24h,
  };
  return { ...status, ...((await provider?.()) ?? {}), now };
}
