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

  /** Counts a batch that was read. */
  recordBatch(now: number, accepted: number, dropped: Record<DropReason, number>): void {
    if (accepted > 0) this.lastNotificationAt = now;
    this.accepted += accepted;
    for (const reason of Object.keys(dropped) as DropReason[]) this.dropped[reason] += dropped[reason];
  }
}
