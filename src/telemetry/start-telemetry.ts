import { disabledTelemetry, type Telemetry } from './telemetry';
import { telemetrySettingsFrom } from './telemetry-settings';

/**
 * Starts telemetry from the environment (see {@link telemetrySettingsFrom}) and resolves to the
 * {@link Telemetry} to pass to every part. Call it before anything else is imported: the http and
 * pino instrumentations patch those modules when they are first loaded.
 *
 * Without an exporter it resolves to {@link disabledTelemetry} without loading any OpenTelemetry
 * package. A wrong telemetry variable throws `TelemetrySettingsError` naming it.
 */
export async function startTelemetry(env: NodeJS.ProcessEnv = process.env): Promise<Telemetry> {
  const settings = telemetrySettingsFrom(env);
  if (settings.exporter === 'none') return disabledTelemetry();
  // Our CommonJS modules load the OpenTelemetry packages (their CommonJS builds), only now.
  const [{ OpenTelemetryTelemetry }, { startAzureMonitorPipeline, startOtlpPipeline }] = await Promise.all([import('./open-telemetry.js'), import('./telemetry-pipelines.js')]);
  const pipeline = settings.exporter === 'azure-monitor' ? startAzureMonitorPipeline(settings) : startOtlpPipeline(settings);
  return new OpenTelemetryTelemetry(pipeline);
}
