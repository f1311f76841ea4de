// First: on a Node.js without node:sqlite, say which Node is needed and exit 2 before anything loads it.
import './node-version';
import { quietSqliteExperimentalWarning } from './quiet-sqlite-warning';
import { loadConfig, missingSetup, StartupError, unauthenticatedExposureWarning } from './config';
import { createLogger } from './logger';

/** `npm start`: reads the configuration, says what is not set up yet, and serves. */
quietSqliteExperimentalWarning();

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  // Loaded after the configuration is read, so that a wrong setting is reported without loading the bot's libraries.
  const { startApp } = await import('./app.js');
  for (const line of missingSetup(config)) logger.warn(line);
  const app = await startApp(config, logger);
  const exposure = unauthenticatedExposureWarning(config, app.port);
  if (exposure) logger.warn({ host: app.host, port: app.port }, exposure);
  logger.info({ host: app.host, port: app.port, dataDir: config.dataDir, store: config.store, profile: config.scoring.profile }, `listening on port ${app.port} at ${app.host}`);
  const stop = (signal: string) => {
    logger.info(`${signal}: stopping`);
    app.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof StartupError) {
    // Something the operator can fix: one line that says what and how, no stack (docs/configuration.md).
    process.stderr.write(`${error.message.replace(/\s*\n\s*/g, ' ')}\n`);
    process.exit(2);
  }
  process.stderr.write(`Start-up failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
