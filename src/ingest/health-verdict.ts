/**
 * The one place that decides whether the bot is healthy, from plain values. `/healthz` and the
 * `status` card both call {@link decideHealth}, so they never disagree.
 */

/** `ok`: data flows. `degraded`: it flows, with a problem to look at. `failing`: it does not flow (calls are being lost or delayed now). */
export type HealthStatus = 'ok' | 'degraded' | 'failing';

/** What a reason is about; stable, for monitors to match on. */
export type HealthReasonCode =
  | 'store-unreadable'
  | 'inbox-unwritable'
  | 'inbox-write-failures'
  | 'subscription-missing'
  | 'subscription-expired'
  | 'inbox-backlog'
  | 'sweep-failed'
  | 'dead-items';

/** One reason for a verdict other than `ok`. */
export interface HealthReason {
  code: HealthReasonCode;
  /** The status this reason alone leads to. */
  severity: Exclude<HealthStatus, 'ok'>;
  /** A sentence with counts only (no tenant, subscription or call ids, no error texts): safe to show anyone. */
  summary: string;
  /** The same with the ids and error texts, for the keyed view of `/healthz` and admins. */
  details: string[];
}

/** The verdict: the worst severity among the reasons, and the reasons themselves (worst first). */
export interface HealthVerdict {
  status: HealthStatus;
  reasons: HealthReason[];
}

/**
 * Everything the verdict depends on, as plain values (times are epoch milliseconds). Build it with
 * `gatherHealthInputs` from the store and the process's `IngestStatus`, or by hand in a test.
 */
export interface HealthInputs {
  /** The time of the decision. */
  now: number;
  /** Set when the store could not be read; the store-derived fields below are then empty. */
  storeReadError: string | null;
  /** Tenants that should have a Graph subscription (none when `NOTIFICATION_URL` is not set). */
  expectedTenants: readonly string[];
  /** The stored Graph subscriptions. */
  subscriptions: ReadonlyArray<{ tenantId: string; subscriptionId: string; expiresAt: number }>;
  /** Age of the oldest inbox item that is due or leased; null when none is. */
  oldestPendingAgeMs: number | null;
  /** How many inbox items are dead (failed for good), and when the newest of them died (null when none). */
  dead: { count: number; newestAt: number | null; newest: ReadonlyArray<{ tenantId: string; callId: string; reason: string | null }> };
  /** The last reconciliation sweep of each tenant. */
  lastSweeps: ReadonlyArray<{ tenantId: string; at: number; error: string | null }>;
  /** The webhook's writes into the inbox (see `IngestStatus.inboxWrites`). */
  inboxWrites: { lastSuccessAt: number | null; lastFailureAt: number | null; lastError: string | null; failuresInLastHour: number };
}

/** A failed inbox write this recent, with no success since, means notifications are being refused now. */
export const INBOX_UNWRITABLE_WINDOW_MS = 15 * 60_000;
/** An inbox item older than this has waited too long (call records appear within 60 minutes, at most 150). */
export const INBOX_BACKLOG_LIMIT_MS = 3 * 60 * 60_000;
/** Dead items this recent are reported; older ones stay counted in the inbox but no longer degrade the verdict. */
export const RECENT_DEAD_WINDOW_MS = 24 * 60 * 60_000;

/** Decides the verdict. Pure: same inputs, same verdict. */
export function decideHealth(inputs: HealthInputs): HealthVerdict {
  const reasons: HealthReason[] = [];
  const { now } = inputs;
  if (inputs.storeReadError !== null) {
    reasons.push({
      code: 'store-unreadable',
      severity: 'failing',
      summary: 'The store cannot be read.',
      details: [`The store cannot be read: ${inputs.storeReadError}`],
    });
  }

  const writes = inputs.inboxWrites;
  const lastWriteFailed = writes.lastFailureAt !== null && (writes.lastSuccessAt === null || writes.lastFailureAt > writes.lastSuccessAt);
  if (lastWriteFailed && now - writes.lastFailureAt! <= INBOX_UNWRITABLE_WINDOW_MS) {
    reasons.push({
      code: 'inbox-unwritable',
      severity: 'failing',
      summary: `The inbox cannot be written: the webhook answers 503 and Graph delivers again later (${plural(writes.failuresInLastHour, 'failure')} in the last hour).`,
      details: [`The last inbox write failed ${minutesAgo(now, writes.lastFailureAt!)}: ${writes.lastError ?? 'no message'}`],
    });
  } else if (writes.failuresInLastHour > 0) {
    reasons.push({
      code: 'inbox-write-failures',
      severity: 'degraded',
      summary: `The inbox could not be written ${plural(writes.failuresInLastHour, 'time')} in the last hour (the webhook answered 503).`,
      details: [`The last inbox write failure was ${writes.lastFailureAt === null ? 'not recorded' : minutesAgo(now, writes.lastFailureAt)}: ${writes.lastError ?? 'no message'}`],
    });
  }

  const missing: string[] = [];
  const expired: string[] = [];
  for (const tenantId of inputs.expectedTenants) {
    const subscription = inputs.subscriptions.find((s) => s.tenantId === tenantId);
    if (!subscription) missing.push(tenantId);
    else if (subscription.expiresAt <= now) expired.push(tenantId);
  }
  if (missing.length > 0) {
    reasons.push({
      code: 'subscription-missing',
      severity: 'degraded',
      summary: `${plural(missing.length, 'tenant')} of ${inputs.expectedTenants.length} ${missing.length === 1 ? 'has' : 'have'} no Graph subscription: only the reconciliation sweep finds their calls.`,
      details: missing.map((tenantId) => `No Graph subscription for tenant ${tenantId}.`),
    });
  }
  if (expired.length > 0) {
    reasons.push({
      code: 'subscription-expired',
      severity: 'degraded',
      summary: `The Graph subscription of ${plural(expired.length, 'tenant')} has expired: only the reconciliation sweep finds their calls.`,
      details: expired.map((tenantId) => `The Graph subscription for tenant ${tenantId} has expired.`),
    });
  }

  if (inputs.oldestPendingAgeMs !== null && inputs.oldestPendingAgeMs > INBOX_BACKLOG_LIMIT_MS) {
    reasons.push({
      code: 'inbox-backlog',
      severity: 'degraded',
      summary: 'The oldest pending call record has waited more than 3 hours.',
      details: [`The oldest pending call record has waited ${Math.round(inputs.oldestPendingAgeMs / 60_000)} minutes.`],
    });
  }

  const failedSweeps = inputs.lastSweeps.filter((sweep) => sweep.error !== null);
  if (failedSweeps.length > 0) {
    reasons.push({
      code: 'sweep-failed',
      severity: 'degraded',
      summary: `The last reconciliation sweep failed for ${plural(failedSweeps.length, 'tenant')}.`,
      details: failedSweeps.map((sweep) => `The last sweep of tenant ${sweep.tenantId} failed: ${sweep.error}`),
    });
  }

  if (inputs.dead.count > 0 && inputs.dead.newestAt !== null && now - inputs.dead.newestAt <= RECENT_DEAD_WINDOW_MS) {
    reasons.push({
      code: 'dead-items',
      severity: 'degraded',
      summary: `${plural(inputs.dead.count, 'call record')} failed for good (dead in the inbox), the newest ${minutesAgo(now, inputs.dead.newestAt)}.`,
      details: inputs.dead.newest.map((item) => `Call ${item.callId} of tenant ${item.tenantId} is dead: ${item.reason ?? 'no reason recorded'}`),
    });
  }

  reasons.sort((a, b) => SEVERITY_ORDER[b.severity] - SEVERITY_ORDER[a.severity]);
  const status: HealthStatus = reasons.some((r) => r.severity === 'failing') ? 'failing' : reasons.length > 0 ? 'degraded' : 'ok';
  return { status, reasons };
}

const SEVERITY_ORDER: Record<HealthReason['severity'], number> = { degraded: 1, failing: 2 };

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function minutesAgo(now: number, at: number): string {
  const minutes = Math.max(0, Math.round((now - at) / 60_000));
  return minutes === 0 ? 'less than a minute ago' : `${minutes} minute${minutes === 1 ? '' : 's'} ago`;
}
