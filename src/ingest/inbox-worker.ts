import type { Logger } from '../logger';
import { alertDue } from '../alerts';
import { utcDay, type PlaceEndpoint } from '../insights';
import type { ScoringOptions } from '../quality';
import type { CallHistoryRecord, ClaimedItem, ScoredCall, Store, WorkItem } from '../store';
import { disabledTelemetry, type Telemetry, type TelemetrySpan } from '../telemetry';
import { describeFailure, isPermanentFailure, type CallRecordSource, type SourceFailure } from './call-record-source';
import type { AssessedCall } from './paged-assessment';
import { readRecordPages, SourceError, type PagedRead } from './record-read';
import { sanitizeUpstreamText } from '../upstream-text';
import type { IngestStatus } from './ingest-status';
import { BackgroundLoop } from '../background-loop';
import { decideRetry } from './retry-policy';
import { TenantHolds } from './tenant-holds';
import { ClaimedAhead } from './claimed-ahead';
import { recordVersionOf, storedReportOf } from './stored-report';

export interface InboxWorkerOptions {
  store: Store;
  source: CallRecordSource;
  logger: Logger;
  status: IngestStatus;
  /** The scoring options in force for a tenant (configuration plus what admins set in Teams). */
  scoringFor: (tenantId: string) => Promise<ScoringOptions>;
  /** Places endpoints in the building file (`BUILDINGS_FILE`) for the cards' summary and the call's history; none without it. */
  place?: PlaceEndpoint;
  /** `ALERT_FAILURES`: whether a failed session (set-up failure, drop) makes an alert due on its own. On unless said. */
  alertFailures?: boolean;
  /** Called when an alert job was queued, to wake the delivery. */
  onAlertQueued?: () => void;
  /** How many records are fetched at once (the Graph client's token buckets set the pace). */
  concurrency?: number;
  /** How many items a claim may lease beyond the free slots, to start as slots free (see {@link ClaimedAhead}); none unless said. */
  claimAhead?: number;
  leaseMs?: number;
  /** How long to wait when there is no due work, unless woken. */
  idleMs?: number;
  /** Spans (`callRecord process` with `fetch`, `score`, `record`, in the call's trace) and the fetch and retry counters. */
  telemetry?: Telemetry;
  clock?: () => number;
  random?: () => number;
}

/** What happened to one item; `held`: put back without a try while its tenant is held. */
export type ItemOutcome = 'scored' | 'unchanged' | 'retry' | 'held' | 'dead' | 'lease-lost';

/**
 * Drains the durable inbox: claims due items, fetches each record from Graph, scores it, then
 * keeps its history, the report and the alert decision and settles the item in one store call
 * (one transaction on SQLite). A crash at any point leaves each item leased (claimed again when
 * the lease runs out) or settled, never lost.
 */
export class InboxWorker {
  private readonly loop: BackgroundLoop;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly clock: () => number;
  private readonly random: () => number;
  private readonly telemetry: Telemetry;
  /** Tenants whose records cannot be read for now; a hold ends with the tenant's next read. */
  private readonly holds: TenantHolds;
  private readonly ahead: ClaimedAhead;

  constructor(private readonly options: InboxWorkerOptions) {
    this.telemetry = options.telemetry ?? disabledTelemetry();
    this.concurrency = options.concurrency ?? 16;
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
    this.loop = new BackgroundLoop(() => this.claimRound(), options.idleMs ?? 1_000);
    this.clock = options.clock ?? Date.now;
    this.random = options.random ?? Math.random;
    this.holds = new TenantHolds(this.random);
    this.ahead = new ClaimedAhead(options.claimAhead ?? 0, this.leaseMs);
  }

  /** Starts the background loop. */
  start(): void {
    this.loop.start();
  }

  /** Stops claiming and waits for the items in flight, starting those claimed ahead as slots free (none waits for its lease to end). */
  async stop(): Promise<void> {
    await this.loop.stop();
    // Items taken by a keep still in flight are started after this began: wait for those too.
    for (;;) {
      this.startAll(this.ahead.take(this.concurrency - this.inFlight.size, this.clock()));
      if (this.inFlight.size === 0) return;
      await Promise.race(this.inFlight);
    }
  }

  /** Ends the idle wait early (new work arrived). */
  wake(): void {
    this.loop.wake();
  }

  /** Processes everything due now, in the caller's turn (for the CLI and tests). Resolves to the outcomes. */
  async drainOnce(): Promise<ItemOutcome[]> {
    const outcomes: ItemOutcome[] = [];
    for (;;) {
      const items = await this.options.store.inbox.claim(this.clock(), this.concurrency, this.leaseMs);
      if (items.length === 0) return outcomes;
      outcomes.push(...(await Promise.all(items.map((item) => this.process(item)))));
    }
  }

  /** Claims as many items as there is room for and starts them; resolves to true when the loop should wait. */
  private async claimRound(): Promise<boolean> {
    const waiting = this.ahead.take(this.concurrency - this.inFlight.size, this.clock());
    this.startAll(waiting);
    const free = this.concurrency - this.inFlight.size;
    let claimed: ClaimedItem[] = [];
    if (free > 0) {
      try {
        claimed = await this.options.store.inbox.claim(this.clock(), free + this.ahead.room, this.leaseMs);
      } catch (error) {
        const message = sanitizeUpstreamText((error as Error).message);
        this.options.status.lastWorkerError = message;
        this.options.logger.error({ err: message }, 'could not claim inbox items');
      }
    }
    this.startAll(this.ahead.keep(claimed, free));
    return claimed.length === 0 || this.inFlight.size >= this.concurrency;
  }

  /** Starts claimed items in the background loop. */
  private startAll(items: readonly ClaimedItem[]): void {
    for (const item of items) {
      const task = this.process(item).finally(() => {
        this.inFlight.delete(task);
        this.wake();
      });
      this.inFlight.add(task);
    }
  }

  /**
   * In the background loop, keeping a call also takes the item that replaces it (one commit on
   * SQLite instead of a keep and a claim); `drainOnce` claims in rounds itself.
   */
  private claimNext(): ScoredCall['claimNext'] {
    // While items claimed ahead wait, the slot this keep frees takes one of them instead.
    return this.loop.isRunning && this.ahead.size === 0 ? { limit: 1 + this.ahead.room, leaseMs: this.leaseMs } : undefined;
  }


  /** Fetches, scores and records one item, then settles it. Never throws. */
  async process(item: ClaimedItem): Promise<ItemOutcome> {
    // The span joins the call's trace (derived from its ids), whichever instance claims the item.
    return this.telemetry.withCallSpan(
      'callRecord process',
      item.tenantId,
      item.callId,
      { kind: 'consumer', attributes: { 'callquality.attempt': item.attempts, 'callquality.source': item.source } },
      async (span) => {
        const outcome = await this.processInSpan(item, span);
        span.setAttributes({ 'callquality.outcome': outcome });
        if (outcome === 'dead') span.fail('The call record was given up on.');
        return outcome;
      },
    );
  }

  /** The call's history row (calls without an alert too: they are every rate's denominator). */
  private historyRowOf(item: WorkItem, assessed: AssessedCall, alert: boolean): CallHistoryRecord {
    const { summary, people, startedAt } = assessed.encodedHistory(alert, item.callId);
    return {
      tenantId: item.tenantId,
      callId: item.callId,
      version: recordVersionOf(assessed.call),
      day: utcDay(startedAt ?? this.clock()),
      startedAt,
      people,
      summary,
    };
  }

  /** The tenant's records all fail alike for now: the item waits for the tenant's hold without spending a try (see {@link TenantHolds}). */
  private async holdTenant(item: WorkItem, failure: SourceFailure, startedAt: number, log: Logger): Promise<ItemOutcome> {
    const { store } = this.options;
    const now = this.clock();
    const decision = this.holds.fail(item, failure, startedAt, now);
    if (decision.action === 'dead') {
      log.warn({ status: failure.status, reason: decision.reason }, 'giving up on a call record');
      return (await store.inbox.kill(item, now, decision.reason)) ? 'dead' : 'lease-lost';
    }
    if (decision.started) {
      this.telemetry.countGraphRetry(failure.status === undefined ? 'network' : String(failure.status));
      log.warn({ status: failure.status, failures: decision.failures, retryAt: new Date(decision.at).toISOString(), reason: failure.message }, "the tenant's call records cannot be read for now; its calls wait without spending their tries");
    }
    return (await store.inbox.postpone(item, now, decision.at, decision.reason)) ? 'held' : 'lease-lost';
  }

  private async processInSpan(item: ClaimedItem, span: TelemetrySpan): Promise<ItemOutcome> {
    const { store, logger } = this.options;
    const telemetry = this.telemetry;
    const log = logger.child({ tenantId: item.tenantId, callId: item.callId, attempt: item.attempts });
    const startedAt = this.clock();
    try {
      const held = this.holds.heldFor(item.tenantId, startedAt);
      // Trying would fail as the tenant's last try did: wait for the hold without spending a try.
      if (held) return (await store.inbox.postpone(item, startedAt, held.at, held.reason)) ? 'held' : 'lease-lost';
      let read: PagedRead;
      try {
        read = await telemetry.withSpan('callRecord fetch', {}, async (fetchSpan) => {
          const result = await readRecordPages(item, this.options);
          // Each page is scored as it arrives, within this span: how much of it was scoring, apart from Graph's time.
          if (result.kind === 'read') fetchSpan.setAttributes({ 'callquality.session_pages': result.sessionPages, 'callquality.scoring_ms': Math.round(result.scoringMs) });
          return result;
        });
        telemetry.countRecordFetched();
        this.holds.release(item.tenantId);
      } catch (error) {
        if (!(error instanceof SourceError)) throw error;
        const failure = describeFailure(error.cause);
        if (failure.tenantWide) return await this.holdTenant(item, failure, startedAt, log);
        if (isPermanentFailure(failure)) {
          // Asking again gets the same answer (a foreign or looping next link, the page cap, 400):
          // retrying for a day would only spend Graph's budget and hide the fault from /healthz.
          const reason = `Given up at once, since asking Graph again would get the same answer: ${failure.message}`;
          log.warn({ status: failure.status, reason }, 'giving up on a call record');
          return (await store.inbox.kill(item, this.clock(), reason)) ? 'dead' : 'lease-lost';
        }
        const decision = decideRetry(failure, {
          now: this.clock(),
          attempts: item.attempts,
          enqueuedAt: item.enqueuedAt,
          callEndedAt: item.callEndedAt,
          random: this.random(),
        });
        if (decision.action === 'retry') {
          telemetry.countGraphRetry(failure.status === undefined ? 'network' : String(failure.status));
          log.info({ status: failure.status, retryAt: new Date(decision.at).toISOString() }, 'fetch failed; will retry');
          return (await store.inbox.retry(item, this.clock(), decision.at, decision.reason)) ? 'retry' : 'lease-lost';
        }
        log.warn({ status: failure.status, reason: decision.reason }, 'giving up on a call record');
        return (await store.inbox.kill(item, this.clock(), decision.reason)) ? 'dead' : 'lease-lost';
      }
      if (read.kind === 'not-a-record') {
        const reason = `Graph returned a document that is not a call record: ${read.reason}.`;
        log.warn({ reason }, 'broken call record');
        return (await store.inbox.kill(item, this.clock(), reason)) ? 'dead' : 'lease-lost';
      }
      if (read.kind === 'unchanged') {
        log.debug({ version: read.version, processed: read.processed }, 'version already processed');
        return (await store.inbox.complete(item, this.clock())) ? 'unchanged' : 'lease-lost';
      }
      const { processed } = read;
      const assessed = await telemetry.withSpan('callRecord score', {}, (scoreSpan) => {
        const done = read.assessment.finish(read.participants);
        const scored = done.report;
        scoreSpan.setAttributes({ 'callquality.version': recordVersionOf(done.call), 'callquality.quality': scored.quality, 'callquality.alert': scored.alert, 'callquality.failures': scored.failures?.length ?? 0 });
        return done;
      });
      const { report } = assessed;
      const version = recordVersionOf(assessed.call);
      // The report's `alert` is about quality and ratings; a failed session alerts too unless ALERT_FAILURES is off.
      const alert = alertDue(report, { failures: this.options.alertFailures ?? true });
      const history = await telemetry.withSpan('callRecord history', {}, () => this.historyRowOf(item, assessed, alert));
      const stored = storedReportOf(item, assessed.call, report, assessed.summary, this.clock(), alert);
      // History (idempotent per version), the report with its alert job, and the item settled, in one store call:
      // one commit on SQLite; on Azure in that order, so a crash leaves the version unprocessed or the item leased.
      const kept = await telemetry.withSpan('callRecord record', {}, () =>
        store.keepScoredCall({ history, report: stored, queueAlert: alert, processed, item, now: this.clock(), claimNext: this.claimNext() }),
      );
      if (kept.next) this.startAll(this.ahead.keep(kept.next, 1));
      if (kept.alertQueued) this.options.onAlertQueued?.();
      this.options.status.processed += 1;
      log.info({ version, quality: report.quality, failures: report.failures?.length ?? 0, alert, alertQueued: kept.alertQueued }, 'call record scored');
      if (!kept.completed) return 'lease-lost';
      return kept.accepted ? 'scored' : 'unchanged';
    } catch (error) {
      // A store failure or a bug: keep the item and try again later; nothing is dropped.
      const message = sanitizeUpstreamText((error as Error)?.message ?? String(error));
      span.fail(error as Error);
      this.options.status.lastWorkerError = message;
      log.error({ err: message }, 'unexpected failure while processing a call record');
      const at = this.clock() + 60_000;
      return (await store.inbox.retry(item, this.clock(), at, `Unexpected failure: ${message}`).catch(() => false)) ? 'retry' : 'lease-lost';
    }
  }
}
