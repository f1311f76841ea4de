/**
 * Every setting of the bot, parsed and validated once from the environment (`loadConfig`). The
 * variable names are a contract (docs/configuration.md); a wrong value stops start-up with a
 * one-line message naming it ({@link ConfigError}).
 */
export { loadConfig, DEFAULT_REPORT_SCHEDULE, type AppConfig } from './app-config';
export { ReportSchedule, InvalidReportScheduleError } from './report-schedule';
export { ConfigError, StartupError } from './startup-error';
export { isLoopbackHost, LOOPBACK_HOST } from './loopback-host';
export { missingSetup, unauthenticatedExposureWarning } from './setup-messages';
