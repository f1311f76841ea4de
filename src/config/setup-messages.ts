import type { AppConfig } from './app-config';
import { isLoopbackHost } from './loopback-host';

/** What is not configured yet, in sentences for the start-up log. */
export function missingSetup(config: AppConfig): string[] {
  const missing: string[] = [];
  if (!config.graph.clientId || (!config.graph.clientSecret && !config.graph.clientCertificatePath) || config.graph.tenantIds.length === 0) {
    missing.push('Graph is not configured (GRAPH_TENANT_IDS, GRAPH_CLIENT_ID and GRAPH_CLIENT_SECRET or GRAPH_CLIENT_CERTIFICATE_PATH): call records will not be fetched.');
  }
  if (!config.notifications.url) {
    missing.push('NOTIFICATION_URL is not set: no Graph subscription will be created; only the reconciliation sweep and `backfill` find calls.');
  }
  if (!config.bot.id && config.host !== undefined && isLoopbackHost(config.host)) {
    missing.push(`BOT_ID is not set: the bot runs without authentication, for local use only (Agents Playground), and listens on ${config.host} only.`);
  }
  return missing;
}

/**
 * The loud warning for an unauthenticated bot that the network can reach (no `BOT_ID`, and
 * `ALLOW_REMOTE_UNAUTHENTICATED=true` with a host that is not loopback); `undefined` otherwise.
 */
export function unauthenticatedExposureWarning(config: AppConfig, port: number): string | undefined {
  if (config.bot.id || (config.host !== undefined && isLoopbackHost(config.host))) return undefined;
  const where = config.host === undefined ? 'every network interface' : config.host;
  return `SECURITY: BOT_ID is not set and ALLOW_REMOTE_UNAUTHENTICATED=true: the bot accepts UNAUTHENTICATED requests on ${where}, port ${port}. Anyone who can reach it can use every command and read the bot's data. Set BOT_ID and BOT_PASSWORD, or remove ALLOW_REMOTE_UNAUTHENTICATED to listen on loopback only.`;
}
