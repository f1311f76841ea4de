// First: on a Node.js without node:sqlite, say which Node is needed and exit 2 before anything loads it.
import './node-version';
import { startTelemetry, TelemetrySettingsError, type Telemetry } from './telemetry';

/**
 * `npm start`: starts telemetry, reads the configuration, says what is not set up yet, and serves.
 *
 * Only the Node check and the telemetry module are imported statically: the rest of the app is
 * loaded once telemetry has started, so the http and pino instrumentations see those modules load;
 * and the bot's libraries are loaded only after the configuration was read, so a wrong setting is
 * reported without them.
 */
async function main(): Promise<void> {
  let telemetry: Telemetry;
  try {
    telemetry = await startTelemetry(process.env);
  } catch (error) {
    if (error instanceof TelemetrySettingsError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const { quietSqliteExperimentalWarning } = await import('./quiet-sqlite-warning.js');
  quietSqliteExperimentalWarning();
  const [{ loadConfig, missingSetup, unauthenticatedExposureWarning }, { createLogger }] = await Promise.all([import('./config/index.js'), import('./logger.js')]);
  const config = loadConfig();
  // Trace ids on each line only when there are traces to find them in.
  const logger = createLogger(config.logLevel, undefined, telemetry.enabled ? { contextFields: () => telemetry.logFields() } : {});
  const { startApp } = await import('./app.js');
  for (const line of missingSetup(config)) logger.warn(line);
  if (config.buildings.file) {
    const counts = config.buildings.map.counts();
    logger.info({ buildingsFile: config.buildings.file, ...counts }, `building file: ${counts.networks} networks (${counts.ipv4} IPv4, ${counts.ipv6} IPv6) in ${counts.buildings} buildings`);
  }
  const app = await startApp(config, logger, { telemetry });
  const exposure = unauthenticatedExposureWarning(config, app.port);
  if (exposure) logger.warn({ host: app.host, port: app.port }, exposure);
  logger.info(
    { host: app.host, port: app.port, dataDir: config.dataDir, store: config.store, profile: config.scoring.profile, telemetry: telemetry.enabled },
    `listening on port ${app.port} at ${app.host}`,
  );
  const stop = (signal: string) => {
    logger.info(`${signal}: stopping`);
    app
      .stop()
      // What is still buffered (the last spans and metrics) is exported before the process ends;
      // a collector that cannot be reached is said, but does not make the stop a failure.
      .then(() =>
        telemetry.shutdown().catch((error: unknown) => {
          process.stderr.write(`Could not export the last telemetry while stopping: ${(error as Error).message}\n`);
        }),
      )
      .then(
        () => process.exit(0),
        (error: unknown) => {
          process.stderr.write(`Stopping failed: ${(error as Error).stack ?? String(error)}\n`);
          process.exit(1);
        },
      );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch(async (error: unknown) => {
  const { StartupError } = await import('./config/index.js');
  if (error instanceof StartupError) {
    // Something the operator can fix: one line that says what and how, no stack (docs/configuration.md).
    process.stderr.write(`${error.message.replace(/\s*\n\s*/g, ' ')}\n`);
    process.exit(2);
  }
  process.stderr.write(`Start-up failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
