import type { Logger } from '../logger';
import type { EnqueueRequest, Store, WorkSource } from '../store';
import { describeFailure, type CallRecordSource } from './call-record-source';
import type { IngestStatus, SweepReport } from './ingest-status';

/**
 * Records can appear up to 150 minutes after a call ends, and calls last hours: each sweep looks
 * back this far before its watermark, so a call that started before the last sweep but was
 * published after it is still found.
 */
export const SWEEP_OVERLAP_MS = 6 * 60 * 60_000;
/** The first sweep of a tenant looks back one day. */
export const FIRST_SWEEP_LOOKBACK_MS = 24 * 60 * 60_000;

const WATERMARK_KEY = 'sweep.watermark';

export interface ReconciliationSweepOptions {
  store: Store;
  source: CallRecordSource;
  logger: Logger;
  status: IngestStatus;
  tenantIds: readonly string[];
  clock?: () => number;
  onEnqueued?: () => void;
}

/** A tenant's sweep in flight, and the one queued behind it. */
interface TenantSweepRun {
  promise: Promise<SweepReport>;
  /** Set once the sweep asks Graph for its first page: what changes from then on may not be in its listing. */
  reading: boolean;
  /** One more sweep after this one, shared by every request that arrived while this one was reading. */
  next: Promise<SweepReport> | undefined;
}

/**
 * The guard against Graph's silent outages: lists the call records that started since the last
 * watermark and enqueues the ones never seen (and the ones whose listed version is newer than
 * the one processed).
 *
 * Sweeps are coalesced per tenant, since Graph may send hundreds of `missed` events at once: at
 * most one sweep per tenant runs, and at most one more waits behind it. A request that arrives
 * before the running sweep has asked Graph for anything joins it (the listing will include what
 * was missed); one that arrives after the sweep began reading may concern changes its listing
 * no longer sees, so it gets one more sweep after it, shared by every such request.
 */
export class ReconciliationSweep {
  private readonly clock: () => number;
  private running: Promise<SweepReport[]> | undefined;
  private readonly tenantSweeps = new Map<string, TenantSweepRun>();

  constructor(private readonly options: ReconciliationSweepOptions) {
    this.clock = options.clock ?? Date.now;
  }

  /** Sweeps every tenant; concurrent calls share one sweep. */
  sweepAll(): Promise<SweepReport[]> {
    this.running ??= (async () => {
      try {
        const reports: SweepReport[] = [];
        for (const tenantId of this.options.tenantIds) reports.push(await this.sweepTenant(tenantId));
        return reports;
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /**
   * Sweeps one tenant from its watermark (coalesced with the tenant's sweep in flight, see the
   * class), or from `since`, for a backfill, which also re-enqueues what was seen but not
   * processed and always runs on its own. `onProgress` is told the counts as pages arrive.
   */
  sweepTenant(tenantId: string, since?: number, onProgress?: (listed: number, enqueued: number) => void): Promise<SweepReport> {
    if (since !== undefined) return this.runSweep(tenantId, since, onProgress, () => undefined);
    const running = this.tenantSweeps.get(tenantId);
    if (!running) return this.startTenantSweep(tenantId, onProgress);
    if (!running.reading) return running.promise;
    running.next ??= running.promise.then(
      () => this.sweepTenant(tenantId),
      () => this.sweepTenant(tenantId),
    );
    return running.next;
  }

  private startTenantSweep(tenantId: string, onProgress?: (listed: number, enqueued: number) => void): Promise<SweepReport> {
    const run: Omit<TenantSweepRun, 'promise'> = { reading: false, next: undefined };
    const promise: Promise<SweepReport> = this.runSweep(tenantId, undefined, onProgress, () => {
      run.reading = true;
    }).finally(() => {
      if (this.tenantSweeps.get(tenantId)?.promise === promise) this.tenantSweeps.delete(tenantId);
    });
    this.tenantSweeps.set(tenantId, Object.assign(run, { promise }));
    return promise;
  }

  private async runSweep(tenantId: string, since: number | undefined, onProgress: ((listed: number, enqueued: number) => void) | undefined, onReading: () => void): Promise<SweepReport> {
    const { store, source, logger, status } = this.options;
    const startedAt = this.clock();
    const watermark = await store.settings.getSetting<number>(tenantId, WATERMARK_KEY);
    const from = since ?? (watermark === undefined ? startedAt - FIRST_SWEEP_LOOKBACK_MS : watermark - SWEEP_OVERLAP_MS);
    const sourceName: WorkSource = since === undefined ? 'sweep' : 'backfill';
    const report: SweepReport = { at: startedAt, tenantId, since: from, listed: 0, enqueued: 0, error: null };
    let batch: { unseen: EnqueueRequest[]; newer: EnqueueRequest[] } = { unseen: [], newer: [] };
    const flush = async () => {
      if (batch.unseen.length > 0) report.enqueued += await store.inbox.enqueue(batch.unseen, this.clock(), { onlyIfUnseen: true });
      if (batch.newer.length > 0) report.enqueued += await store.inbox.enqueue(batch.newer, this.clock());
      batch = { unseen: [], newer: [] };
      if (report.enqueued > 0) this.options.onEnqueued?.();
      onProgress?.(report.listed, report.enqueued);
    };
    try {
      onReading();
      for await (const listed of source.listCallRecordsSince(tenantId, new Date(from))) {
        report.listed += 1;
        const processed = await store.reports.processedVersion(tenantId, listed.id);
        const request = { tenantId, callId: listed.id, source: sourceName };
        if (processed === null) batch.unseen.push(request);
        else if (listed.version !== null && listed.version > processed) batch.newer.push(request);
        if (batch.unseen.length + batch.newer.length >= 100) await flush();
      }
      await flush();
      if (since === undefined) await store.settings.setSetting(tenantId, WATERMARK_KEY, startedAt);
      logger.info({ tenantId, listed: report.listed, enqueued: report.enqueued, since: new Date(from).toISOString() }, 'reconciliation sweep done');
    } catch (error) {
      await flush().catch(() => undefined);
      report.error = describeFailure(error).message;
      logger.warn({ tenantId, err: report.error }, 'reconciliation sweep failed; the watermark is kept for the next one');
    }
    status.lastSweeps.set(tenantId, report);
    return report;
  }
}
