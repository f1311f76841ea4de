/** Where telemetry goes, read from the environment by {@link telemetrySettingsFrom}. */
export type TelemetrySettings =
  | { exporter: 'none' }
  | { exporter: 'azure-monitor'; connectionString: string; serviceName: string }
  | {
      exporter: 'otlp';
      serviceName: string;
      /** Full URLs of the OTLP/HTTP endpoints (`…/v1/traces`, `…/v1/metrics`, `…/v1/logs`); a signal without one is not exported. */
      tracesUrl: string | undefined;
      metricsUrl: string | undefined;
      logsUrl: string | undefined;
      /** How often metrics are exported (`OTEL_METRIC_EXPORT_INTERVAL`, default 60 s). */
      metricExportIntervalMs: number;
    };

/** Thrown when a telemetry variable is set to something unusable; the message names it. */
export class TelemetrySettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TelemetrySettingsError';
  }
}

/** The service name when `OTEL_SERVICE_NAME` is not set (Application Insights' cloud role name). */
export const DEFAULT_SERVICE_NAME = 'call-quality-bot';

/**
 * Reads the telemetry variables. These are the standard ones of Application Insights and
 * OpenTelemetry rather than the bot's own (src/config/), because telemetry must start before
 * anything else is loaded, and because operators already know them:
 *
 * - `APPLICATIONINSIGHTS_CONNECTION_STRING` set: Azure Monitor (`useAzureMonitor`).
 * - else `OTEL_EXPORTER_OTLP_ENDPOINT` (or a per-signal `OTEL_EXPORTER_OTLP_{TRACES,METRICS,LOGS}_ENDPOINT`)
 *   set: OTLP over HTTP (JSON) through the OpenTelemetry Node SDK.
 * - neither, or `OTEL_SDK_DISABLED=true`: no telemetry.
 *
 * The exporters also read the other standard variables themselves (`OTEL_EXPORTER_OTLP_HEADERS`,
 * `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_TRACES_SAMPLER`, …).
 */
export function telemetrySettingsFrom(env: NodeJS.ProcessEnv): TelemetrySettings {
  if (text(env.OTEL_SDK_DISABLED)?.toLowerCase() === 'true') return { exporter: 'none' };
  const serviceName = text(env.OTEL_SERVICE_NAME) ?? DEFAULT_SERVICE_NAME;
  const connectionString = text(env.APPLICATIONINSIGHTS_CONNECTION_STRING);
  if (connectionString) {
    if (!/(^|;)\s*(InstrumentationKey|IngestionEndpoint)\s*=/i.test(connectionString)) {
      throw new TelemetrySettingsError(
        'APPLICATIONINSIGHTS_CONNECTION_STRING is not an Application Insights connection string (it has no InstrumentationKey=…): copy it from the Application Insights resource (Overview → Connection String), or unset it.',
      );
    }
    return { exporter: 'azure-monitor', connectionString, serviceName };
  }
  const base = text(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  const perSignal = {
    traces: text(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT),
    metrics: text(env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT),
    logs: text(env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT),
  };
  if (!base && !perSignal.traces && !perSignal.metrics && !perSignal.logs) return { exporter: 'none' };
  const protocol = text(env.OTEL_EXPORTER_OTLP_PROTOCOL);
  if (protocol && protocol !== 'http/json') {
    throw new TelemetrySettingsError(
      `OTEL_EXPORTER_OTLP_PROTOCOL="${protocol}" is not supported: the bot exports OTLP over HTTP with JSON bodies. Set it to http/json or unset it (collectors accept both on port 4318).`,
    );
  }
  // The spec: the base endpoint gets /v1/<signal> appended; a per-signal endpoint is used as is.
  const url = (signal: 'traces' | 'metrics' | 'logs'): string | undefined => {
    const given = perSignal[signal];
    const value = given ?? (base ? `${base.replace(/\/+$/, '')}/v1/${signal}` : undefined);
    const variable = given ? `OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_ENDPOINT` : 'OTEL_EXPORTER_OTLP_ENDPOINT';
    if (!value) return undefined;
    const written = given ?? base!;
    try {
      const parsed = new URL(value);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http');
    } catch {
      throw new TelemetrySettingsError(`${variable}="${written}" is not an http(s) URL: give the collector's OTLP/HTTP address, e.g. http://localhost:4318.`);
    }
    return value;
  };
  const interval = text(env.OTEL_METRIC_EXPORT_INTERVAL);
  const metricExportIntervalMs = interval === undefined ? 60_000 : Number(interval);
  if (!Number.isInteger(metricExportIntervalMs) || metricExportIntervalMs < 100) {
    throw new TelemetrySettingsError(`OTEL_METRIC_EXPORT_INTERVAL="${interval}" is not a whole number of milliseconds of at least 100: set e.g. 60000, or unset it.`);
  }
  return { exporter: 'otlp', serviceName, tracesUrl: url('traces'), metricsUrl: url('metrics'), logsUrl: url('logs'), metricExportIntervalMs };
}

function text(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
