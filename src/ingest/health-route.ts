import { createHash, timingSafeEqual } from 'node:crypto';
import type restify from 'restify';
import type { Store, WorkItem } from '../store';
import { decideHealth, type HealthInputs, type HealthReason, type HealthStatus } from './health-verdict';
import { INBOX_FAILURE_WINDOW_MS, type IngestStatus } from './ingest-status';

/** Counts anyone may see: no ids, no error texts. */
export interface HealthCounts {
  expectedSubscriptions: number;
  activeSubscriptions: number;
  notificationsAccepted: number;
  notificationsDropped: Record<string, number>;
  rejectedBodies: number;
  inboxWriteFailuresLastHour: number;
  inbox: Record<string, number>;
  oldestPendingAgeSeconds: number | null;
  alerts: Record<string, number>;
  processed: number;
}

/** What public `/healthz` answers: the verdict and counts. */
export interface PublicHealthReport {
  status: HealthStatus;
  reasons: Array<Pick<HealthReason, 'code' | 'severity' | 'summary'>>;
  now: string;
  counts: HealthCounts;
}

/** What `/healthz` answers to a client with `HEALTH_KEY` or on loopback: the public report and the details. */
export interface HealthReport extends PublicHealthReport {
  reasons: HealthReason[];
  /** Every reason's details, flattened: ids and error texts. */
  problems: string[];
  subscriptions: Array<{ tenantId: string; subscriptionId: string; expiresAt: string; expiresInMinutes: number }>;
  lastNotificationAt: string | null;
  notifications: { accepted: number; dropped: Record<string, number>; rejectedBodies: number };
  inboxWrites: { lastSuccessAt: string | null; lastFailureAt: string | null; lastError: string | null; failuresInLastHour: number };
  inbox: { byState: Record<string, number>; oldestPendingAgeSeconds: number | null; dead: Array<{ tenantId: string; callId: string; reason: string | null; at: string }> };
  alerts: Record<string, number>;
  lastSweeps: Array<{ tenantId: string; at: string; since: string; listed: number; enqueued: number; error: string | null }>;
  processed: number;
  lastWorkerError: string | null;
}

/** The inputs of the verdict and what the report shows beside it, read once. */
/** One read of everything health needs: the verdict's inputs and the figures beside them. */
export interface HealthReading {
  inputs: HealthInputs;
  byState: Record<string, number>;
  dead: WorkItem[];
  alerts: Record<string, number>;
}

/** Dead items read for the verdict and shown in the details. */
const DEAD_ITEMS_SHOWN = 10;

/**
 * Reads what {@link decideHealth} needs from the store and this process's status. A store that
 * cannot be read is an input (`storeReadError`), not an exception.
 */
export async function gatherHealthInputs(store: Store, status: IngestStatus, now: number, expectedTenants: readonly string[] = []): Promise<HealthInputs> {
  return (await readHealth(store, status, now, expectedTenants)).inputs;
}

/**
 * Reads the store once for `/healthz` and the `status` card: subscriptions, inbox counts, the newest
 * dead items and the alert jobs. Never throws: a store that cannot be read is an input of the verdict.
 */
export async function readHealth(store: Store, status: IngestStatus, now: number, expectedTenants: readonly string[]): Promise<HealthReading> {
  const writes = status.inboxWrites;
  const fromStatus = {
    now,
    expectedTenants,
    lastSweeps: [...status.lastSweeps.values()].map((s) => ({ tenantId: s.tenantId, at: s.at, error: s.error })),
    inboxWrites: {
      lastSuccessAt: writes.lastSuccessAt,
      lastFailureAt: writes.lastFailureAt,
      lastError: writes.lastError,
      failuresInLastHour: writes.recentFailureTimes.filter((at) => at > now - INBOX_FAILURE_WINDOW_MS).length,
    },
  };
  try {
    const [subscriptions, inbox, dead, alerts] = await Promise.all([
      store.subscriptions.listSubscriptions(),
      store.inbox.stats(now),
      store.inbox.listDead(DEAD_ITEMS_SHOWN),
      store.reports.alertJobStats(),
    ]);
    return {
      inputs: {
        ...fromStatus,
        storeReadError: null,
        subscriptions: subscriptions.map((s) => ({ tenantId: s.tenantId, subscriptionId: s.subscriptionId, expiresAt: s.expiresAt })),
        oldestPendingAgeMs: inbox.oldestPendingAgeMs,
        dead: {
          count: inbox.byState.dead ?? dead.length,
          newestAt: dead.length === 0 ? null : Math.max(...dead.map((item) => item.updatedAt)),
          newest: dead.map((item) => ({ tenantId: item.tenantId, callId: item.callId, reason: item.lastError })),
        },
      },
      byState: inbox.byState,
      dead,
      alerts,
    };
  } catch (error) {
    return {
      inputs: { ...fromStatus, storeReadError: (error as Error).message, subscriptions: [], oldestPendingAgeMs: null, dead: { count: 0, newestAt: null, newest: [] } },
      byState: {},
      dead: [],
      alerts: {},
    };
  }
}

/** Builds the full health report (with ids and error texts) from the store and this process's status. */
export async function healthReport(store: Store, status: IngestStatus, now: number, expectedTenants: readonly string[] = []): Promise<HealthReport> {
  const { inputs, byState, dead, alerts } = await readHealth(store, status, now, expectedTenants);
  const verdict = decideHealth(inputs);
  const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());
  const oldestPendingAgeSeconds = inputs.oldestPendingAgeMs === null ? null : Math.round(inputs.oldestPendingAgeMs / 1000);
  return {
    status: verdict.status,
    reasons: verdict.reasons,
    problems: verdict.reasons.flatMap((reason) => reason.details),
    now: new Date(now).toISOString(),
    counts: {
      expectedSubscriptions: expectedTenants.length,
      activeSubscriptions: inputs.subscriptions.filter((s) => s.expiresAt > now).length,
      notificationsAccepted: status.accepted,
      notificationsDropped: { ...status.dropped },
      rejectedBodies: status.rejectedBodies,
      inboxWriteFailuresLastHour: inputs.inboxWrites.failuresInLastHour,
      inbox: { ...byState },
      oldestPendingAgeSeconds,
      alerts: { ...alerts },
      processed: status.processed,
    },
    subscriptions: inputs.subscriptions.map((s) => ({
      tenantId: s.tenantId,
      subscriptionId: s.subscriptionId,
      expiresAt: new Date(s.expiresAt).toISOString(),
      expiresInMinutes: Math.round((s.expiresAt - now) / 60_000),
    })),
    lastNotificationAt: iso(status.lastNotificationAt),
    notifications: { accepted: status.accepted, dropped: { ...status.dropped }, rejectedBodies: status.rejectedBodies },
    inboxWrites: {
      lastSuccessAt: iso(inputs.inboxWrites.lastSuccessAt),
      lastFailureAt: iso(inputs.inboxWrites.lastFailureAt),
      lastError: inputs.inboxWrites.lastError,
      failuresInLastHour: inputs.inboxWrites.failuresInLastHour,
    },
    inbox: {
      byState,
      oldestPendingAgeSeconds,
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

/** The part of a report anyone may see: the verdict, reasons without details, and counts. */
export function publicHealthReport(report: HealthReport): PublicHealthReport {
  return {
    status: report.status,
    reasons: report.reasons.map(({ code, severity, summary }) => ({ code, severity, summary })),
    now: report.now,
    counts: report.counts,
  };
}

/** Options of {@link healthRoute}. */
export interface HealthRouteOptions {
  store: Store;
  status: IngestStatus;
  /** Tenants that should have a Graph subscription. */
  expectedTenants: readonly string[];
  /** `HEALTH_KEY`: a client that sends it (`Authorization: Bearer <key>` or `x-health-key: <key>`) gets the details. */
  healthKey?: string;
  clock?: () => number;
}

/**
 * `GET /healthz`: 200 when the verdict is ok or degraded, 503 when failing (so a load balancer or
 * App Service's health check takes a failing instance out). Anyone gets the verdict and counts; the
 * details (tenant, subscription and call ids, error texts) go to a client with the right
 * `HEALTH_KEY` or on loopback without proxy headers. A wrong key gets 401.
 */
export function healthRoute(options: HealthRouteOptions): (server: restify.Server) => void {
  const clock = options.clock ?? Date.now;
  const expectedKey = options.healthKey === undefined ? undefined : digest(options.healthKey);
  return (server) =>
    server.get('/healthz', (req: restify.Request, res: restify.Response, next: restify.Next) => {
      const offered = offeredKey(req);
      if (offered !== undefined && (expectedKey === undefined || !timingSafeEqual(digest(offered), expectedKey))) {
        res.json(401, { status: 'unauthorized', message: 'The health key is wrong (or HEALTH_KEY is not set): send the HEALTH_KEY, or no key for the public report.' });
        next(false);
        return;
      }
      const detailed = offered !== undefined || isLocalClient(req);
      healthReport(options.store, options.status, clock(), options.expectedTenants).then(
        (report) => {
          res.header('Cache-Control', 'no-store');
          res.json(report.status === 'failing' ? 503 : 200, detailed ? report : publicHealthReport(report));
          next(false);
        },
        (error: Error) => {
          res.json(503, { status: 'failing', reasons: [{ code: 'store-unreadable', severity: 'failing', summary: 'The health report could not be built.' }], ...(detailed ? { problems: [error.message] } : {}) });
          next(false);
        },
      );
    });
}

/** Hashing both sides gives equal lengths, so the comparison is constant-time whatever was sent. */
function digest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

function offeredKey(req: restify.Request): string | undefined {
  const header = req.headers['x-health-key'];
  if (typeof header === 'string' && header.length > 0) return header;
  const authorization = req.headers.authorization;
  const bearer = typeof authorization === 'string' ? /^Bearer\s+(.+)$/i.exec(authorization)?.[1]?.trim() : undefined;
  return bearer || undefined;
}

/**
 * A client on this machine, talking to the bot directly. A request with proxy headers came through
 * a proxy (which may itself run on this machine) on behalf of someone else: not local.
 */
function isLocalClient(req: restify.Request): boolean {
  if (req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined || req.headers['x-real-ip'] !== undefined) return false;
  const address = req.socket?.remoteAddress ?? '';
  return address === '::1' || /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(address);
}
