// First: on a Node.js without node:sqlite, say which Node is needed and exit 2 before anything loads it.
import './node-version';
import { quietSqliteExperimentalWarning } from './quiet-sqlite-warning';
import { ConfigError, loadConfig, missingSetup } from './config';
import { createLogger } from './logger';
import { startApp } from './app';

/** `npm start`: reads the configuration, says what is not set up yet, and serves. */
quietSqliteExperimentalWarning();

async function main(): Promise<void> {
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
  const logger = createLogger(config.logLevel);
  for (const line of missingSetup(config)) logger.warn(line);
  const app = await startApp(config, logger);
  logger.info({ port: app.port, dataDir: config.dataDir, store: config.store, profile: config.scoring.profile }, `listening on port ${app.port}`);
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
  process.stderr.write(`Start-up failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
