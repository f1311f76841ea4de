import type { InboxStats } from '../store';

/** Attribute values a span or a measurement may carry (OpenTelemetry's primitive attribute values). */
export type TelemetryAttributes = Record<string, string | number | boolean | undefined>;

/** What a span stands for, as OpenTelemetry's span kinds (Application Insights: server and consumer → requests, the rest → dependencies). */
export type TelemetrySpanKind = 'internal' | 'server' | 'client' | 'producer' | 'consumer';

/** Options of a span. */
export interface TelemetrySpanOptions {
  /** Default `internal`. */
  kind?: TelemetrySpanKind;
  attributes?: TelemetryAttributes;
}

/** A span being recorded, handed to the function a span wraps. */
export interface TelemetrySpan {
  /** Adds attributes (e.g. an outcome known only at the end). */
  setAttributes(attributes: TelemetryAttributes): void;
  /**
   * Marks the span failed without throwing: for work that handles its own failure (a fetch that
   * will be retried, a card that could not be sent). A thrown error marks the span failed by itself.
   */
  fail(reason: string | Error): void;
}

/** How a delivery of an alert ended; each has its own counter (`callquality.alerts.<outcome>`). */
export type AlertOutcome = 'posted' | 'updated' | 'digested' | 'failed';

/** Why a notification was refused; the `callquality.refusal.reason` attribute of `callquality.notifications.refused`. */
export type NotificationRefusal = 'clientState' | 'tenant' | 'malformed' | 'invalid-json' | 'too-large';

/**
 * The bot's traces and metrics. Created once at start ({@link startTelemetry}) and passed to every
 * part that reports; {@link disabledTelemetry} when no exporter is configured (every method then
 * does nothing and no OpenTelemetry package is loaded).
 *
 * One trace per call: every part that works on a call starts its span with
 * {@link Telemetry.withCallSpan}, whose parent is a root derived from the tenant id and call id
 * ({@link callTraceIds}), so the notification, the worker and the delivery of one call share one
 * trace across the durable inbox and across instances. Spans started inside (by
 * {@link Telemetry.withSpan}, the Graph transport, instrumented libraries) are its children.
 */
export interface Telemetry {
  /** False for {@link disabledTelemetry}. */
  readonly enabled: boolean;

  /**
   * Runs `work` inside a span that is a child of the call's root, so it joins the call's one
   * trace wherever and whenever it runs. The span ends when `work` settles; a thrown error marks
   * it failed and is rethrown. The span carries `callquality.tenant_id` and `callquality.call_id`.
   *
   * Used by the webhook (`callRecord notification`), the worker (`callRecord process`, with
   * `fetch`, `score` and `record` children), and the delivery of alerts, e.g.
   * `telemetry.withCallSpan('alert deliver', tenantId, callId, { attributes: { 'callquality.alert.target': 'channel' } }, async (span) => { …; span.setAttributes({ 'callquality.alert.outcome': 'posted' }); })`.
   */
  withCallSpan<T>(name: string, tenantId: string, callId: string, options: TelemetrySpanOptions, work: (span: TelemetrySpan) => Promise<T> | T): Promise<T>;

  /**
   * Starts a span of the call's trace that the caller ends itself, for work that covers several
   * calls at once (one webhook POST persists the notifications of several calls in one write).
   * The span is linked to the span active when it starts (the HTTP request, when http is instrumented).
   */
  startCallSpan(name: string, tenantId: string, callId: string, options?: TelemetrySpanOptions): EndableTelemetrySpan;

  /** Runs `work` inside a span that is a child of the active span (e.g. a Graph request inside the fetch of a call). */
  withSpan<T>(name: string, options: TelemetrySpanOptions, work: (span: TelemetrySpan) => Promise<T> | T): Promise<T>;

  /** `callquality.notifications.received`: change notifications accepted (persisted to the inbox). */
  countNotificationsReceived(count: number): void;
  /** `callquality.notifications.refused`, by reason: wrong clientState, tenant not allowed, malformed, bad body. */
  countNotificationsRefused(reason: NotificationRefusal, count: number): void;
  /** `callquality.records.fetched`: call records fetched from Graph (all their session pages). */
  countRecordFetched(): void;
  /** `callquality.graph.throttled`: Graph answers 429, by operation. */
  countGraphThrottled(operation: string): void;
  /** `callquality.graph.retries`: Graph work scheduled again after a failure, by reason (HTTP status or failure kind). */
  countGraphRetry(reason: string): void;

  /**
   * `callquality.alerts.posted` / `.updated` / `.digested` / `.failed`: one per alert card sent,
   * updated in place, put into a digest, or given up on. Called by the delivery.
   */
  countAlert(outcome: AlertOutcome, attributes?: TelemetryAttributes): void;
  /**
   * `callquality.card.latency` (histogram, seconds): from the first notification of a call (the
   * inbox item's `enqueuedAt`) to its card being posted or updated in Teams. Called by the delivery
   * with milliseconds.
   */
  recordCardLatency(ms: number, attributes?: TelemetryAttributes): void;

  /**
   * `callquality.inbox.items` (by `callquality.inbox.state`) and `callquality.inbox.oldest_pending_age`
   * (seconds): observable gauges read through `readStats` at each metric export. Resolves nothing;
   * returns the function that stops observing (call it before the store closes).
   */
  observeInbox(readStats: (now: number) => Promise<InboxStats>): () => void;

  /**
   * Fields for each log line (pino `mixin`): `trace_id`, `span_id` and `trace_flags` of the active
   * span, nothing outside a span.
   */
  logFields(): Record<string, string>;

  /** Exports what is buffered now (spans, metrics, logs). */
  flush(): Promise<void>;
  /** Exports what is buffered and stops; later calls do nothing. */
  shutdown(): Promise<void>;
}

/** A span from {@link Telemetry.startCallSpan}: end it once. */
export interface EndableTelemetrySpan extends TelemetrySpan {
  end(): void;
}

const IDLE_SPAN: EndableTelemetrySpan = {
  setAttributes() {},
  fail() {},
  end() {},
};

/** Telemetry that records nothing and loads nothing: the bot without an exporter. */
export function disabledTelemetry(): Telemetry {
  return {
    enabled: false,
    async withCallSpan(_name, _tenantId, _callId, _options, work) {
      return work(IDLE_SPAN);
    },
    startCallSpan() {
      return IDLE_SPAN;
    },
    async withSpan(_name, _options, work) {
      return work(IDLE_SPAN);
    },
    countNotificationsReceived() {},
    countNotificationsRefused() {},
    countRecordFetched() {},
    countGraphThrottled() {},
    countGraphRetry() {},
    countAlert() {},
    recordCardLatency() {},
    observeInbox() {
      return () => {};
    },
    logFields() {
      return {};
    },
    async flush() {},
    async shutdown() {},
  };
}
