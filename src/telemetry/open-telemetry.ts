import {
  context,
  metrics,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type Context,
  type Counter,
  type Histogram,
  type Link,
  type Meter,
  type ObservableGauge,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import type { InboxStats } from '../store';
import { callTraceIds } from './call-trace';
import { METRICS } from './metric-names';
import type { TelemetryPipeline } from './telemetry-pipelines';
import type {
  AlertOutcome,
  EndableTelemetrySpan,
  NotificationRefusal,
  Telemetry,
  TelemetryAttributes,
  TelemetrySpan,
  TelemetrySpanKind,
  TelemetrySpanOptions,
} from './telemetry';

/** The instrumentation scope of everything the bot itself records. */
export const INSTRUMENTATION_SCOPE = 'call-quality-bot';


const KINDS: Record<TelemetrySpanKind, SpanKind> = {
  internal: SpanKind.INTERNAL,
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
};

/**
 * The OpenTelemetry context whose active span is the call's virtual root (see `callTraceIds`):
 * a span started in it is a child of the root and so in the call's one trace.
 */
export function callContext(tenantId: string, callId: string, base: Context = ROOT_CONTEXT): Context {
  const { traceId, rootSpanId } = callTraceIds(tenantId, callId);
  // isRemote: the root was "started" elsewhere, the way a parent from a traceparent header is.
  return trace.setSpanContext(base, { traceId, spanId: rootSpanId, traceFlags: TraceFlags.SAMPLED, isRemote: true });
}

/**
 * {@link Telemetry} on the OpenTelemetry API, once an SDK (OTLP or Azure Monitor) has registered
 * the global providers. Everything it needs is in the instance; nothing is kept at module level.
 */
export class OpenTelemetryTelemetry implements Telemetry {
  readonly enabled = true;
  private readonly tracer: Tracer;
  private readonly meter: Meter;
  private readonly counters: {
    received: Counter;
    refused: Counter;
    fetched: Counter;
    throttled: Counter;
    retries: Counter;
    alerts: Record<AlertOutcome, Counter>;
  };
  private readonly cardLatency: Histogram;
  private readonly inboxItems: ObservableGauge;
  private readonly oldestPendingAge: ObservableGauge;
  private stopped: Promise<void> | undefined;

  constructor(private readonly pipeline: TelemetryPipeline) {
    this.tracer = trace.getTracer(INSTRUMENTATION_SCOPE);
    this.meter = metrics.getMeter(INSTRUMENTATION_SCOPE);
    const counter = (spec: { name: string; unit: string; description: string }) => this.meter.createCounter(spec.name, { unit: spec.unit, description: spec.description });
    this.counters = {
      received: counter(METRICS.notificationsReceived),
      refused: counter(METRICS.notificationsRefused),
      fetched: counter(METRICS.recordsFetched),
      throttled: counter(METRICS.graphThrottled),
      retries: counter(METRICS.graphRetries),
      alerts: {
        posted: counter(METRICS.alertsPosted),
        updated: counter(METRICS.alertsUpdated),
        digested: counter(METRICS.alertsDigested),
        failed: counter(METRICS.alertsFailed),
      },
    };
    this.cardLatency = this.meter.createHistogram(METRICS.cardLatency.name, {
      unit: METRICS.cardLatency.unit,
      description: METRICS.cardLatency.description,
      // Cards come minutes to hours after the call: buckets from seconds to a few hours.
      advice: { explicitBucketBoundaries: [1, 5, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400] },
    });
    this.inboxItems = this.meter.createObservableGauge(METRICS.inboxItems.name, { unit: METRICS.inboxItems.unit, description: METRICS.inboxItems.description });
    this.oldestPendingAge = this.meter.createObservableGauge(METRICS.inboxOldestPendingAge.name, {
      unit: METRICS.inboxOldestPendingAge.unit,
      description: METRICS.inboxOldestPendingAge.description,
    });
  }

  async withCallSpan<T>(name: string, tenantId: string, callId: string, options: TelemetrySpanOptions, work: (span: TelemetrySpan) => Promise<T> | T): Promise<T> {
    const span = this.startCallSpanInternal(name, tenantId, callId, options);
    return this.runInSpan(span, work);
  }

  startCallSpan(name: string, tenantId: string, callId: string, options: TelemetrySpanOptions = {}): EndableTelemetrySpan {
    const span = this.startCallSpanInternal(name, tenantId, callId, options);
    const handle = spanHandle(span);
    let ended = false;
    return {
      ...handle,
      end() {
        if (ended) return;
        ended = true;
        span.end();
      },
    };
  }

  async withSpan<T>(name: string, options: TelemetrySpanOptions, work: (span: TelemetrySpan) => Promise<T> | T): Promise<T> {
    const span = this.tracer.startSpan(name, { kind: KINDS[options.kind ?? 'internal'], attributes: clean(options.attributes) }, context.active());
    return this.runInSpan(span, work);
  }

  countNotificationsReceived(count: number): void {
    if (count > 0) this.counters.received.add(count);
  }

  countNotificationsRefused(reason: NotificationRefusal, count: number): void {
    if (count > 0) this.counters.refused.add(count, { 'callquality.refusal.reason': reason });
  }

  countRecordFetched(): void {
    this.counters.fetched.add(1);
  }

  countGraphThrottled(operation: string): void {
    this.counters.throttled.add(1, { 'callquality.graph.operation': operation });
  }

  countGraphRetry(reason: string): void {
    this.counters.retries.add(1, { 'callquality.retry.reason': reason });
  }

  countAlert(outcome: AlertOutcome, attributes?: TelemetryAttributes): void {
    this.counters.alerts[outcome].add(1, clean(attributes));
  }

  recordCardLatency(ms: number, attributes?: TelemetryAttributes): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    this.cardLatency.record(ms / 1000, clean(attributes));
  }

  observeInbox(readStats: (now: number) => Promise<InboxStats>): () => void {
    const callback = async (result: { observe(instrument: ObservableGauge, value: number, attributes?: Attributes): void }) => {
      let stats: InboxStats;
      try {
        stats = await readStats(Date.now());
      } catch {
        // A store that cannot answer right now: no point this time rather than a wrong zero.
        return;
      }
      for (const [state, count] of Object.entries(stats.byState)) result.observe(this.inboxItems, count, { 'callquality.inbox.state': state });
      result.observe(this.oldestPendingAge, (stats.oldestPendingAgeMs ?? 0) / 1000);
    };
    const observables = [this.inboxItems, this.oldestPendingAge];
    this.meter.addBatchObservableCallback(callback, observables);
    return () => this.meter.removeBatchObservableCallback(callback, observables);
  }

  logFields(): Record<string, string> {
    const span = trace.getSpan(context.active());
    if (!span) return {};
    const { traceId, spanId, traceFlags } = span.spanContext();
    if (!trace.isSpanContextValid(span.spanContext())) return {};
    return { trace_id: traceId, span_id: spanId, trace_flags: `0${traceFlags.toString(16)}` };
  }

  async flush(): Promise<void> {
    if (this.stopped) return;
    await this.pipeline.flush();
  }

  shutdown(): Promise<void> {
    this.stopped ??= this.pipeline.shutdown().finally(() => {
      // The API's globals are released, so a later start in the same process (tests, a host that
      // restarts the bot) registers its own providers instead of being refused.
      trace.disable();
      metrics.disable();
      logs.disable();
      propagation.disable();
      context.disable();
    });
    return this.stopped;
  }

  private startCallSpanInternal(name: string, tenantId: string, callId: string, options: TelemetrySpanOptions): Span {
    const active = trace.getSpanContext(context.active());
    // A webhook POST or a worker loop may be traced itself (http instrumentation): linked, not parent.
    const links: Link[] = active && trace.isSpanContextValid(active) ? [{ context: active }] : [];
    return this.tracer.startSpan(
      name,
      {
        kind: KINDS[options.kind ?? 'internal'],
        attributes: { ...clean(options.attributes), 'callquality.tenant_id': tenantId, 'callquality.call_id': callId },
        links,
      },
      callContext(tenantId, callId, context.active()),
    );
  }

  private async runInSpan<T>(span: Span, work: (span: TelemetrySpan) => Promise<T> | T): Promise<T> {
    const handle = spanHandle(span);
    try {
      return await context.with(trace.setSpan(context.active(), span), () => work(handle));
    } catch (error) {
      handle.fail(error as Error);
      throw error;
    } finally {
      span.end();
    }
  }
}

function spanHandle(span: Span): TelemetrySpan {
  return {
    setAttributes(attributes) {
      span.setAttributes(clean(attributes));
    },
    fail(reason) {
      if (reason instanceof Error) span.recordException(reason);
      span.setStatus({ code: SpanStatusCode.ERROR, message: reason instanceof Error ? reason.message : reason });
    },
  };
}

function clean(attributes: TelemetryAttributes | undefined): Attributes {
  const result: Attributes = {};
  for (const [key, value] of Object.entries(attributes ?? {})) if (value !== undefined) result[key] = value;
  return result;
}
