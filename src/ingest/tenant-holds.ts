import type { SourceFailure } from './call-record-source';
import { decideRetry, type RetryDecision } from './retry-policy';

/**
 * A tenant whose records all fail alike for now (no token, or a refusal only an admin can lift):
 * its items wait until `until` without being tried, and without their own back-off growing.
 */
interface TenantHold {
  /** When the tenant's items are tried again. */
  until: number;
  /** When the hold was set: attempts that began before it saw the same outage and do not lengthen it. */
  setAt: number;
  /** Tenant-wide failures in a row (the hold doubles with each, as one item's back-off would). */
  failures: number;
  reason: string;
}

/** Items put back when their tenant's hold ends are spread over this much, not all due at one instant. */
const HOLD_SPREAD_MS = 1_000;

/** What a tenant-wide failure came to for the item that met it. */
export type HoldDecision =
  /** Put the item back, untried, for `at`; `started` when this failure set a new hold (log it once). */
  | { action: 'hold'; at: number; reason: string; started: boolean; failures: number }
  /** The item has waited its 24 hours: give it up. */
  | { action: 'dead'; reason: string };

/**
 * The worker's tenant holds: one instance's memory of which tenants cannot be read for now. A hold
 * grows with each tenant-wide failure in a row as one item's back-off would (Retry-After honoured)
 * and ends with the tenant's next successful read.
 */
export class TenantHolds {
  private readonly holds = new Map<string, TenantHold>();

  constructor(private readonly random: () => number) {}

  /** The item's tenant is held at `now`: when to put it back, and why; undefined when it is not. */
  heldFor(tenantId: string, now: number): { at: number; reason: string } | undefined {
    const hold = this.holds.get(tenantId);
    if (!hold || hold.until <= now) return undefined;
    return { at: hold.until + Math.round(this.random() * HOLD_SPREAD_MS), reason: hold.reason };
  }

  /** The tenant's records are read again: its hold, if any, is over. */
  release(tenantId: string): void {
    this.holds.delete(tenantId);
  }

  /**
   * An item's attempt that began at `startedAt` met a tenant-wide failure. Failures of attempts
   * that began before the current hold was set saw the same outage: they join it without
   * lengthening it. Otherwise the hold grows (or starts), decided by the retry policy with the
   * tenant's failures in a row in place of the item's attempts.
   */
  fail(item: { tenantId: string; enqueuedAt: number; callEndedAt: number | null }, failure: SourceFailure, startedAt: number, now: number): HoldDecision {
    const current = this.holds.get(item.tenantId);
    if (current && current.setAt >= startedAt && current.until > now) {
      return { action: 'hold', ...this.heldFor(item.tenantId, now)!, started: false, failures: current.failures };
    }
    const failures = (current?.failures ?? 0) + 1;
    const decision: RetryDecision = decideRetry(failure, { now, attempts: failures, enqueuedAt: item.enqueuedAt, callEndedAt: item.callEndedAt, random: this.random() });
    if (decision.action === 'dead') return decision;
    const reason = `Held with every call of the tenant until ${new Date(decision.at).toISOString()}: ${failure.message}`;
    this.holds.set(item.tenantId, { until: decision.at, setAt: now, failures, reason });
    return { action: 'hold', at: decision.at, reason, started: true, failures };
  }
}
