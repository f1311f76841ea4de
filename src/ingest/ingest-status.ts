import type { DropReason } from './change-notifications';

/** The last reconciliation sweep, for `/healthz`. */
export interface SweepReport {
  at: number;
  tenantId: string;
  since: number;
  listed: number;
  enqueued: number;
  error: string | null;
}

/** Writes of notifications into the inbox, for the health verdict (a full disk shows here first). */
export interface InboxWriteRecord {
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
  /** The last failure's message, for the keyed view of `/healthz` only. */
  lastError: string | null;
  /** When the recent failures happened, oldest first; at most {@link MAX_TRACKED_INBOX_FAILURES}, none older than an hour. */
  recentFailureTimes: number[];
}

/** How far back inbox write failures are counted. */
export const INBOX_FAILURE_WINDOW_MS = 60 * 60_000;
/** Failures kept in {@link InboxWriteRecord.recentFailureTimes}: enough to count, bounded under a storm. */
export const MAX_TRACKED_INBOX_FAILURES = 1_000;

/**
 * What this process has seen of the notification flow. One instance is created at start-up and
 * passed to the parts that update it (no module-level state).
 */
export class IngestStatus {
  lastNotificationAt: number | null = null;
  accepted = 0;
  readonly dropped: Record<DropReason, number> = { clientState: 0, tenant: 0, malformed: 0 };
  rejectedBodies = 0;
  readonly lastSweeps = new Map<string, SweepReport>();
  lastWorkerError: string | null = null;
  processed = 0;
  readonly inboxWrites: InboxWriteRecord = { lastSuccessAt: null, lastFailureAt: null, lastError: null, recentFailureTimes: [] };

  /** Counts a batch that was read. */
  recordBatch(now: number, accepted: number, dropped: Record<DropReason, number>): void {
    if (accepted > 0) this.lastNotificationAt = now;
    this.accepted += accepted;
    for (const reason of Object.keys(dropped) as DropReason[]) this.dropped[reason] += dropped[reason];
  }

  /** Notes that notifications were written to the inbox. */
  recordInboxWriteSuccess(now: number): void {
    this.inboxWrites.lastSuccessAt = now;
  }

  /** Notes that the inbox could not be written (the webhook answered 503). */
  recordInboxWriteFailure(now: number, message: string): void {
    const writes = this.inboxWrites;
    writes.lastFailureAt = now;
    writes.lastError = message;
    writes.recentFailureTimes.push(now);
    const keepFrom = writes.recentFailureTimes.findIndex((at) => at > now - INBOX_FAILURE_WINDOW_MS);
    writes.recentFailureTimes.splice(0, keepFrom < 0 ? writes.recentFailureTimes.length : Math.max(keepFrom, writes.recentFailureTimes.length - MAX_TRACKED_INBOX_FAILURES));
  }
}
