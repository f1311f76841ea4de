import type { BotStatus } from '../alerts';
import type { Store } from '../store';
import { gatherHealthInputs } from './health-route';
import { decideHealth } from './health-verdict';
import { IngestStatus } from './ingest-status';

/** What the process knows about the data flow beyond the store: this process's webhook and sweep state, and the tenants that should have a subscription. */
export interface DataFlowSources {
  /** The running webhook's and sweep's state (a fresh one, knowing nothing yet, when absent). */
  ingestStatus?: IngestStatus;
  /** Tenants that should have a Graph subscription (none when `NOTIFICATION_URL` is not set). */
  expectedTenants?: readonly string[];
}

/**
 * The `status` card's data: the verdict of `/healthz` (the same {@link decideHealth}, so the card
 * and the endpoint never disagree, and with the same counts-only reasons), the subscriptions, the
 * inbox, the alert jobs and the alerts sent in the last 24 hours.
 */
export async function collectDataFlowStatus(store: Store, tenantId: string | null, now: number, sources: DataFlowSources = {}): Promise<BotStatus> {
  const ingestStatus = sources.ingestStatus ?? new IngestStatus();
  const [subscriptions, inbox, alertJobs, alertsSentLast24h, inputs] = await Promise.all([
    store.subscriptions.listSubscriptions(),
    store.inbox.stats(now),
    store.reports.alertJobStats(),
    store.sentCards.countSentSince(now - 24 * 60 * 60_000),
    gatherHealthInputs(store, ingestStatus, now, sources.expectedTenants ?? []),
  ]);
  const verdict = decideHealth(inputs);
  const visible = tenantId ? subscriptions.filter((subscription) => subscription.tenantId === tenantId) : subscriptions;
  return {
    now,
    health: { status: verdict.status, reasons: verdict.reasons.map(({ severity, summary }) => ({ severity, summary })) },
    subscriptions: visible.map((subscription) => ({
      tenantId: subscription.tenantId,
      subscriptionId: subscription.subscriptionId,
      expiresAt: subscription.expiresAt,
    })),
    lastNotificationAt: ingestStatus.lastNotificationAt,
    inbox: inbox.byState,
    oldestPendingAgeMs: inbox.oldestPendingAgeMs,
    alertJobs,
    alertsSentLast24h,
  };
}
