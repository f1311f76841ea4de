/**
 * Every setting of the bot, parsed and validated once from the environment (`loadConfig`). The
 * variable names are a contract (docs/configuration.md); a wrong value stops start-up with a
 * one-line message naming it ({@link ConfigError}).
 */
export { loadConfig, type AppConfig } from './app-config';
export { ConfigError, StartupError } from './startup-error';
export { isLoopbackHost, LOOPBACK_HOST } from './loopback-host';
export { missingSetup, unauthenticatedExposureWarning } from './setup-messages';
