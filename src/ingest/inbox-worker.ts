import type { Logger } from '../logger';
import { alertDue } from '../alerts';
import { encodeCallHistory, peopleOf, utcDay, type PlaceEndpoint } from '../insights';
import { asObject, notACallRecordReason, type ScoringOptions } from '../quality';
import type { CallHistoryRecord, ProcessedReport, ScoredCall, Store, WorkItem } from '../store';
import { disabledTelemetry, type Telemetry, type TelemetrySpan } from '../telemetry';
import { describeFailure, isPermanentFailure, partsOfRecord, recordFieldsCheck, type CallRecordSource, type SourceFailure } from './call-record-source';
import { PagedAssessment, type AssessedCall } from './paged-assessment';
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
  /** Places endpoints in the building file (`BUILDINGS_FILE`) for the cards' summary and the call's history; none without it. */
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

/** What reading a record's pages came to. */
type PagedRead =
  | { kind: 'read'; assessment: PagedAssessment; participants: readonly unknown[] | undefined; processed: ProcessedReport }
  | { kind: 'unchanged'; version: number; processed: number }
  | { kind: 'not-a-record'; reason: string };

/** An error of the call record source (not of the store), so the worker retries or gives up as for a failed fetch. */
class SourceError extends Error {
  constructor(override readonly cause: unknown) {
    super('The call record could not be read.');
  }
}

/** What happened to one item; `held`: put back without a try while its tenant is held. */
export type ItemOutcome = 'scored' | 'unchanged' | 'retry' | 'held' | 'dead' | 'lease-lost';

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
  /** Tenants whose records cannot be read for now (see {@link TenantHold}); cleared by the tenant's next read. */
  private readonly holds = new Map<string, TenantHold>();

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

  /** The call's history row (calls without an alert too: they are every rate's denominator). */
  private historyRowOf(item: WorkItem, assessed: AssessedCall, alert: boolean): CallHistoryRecord {
    const call = { ...assessed.history(alert), callId: item.callId };
    return {
      tenantId: item.tenantId,
      callId: item.callId,
      version: recordVersionOf(assessed.call),
      day: utcDay(call.startedAt ?? this.clock()),
      startedAt: call.startedAt,
      people: peopleOf(call),
      summary: encodeCallHistory(call),
    };
  }

  /**
   * Reads the record part by part, each page of sessions scored, summarized and added to the
   * history as it arrives and then dropped (a 6,000-session meeting is never held whole). Stops
   * after the record's own fields when that version is already processed. An error of the source
   * is thrown as a {@link SourceError}; nothing is stored here, so a record that fails on its last
   * page (a foreign or looping next link, the page cap) leaves nothing behind.
   */
  private async readPages(item: WorkItem): Promise<PagedRead> {
    const { source, store } = this.options;
    const parts = source.getCallRecordPages?.(item.tenantId, item.callId) ?? partsOfRecord(() => source.getCallRecord(item.tenantId, item.callId));
    const iterator = parts[Symbol.asyncIterator]();
    const next = async () => {
      try {
        return await iterator.next();
      } catch (error) {
        throw new SourceError(error);
      }
    };
    let assessment: PagedAssessment | undefined;
    let participants: readonly unknown[] | undefined;
    let processed: ProcessedReport | undefined;
    try {
      for (let step = await next(); !step.done; step = await next()) {
        const part = step.value;
        if (part.kind === 'sessions') assessment?.addSessions(part.sessions);
        else if (part.kind === 'participants') participants = part.participants;
        else {
          const notRecord = notACallRecordReason(recordFieldsCheck(part.record));
          if (notRecord) return { kind: 'not-a-record', reason: notRecord };
          const call = asObject(part.record) ?? {};
          // Read once: what it found goes on to recordReport, which writes over it without reading it again.
          processed = await store.reports.processedReport(item.tenantId, item.callId);
          const version = recordVersionOf(call);
          if (processed.version !== null && version <= processed.version) return { kind: 'unchanged', version, processed: processed.version };
          const scoring = await this.options.scoringFor(item.tenantId);
          assessment = new PagedAssessment(call, { scoring, tenantId: item.tenantId, source: item.source, place: this.options.place });
        }
      }
    } finally {
      // Stopped early (version processed, not a record, a store error): let the source end its walk.
      await iterator.return?.().catch(() => undefined);
    }
    if (!assessment || !processed) throw new SourceError(new Error('The call record source ended without the record.'));
    return { kind: 'read', assessment, participants, processed };
  }

  /**
   * The tenant's records all fail alike for now: holds the tenant, its back-off growing with each
   * tenant-wide failure in a row (as one item's would, Retry-After honoured, given up after 24 hours),
   * and puts the item back for the hold's end without counting its try. Failures of attempts that
   * began before the hold was set saw the same outage: they join it without lengthening it.
   */
  private async holdTenant(item: WorkItem, failure: SourceFailure, startedAt: number, log: Logger): Promise<ItemOutcome> {
    const { store } = this.options;
    const now = this.clock();
    const current = this.holds.get(item.tenantId);
    if (current && current.setAt >= startedAt && current.until > now) {
      const at = current.until + Math.round(this.random() * HOLD_SPREAD_MS);
      return (await store.inbox.postpone(item, now, at, current.reason)) ? 'held' : 'lease-lost';
    }
    const failures = (current?.failures ?? 0) + 1;
    const decision = decideRetry(failure, { now, attempts: failures, enqueuedAt: item.enqueuedAt, callEndedAt: item.callEndedAt, random: this.random() });
    if (decision.action === 'dead') {
      log.warn({ status: failure.status, reason: decision.reason }, 'giving up on a call record');
      return (await store.inbox.kill(item, now, decision.reason)) ? 'dead' : 'lease-lost';
    }
    const reason = `Held with every call of the tenant until ${new Date(decision.at).toISOString()}: ${failure.message}`;
    this.holds.set(item.tenantId, { until: decision.at, setAt: now, failures, reason });
    this.telemetry.countGraphRetry(failure.status === undefined ? 'network' : String(failure.status));
    log.warn({ status: failure.status, failures, retryAt: new Date(decision.at).toISOString(), reason: failure.message }, "the tenant's call records cannot be read for now; its calls wait without spending their tries");
    return (await store.inbox.postpone(item, now, decision.at, reason)) ? 'held' : 'lease-lost';
  }

  private async processInSpan(item: WorkItem, span: TelemetrySpan): Promise<ItemOutcome> {
    const { store, logger } = this.options;
    const telemetry = this.telemetry;
    const log = logger.child({ tenantId: item.tenantId, callId: item.callId, attempt: item.attempts });
    const startedAt = this.clock();
    try {
      const hold = this.holds.get(item.tenantId);
      if (hold && hold.until > startedAt) {
        // Trying would fail as the tenant's last try did: wait for the hold without spending a try.
        const at = hold.until + Math.round(this.random() * HOLD_SPREAD_MS);
        return (await store.inbox.postpone(item, startedAt, at, hold.reason)) ? 'held' : 'lease-lost';
      }
      let read: PagedRead;
      try {
        read = await telemetry.withSpan('callRecord fetch', {}, () => this.readPages(item));
        telemetry.countRecordFetched();
        this.holds.delete(item.tenantId);
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
