import type { BotStatus } from '../alerts';
import { countFailedCalls } from '../history';
import type { Store } from '../store';
import { readHealth } from './health-route';
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
 * inbox, the alert jobs, the alerts sent and the calls that failed (of the status's tenant, or every
 * tenant) in the last 24 hours.
 */
export async function collectDataFlowStatus(store: Store, tenantId: string | null, now: number, sources: DataFlowSources = {}): Promise<BotStatus> {
  const ingestStatus = sources.ingestStatus ?? new IngestStatus();
  // One read serves the verdict and the figures (the same the health route makes), plus the cards sent
  // and the failed calls (null when the history cannot be read: the card says so rather than 0).
  const [reading, alertsSentLast24h, failedCallsLast24h] = await Promise.all([
    readHealth(store, ingestStatus, now, sources.expectedTenants ?? []),
    store.sentCards.countSentSince(now - 24 * 60 * 60_000).catch(() => 0),
    countFailedCalls({ history: store.history, tenantId, since: now - 24 * 60 * 60_000, now }).catch(() => null),
  ]);
  const { inputs, byState, alerts } = reading;
  const verdict = decideHealth(inputs);
  const visible = tenantId ? inputs.subscriptions.filter((subscription) => subscription.tenantId === tenantId) : inputs.subscriptions;
  return {
    now,
    health: { status: verdict.status, reasons: verdict.reasons.map(({ severity, summary }) => ({ severity, summary })) },
    subscriptions: visible.map((subscription) => ({
      tenantId: subscription.tenantId,
      subscriptionId: subscription.subscriptionId,
      expiresAt: subscription.expiresAt,
    })),
    lastNotificationAt: ingestStatus.lastNotificationAt,
    inbox: byState,
    oldestPendingAgeMs: inputs.oldestPendingAgeMs,
    alertJobs: alerts,
    alertsSentLast24h,
    failedCallsLast24h,
  };
}
