import type { RunStore, ScheduledRun } from './history-types';

/**
 * The rules both engines apply to runs that must happen once, so they cannot drift. Each engine
 * reads the run, asks these what the new row is, and writes it only if nobody wrote meanwhile.
 */

/** Throws a RangeError unless the key and holder are given and the lease ends after `now`. */
export function assertRunClaim(key: string, holder: string, now: number, leaseUntil: number): void {
  if (typeof key !== 'string' || key === '') throw new RangeError('The run key is empty; name the run (e.g. the report, tenant and week).');
  if (typeof holder !== 'string' || holder === '') throw new RangeError(`The holder claiming run "${key}" is empty; name the instance.`);
  if (!Number.isFinite(now) || !Number.isFinite(leaseUntil) || leaseUntil <= now) {
    throw new RangeError(`The lease of run "${key}" ends at ${leaseUntil}, not after now (${now}); give a lease that ends in the future.`);
  }
}

/**
 * The run as `holder` claims it, or undefined when the claim is refused: a done run stays done, a
 * running one is refused while another holder's lease runs. Its own holder may claim again (to
 * extend the lease).
 */
export function claimedRun(existing: ScheduledRun | undefined, key: string, holder: string, now: number, leaseUntil: number): ScheduledRun | undefined {
  if (existing?.state === 'done') return undefined;
  if (existing && existing.holder !== holder && existing.leaseUntil > now) return undefined;
  return { key, state: 'running', holder, leaseUntil, finishedAt: null };
}

/**
 * The run marked done by `holder`, or undefined when `holder` does not hold it (someone else
 * took it over after its lease ran out, it is done already, or it was never claimed). A holder
 * whose lease ran out but whom nobody replaced still holds it: the work is done, once.
 */
export function finishedRun(existing: ScheduledRun | undefined, holder: string, now: number): ScheduledRun | undefined {
  if (!existing || existing.state !== 'running' || existing.holder !== holder) return undefined;
  return { ...existing, state: 'done', finishedAt: now };
}

/** What an engine gives to keep runs: a read, and a write of what `next` makes of the run unless someone wrote it since. */
export interface RunRows {
  read(key: string): Promise<ScheduledRun | undefined>;
  /** Writes `next(run as read)`; false when `next` refuses or another writer changed the run meanwhile. */
  change(key: string, next: (existing: ScheduledRun | undefined) => ScheduledRun | undefined): Promise<boolean>;
}

/** The {@link RunStore} both engines expose, deciding by these rules over the engine's {@link RunRows}. */
export function runStoreOver(rows: RunRows): RunStore {
  return {
    async claimRun(key, holder, now, leaseUntil) {
      assertRunClaim(key, holder, now, leaseUntil);
      return rows.change(key, (existing) => claimedRun(existing, key, holder, now, leaseUntil));
    },
    async finishRun(key, holder, now) {
      return rows.change(key, (existing) => finishedRun(existing, holder, now));
    },
    getRun: (key) => rows.read(key),
  };
}
