import type { Logger } from '../logger';
import { alertDue } from '../alerts';
import { callHistoryOf, encodeCallHistory, peopleOf, utcDay, type PlaceEndpoint } from '../insights';
import { notACallRecordReason, scoreCallRecord, type CallQualityReport, type ScoringOptions } from '../quality';
import type { CallHistoryRecord, ScoredCall, Store, WorkItem } from '../store';
import { disabledTelemetry, type Telemetry, type TelemetrySpan } from '../telemetry';
import { describeFailure, isPermanentFailure, type CallRecordSource } from './call-record-source';
import { sanitizeUpstreamText } from '../upstream-text';
import type { IngestStatus } from './ingest-status';
import { BackgroundLoop } from '../background-loop';
import { decideRetry } from './retry-policy';
import { recordVersionOf, storedReportOf } from './stored-report';

export interface InboxWorkerOptions {
  store: Store;
  source: CallRecordSource;
  logger: Logger;
  status: IngestStatus;
  /** The scoring options in force for a tenant (configuration plus what admins set in Teams). */
  scoringFor: (tenantId: string) => Promise<ScoringOptions>;
  /** The call summary the cards need, kept beside the report. */
  summarize: (record: unknown) => unknown;
  /** Places endpoints in the building file (`BUILDINGS_FILE`) for the call's history; none without it. */
  place?: PlaceEndpoint;
  /** `ALERT_FAILURES`: whether a failed session (set-up failure, drop) makes an alert due on its own. On unless said. */
  alertFailures?: boolean;
  /** Called when an alert job was queued, to wake the delivery. */
  onAlertQueued?: () => void;
  /** How many records are fetched at once (the Graph client's token buckets set the pace). */
  concurrency?: number;
  leaseMs?: number;
  /** How long to wait when there is no due work, unless woken. */
  idleMs?: number;
  /** Spans (`callRecord process` with `fetch`, `score`, `record`, in the call's trace) and the fetch and retry counters. */
  telemetry?: Telemetry;
  clock?: () => number;
  random?: () => number;
}

/** What happened to one item. */
export type ItemOutcome = 'scored' | 'unchanged' | 'retry' | 'dead' | 'lease-lost';

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

  constructor(private readonly options: InboxWorkerOptions) {
    this.telemetry = options.telemetry ?? disabledTelemetry();
    this.concurrency = options.concurrency ?? 16;
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
    this.loop = new BackgroundLoop(() => this.claimRound(), options.idleMs ?? 1_000);
    this.clock = options.clock ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  /** Starts the background loop. */
  start(): void {
    this.loop.start();
  }

  /** Stops claiming and waits for the items in flight. */
  async stop(): Promise<void> {
    await this.loop.stop();
    // Items taken by a keep still in flight are started after this began: wait for those too.
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
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
    const free = this.concurrency - this.inFlight.size;
    let claimed: WorkItem[] = [];
    if (free > 0) {
      try {
        claimed = await this.options.store.inbox.claim(this.clock(), free, this.leaseMs);
      } catch (error) {
        const message = sanitizeUpstreamText((error as Error).message);
        this.options.status.lastWorkerError = message;
        this.options.logger.error({ err: message }, 'could not claim inbox items');
      }
    }
    this.startAll(claimed);
    return claimed.length === 0 || this.inFlight.size >= this.concurrency;
  }

  /** Starts claimed items in the background loop. */
  private startAll(items: readonly WorkItem[]): void {
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
    return this.loop.isRunning ? { limit: 1, leaseMs: this.leaseMs } : undefined;
  }


  /** Fetches, scores and records one item, then settles it. Never throws. */
  async process(item: WorkItem): Promise<ItemOutcome> {
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

  /** The call's history summary (calls without an alert too: they are every rate's denominator). */
  private historyOf(item: WorkItem, record: unknown, report: CallQualityReport, alert: boolean): CallHistoryRecord {
    const call = { ...callHistoryOf({ record, report, tenantId: item.tenantId, source: item.source, place: this.options.place, alert }), callId: item.callId };
    return {
      tenantId: item.tenantId,
      callId: item.callId,
      version: recordVersionOf(record),
      day: utcDay(call.startedAt ?? this.clock()),
      startedAt: call.startedAt,
      people: peopleOf(call),
      summary: encodeCallHistory(call),
    };
  }

  private async processInSpan(item: WorkItem, span: TelemetrySpan): Promise<ItemOutcome> {
    const { store, logger } = this.options;
    const telemetry = this.telemetry;
    const log = logger.child({ tenantId: item.tenantId, callId: item.callId, attempt: item.attempts });
    try {
      let record: unknown;
      try {
        record = await telemetry.withSpan('callRecord fetch', {}, () => this.options.source.getCallRecord(item.tenantId, item.callId));
        telemetry.countRecordFetched();
      } catch (error) {
        const failure = describeFailure(error);
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
      const notRecord = notACallRecordReason(record);
      if (notRecord) {
        const reason = `Graph returned a document that is not a call record: ${notRecord}.`;
        log.warn({ reason }, 'broken call record');
        return (await store.inbox.kill(item, this.clock(), reason)) ? 'dead' : 'lease-lost';
      }
      const version = recordVersionOf(record);
      // Read once: what it found goes on to recordReport, which writes over it without reading it again.
      const processed = await store.reports.processedReport(item.tenantId, item.callId);
      if (processed.version !== null && version <= processed.version) {
        log.debug({ version, processed: processed.version }, 'version already processed');
        return (await store.inbox.complete(item, this.clock())) ? 'unchanged' : 'lease-lost';
      }
      const scoring = await this.options.scoringFor(item.tenantId);
      const report = await telemetry.withSpan('callRecord score', { attributes: { 'callquality.version': version } }, (scoreSpan) => {
        const scored = scoreCallRecord(record, scoring);
        scoreSpan.setAttributes({ 'callquality.quality': scored.quality, 'callquality.alert': scored.alert, 'callquality.failures': scored.failures?.length ?? 0 });
        return scored;
      });
      // The report's `alert` is about quality and ratings; a failed session alerts too unless ALERT_FAILURES is off.
      const alert = alertDue(report, { failures: this.options.alertFailures ?? true });
      const history = await telemetry.withSpan('callRecord history', {}, () => this.historyOf(item, record, report, alert));
      const stored = storedReportOf(item, record, report, this.options.summarize(record), this.clock(), alert);
      // History (idempotent per version), the report with its alert job, and the item settled, in one store call:
      // one commit on SQLite; on Azure in that order, so a crash leaves the version unprocessed or the item leased.
      const kept = await telemetry.withSpan('callRecord record', {}, () =>
        store.keepScoredCall({ history, report: stored, queueAlert: alert, processed, item, now: this.clock(), claimNext: this.claimNext() }),
      );
      if (kept.next) this.startAll(kept.next);
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
