/**
 * Telemetry: OpenTelemetry traces, metrics and logs, to Azure Monitor
 * (`APPLICATIONINSIGHTS_CONNECTION_STRING`) or an OTLP/HTTP collector (`OTEL_EXPORTER_OTLP_ENDPOINT`).
 *
 * Start it first with {@link startTelemetry} and pass the {@link Telemetry} it gives to every part
 * that reports. Without an exporter it is {@link disabledTelemetry}, and no OpenTelemetry package
 * is loaded: this file re-exports only modules that import none.
 */
export { startTelemetry } from './start-telemetry';
export {
  disabledTelemetry,
  type AlertOutcome,
  type EndableTelemetrySpan,
  type NotificationRefusal,
  type Telemetry,
  type TelemetryAttributes,
  type TelemetrySpan,
  type TelemetrySpanKind,
  type TelemetrySpanOptions,
} from './telemetry';
export { callTraceIds, type CallTraceIds } from './call-trace';
export { METRICS, type MetricSpec } from './metric-names';
export { DEFAULT_SERVICE_NAME, TelemetrySettingsError, telemetrySettingsFrom, type TelemetrySettings } from './telemetry-settings';
