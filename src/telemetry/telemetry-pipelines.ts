import type { IncomingMessage } from 'node:http';
import { shutdownAzureMonitor, useAzureMonitor } from '@azure/monitor-opentelemetry';
import { metrics, trace } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation, type HttpInstrumentationConfig } from '@opentelemetry/instrumentation-http';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
// The SDK's own copies of its parts (resources, metrics, logs, tracing), so that every class
// handed to NodeSDK is the version it was built with.
import { logs as sdkLogs, metrics as sdkMetrics, NodeSDK, resources, tracing } from '@opentelemetry/sdk-node';
import type { TelemetrySettings } from './telemetry-settings';

/** How a started SDK is flushed and stopped (the NodeSDK, or Azure Monitor's distro). */
export interface TelemetryPipeline {
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** App Service probes `/healthz` every minute on every instance: traced, it would bury the requests that matter. */
function isHealthProbe(request: IncomingMessage): boolean {
  return (request.url ?? '').split('?')[0] === '/healthz';
}

/** Azure Monitor's distro (`useAzureMonitor`): traces, metrics and logs to Application Insights. */
export function startAzureMonitorPipeline(settings: Extract<TelemetrySettings, { exporter: 'azure-monitor' }>): TelemetryPipeline {
  // The distro types this option as the base config; it passes it on to the http instrumentation.
  const http: HttpInstrumentationConfig = { enabled: true, ignoreIncomingRequestHook: isHealthProbe };
  useAzureMonitor({
    azureMonitorExporterOptions: { connectionString: settings.connectionString },
    // The service name is the cloud role name in Application Insights' application map.
    resource: resources.resourceFromAttributes({ 'service.name': settings.serviceName }),
    // Every span of a sampled call is kept: the distro's default rate limit would cut calls in half.
    // (OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG still take precedence when set.)
    tracesPerSecond: 0,
    samplingRatio: 1,
    instrumentationOptions: {
      http,
      azureSdk: { enabled: true },
      mongoDb: { enabled: false },
      mySql: { enabled: false },
      postgreSql: { enabled: false },
      redis: { enabled: false },
      redis4: { enabled: false },
      // The bot logs with pino, which the distro does not instrument: see below.
      bunyan: { enabled: false },
      winston: { enabled: false },
    },
  });
  // pino's records go to the distro's logger provider (→ AppTraces, with the active span's
  // operation id). The trace ids on stdout come from the logger's mixin (`Telemetry.logFields`),
  // so the instrumentation's own correlation is off rather than writing them twice.
  const unload = registerInstrumentations({
    tracerProvider: trace.getTracerProvider(),
    meterProvider: metrics.getMeterProvider(),
    loggerProvider: logs.getLoggerProvider(),
    instrumentations: [new PinoInstrumentation({ disableLogCorrelation: true })],
  });
  return {
    flush: flushGlobalProviders,
    async shutdown() {
      unload();
      await shutdownAzureMonitor();
    },
  };
}

/** The OpenTelemetry Node SDK with the OTLP/HTTP (JSON) exporters. */
export function startOtlpPipeline(settings: Extract<TelemetrySettings, { exporter: 'otlp' }>): TelemetryPipeline {
  // Explicit exporters and processors (not OTEL_TRACES_EXPORTER & co.): the SDK would otherwise
  // pick OTLP/protobuf by default and read only process.env, not the environment given here.
  const sdk = new NodeSDK({
    serviceName: settings.serviceName,
    spanProcessors: settings.tracesUrl ? [new tracing.BatchSpanProcessor(new OTLPTraceExporter({ url: settings.tracesUrl }))] : [],
    metricReaders: settings.metricsUrl
      ? [new sdkMetrics.PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url: settings.metricsUrl }), exportIntervalMillis: settings.metricExportIntervalMs })]
      : [],
    logRecordProcessors: settings.logsUrl ? [new sdkLogs.BatchLogRecordProcessor({ exporter: new OTLPLogExporter({ url: settings.logsUrl }) })] : [],
    // Registered below, where their unload function is kept.
    instrumentations: [],
  });
  sdk.start();
  const unload = registerInstrumentations({
    tracerProvider: trace.getTracerProvider(),
    meterProvider: metrics.getMeterProvider(),
    loggerProvider: logs.getLoggerProvider(),
    instrumentations: [new HttpInstrumentation({ ignoreIncomingRequestHook: isHealthProbe }), new PinoInstrumentation({ disableLogCorrelation: true })],
  });
  return {
    flush: flushGlobalProviders,
    async shutdown() {
      unload();
      await sdk.shutdown();
    },
  };
}

type Flushable = { forceFlush?: () => Promise<void> };

/** The SDK providers registered globally, flushed (the proxies the API hands out wrap them). */
async function flushGlobalProviders(): Promise<void> {
  const tracerProvider = trace.getTracerProvider() as Flushable & { getDelegate?: () => unknown };
  const providers: Flushable[] = [
    (tracerProvider.getDelegate?.() ?? tracerProvider) as Flushable,
    metrics.getMeterProvider() as Flushable,
    logs.getLoggerProvider() as Flushable,
  ];
  await Promise.all(providers.map((provider) => provider.forceFlush?.()));
}
