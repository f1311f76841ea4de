import type restify from 'restify';
import type { Store } from '../store';
import type { IngestStatus } from './ingest-status';

/** What `/healthz` answers: is data flowing? */
export interface HealthReport {
  status: 'ok' | 'degraded';
  problems: string[];
  now: string;
  subscriptions: Array<{ tenantId: string; subscriptionId: string; expiresAt: string; expiresInMinutes: number }>;
  lastNotificationAt: string | null;
  notifications: { accepted: number; dropped: Record<string, number>; rejectedBodies: number };
  inbox: { byState: Record<string, number>; oldestPendingAgeSeconds: number | null; dead: Array<{ tenantId: string; callId: string; reason: string | null; at: string }> };
  alerts: Record<string, number>;
  lastSweeps: Array<{ tenantId: string; at: string; since: string; listed: number; enqueued: number; error: string | null }>;
  processed: number;
  lastWorkerError: string | null;
}

/** Builds the health report from the store and this process's status. */
export async function healthReport(store: Store, status: IngestStatus, now: number, expectedTenants: readonly string[] = []): Promise<HealthReport> {
  const [subscriptions, inbox, dead, alerts] = await Promise.all([
    store.subscriptions.listSubscriptions(),
    store.inbox.stats(now),
    store.inbox.listDead(10),
    store.reports.alertJobStats(),
  ]);
  const problems: string[] = [];
  for (const tenantId of expectedTenants) {
    const subscription = subscriptions.find((s) => s.tenantId === tenantId);
    if (!subscription) problems.push(`No Graph subscription for tenant ${tenantId}.`);
    else if (subscription.expiresAt <= now) problems.push(`The Graph subscription for tenant ${tenantId} has expired.`);
  }
  if (inbox.oldestPendingAgeMs !== null && inbox.oldestPendingAgeMs > 3 * 60 * 60_000) problems.push('The oldest pending call record has waited more than 3 hours.');
  for (const sweep of status.lastSweeps.values()) if (sweep.error) problems.push(`The last sweep of tenant ${sweep.tenantId} failed: ${sweep.error}`);
  return {
    status: problems.length === 0 ? 'ok' : 'degraded',
    problems,
    now: new Date(now).toISOString(),
    subscriptions: subscriptions.map((s) => ({
      tenantId: s.tenantId,
      subscriptionId: s.subscriptionId,
      expiresAt: new Date(s.expiresAt).toISOString(),
      expiresInMinutes: Math.round((s.expiresAt - now) / 60_000),
    })),
    lastNotificationAt: status.lastNotificationAt === null ? null : new Date(status.lastNotificationAt).toISOString(),
    notifications: { accepted: status.accepted, dropped: { ...status.dropped }, rejectedBodies: status.rejectedBodies },
    inbox: {
      byState: inbox.byState,
      oldestPendingAgeSeconds: inbox.oldestPendingAgeMs === null ? null : Math.round(inbox.oldestPendingAgeMs / 1000),
      dead: dead.map((item) => ({ tenantId: item.tenantId, callId: item.callId, reason: item.lastError, at: new Date(item.updatedAt).toISOString() })),
    },
    alerts,
    lastSweeps: [...status.lastSweeps.values()].map((s) => ({
      tenantId: s.tenantId,
      at: new Date(s.at).toISOString(),
      since: new Date(s.since).toISOString(),
      listed: s.listed,
      enqueued: s.enqueued,
      error: s.error,
    })),
    processed: status.processed,
    lastWorkerError: status.lastWorkerError,
  };
}

/** `GET /healthz`: 200 with the report (the status field says ok or degraded). */
export function healthRoute(store: Store, status: IngestStatus, expectedTenants: readonly string[], clock: () => number = Date.now): (server: restify.Server) => void {
  return (server) =>
    server.get('/healthz', (_req: restify.Request, res: restify.Response, next: restify.Next) => {
      healthReport(store, status, clock(), expectedTenants).then(
        (report) => {
          res.json(200, report);
          next(false);
        },
        (error: Error) => {
          res.json(503, { status: 'down', problems: [`The store cannot be read: ${error.message}`] });
          next(false);
        },
      );
    });
}
