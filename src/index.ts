import { startTelemetry, TelemetrySettingsError, type Telemetry } from './telemetry';

/**
 * `npm start`: starts telemetry, reads the configuration, says what is not set up yet, and serves.
 *
 * Only the telemetry module is imported statically: the rest of the app is loaded once telemetry
 * has started, so the http and pino instrumentations see those modules load.
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
  const [{ ConfigError, loadConfig, missingSetup }, { createLogger }, { startApp }] = await Promise.all([
    import('./config.js'),
    import('./logger.js'),
    import('./app.js'),
  ]);
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  // Trace ids on each line only when there are traces to find them in.
  const logger = createLogger(config.logLevel, undefined, telemetry.enabled ? { contextFields: () => telemetry.logFields() } : {});
  for (const line of missingSetup(config)) logger.warn(line);
  const app = await startApp(config, logger, { telemetry });
  logger.info(
    { port: app.port, dataDir: config.dataDir, store: config.store, profile: config.scoring.profile, telemetry: telemetry.enabled },
    `listening on port ${app.port}`,
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

main().catch((error: unknown) => {
  process.stderr.write(`Start-up failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
