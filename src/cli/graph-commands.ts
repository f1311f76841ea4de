import { parseArgs } from 'node:util';
import { loadConfig, type AppConfig } from '../config';
import { createLogger } from '../logger';
import { createGraphClient, graphClientOptionsFromConfig, isGraphRequestError, type GraphClient } from '../graph';
import { notACallRecordReason, scoreCallRecord, type ScoringOptions } from '../quality';
import { IngestStatus, ReconciliationSweep, SubscriptionKeeper } from '../ingest';
import { openConfiguredStore } from '../open-store';
import { currentScoringOptions } from '../settings';
import { CliError } from './cli-error';
import type { CliStreams } from './io';
import { checkFormat, printReport, REPORT_OPTIONS, scoringOptionsFromFlags } from './score-command';

export const FETCH_USAGE = 'fetch <callRecordId> [--tenant T] [--profile cqd|cqd-classic] [--thresholds <file.json>] [--format json|text]';
export const SUBSCRIBE_USAGE = 'subscribe [--force]';
export const BACKFILL_USAGE = 'backfill --since <ISO time> [--tenant T]';

/** The configuration and a Graph client, or a CLI error saying what to set. */
function graphFromConfig(streams: CliStreams): { config: AppConfig; graph: GraphClient } {
  const config = loadConfig();
  // Logs go to stderr so stdout stays one JSON document; only warnings and worse.
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, { write: (line: string) => streams.stderr.write(line) });
  try {
    return { config, graph: createGraphClient(graphClientOptionsFromConfig(config.graph, logger)) };
  } catch (error) {
    throw new CliError((error as Error).message);
  }
}

function tenantOf(config: AppConfig, tenant: string | undefined): string {
  const tenantId = tenant ?? config.graph.tenantIds[0];
  if (!tenantId) throw new CliError('No tenant: pass --tenant <tenant id> or set GRAPH_TENANT_IDS.');
  return tenantId;
}

/**
 * `fetch`: fetches one call record from Graph (every page) and prints it scored, like `score`. It
 * scores as the bot does: the configuration with what admins set in Teams for the tenant on top
 * (so `fetch` and the bot's `check` agree), unless `--profile` or `--thresholds` say otherwise.
 */
export async function fetchCommand(args: string[], streams: CliStreams): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { ...REPORT_OPTIONS, tenant: { type: 'string' } }, allowPositionals: true, strict: true });
  if (positionals.length !== 1) throw new CliError(`Usage: ${FETCH_USAGE}`);
  checkFormat(values.format);
  const { config, graph } = graphFromConfig(streams);
  const tenantId = tenantOf(config, values.tenant);
  const options = values.profile || values.thresholds ? await scoringOptionsFromFlags(values, streams) : await scoringInForce(config, tenantId);
  let record: unknown;
  try {
    record = await graph.getCallRecord(tenantId, positionals[0]!);
  } catch (error) {
    if (isGraphRequestError(error)) throw new CliError(`Graph: ${error.message}`, 1);
    throw error;
  }
  const notRecord = notACallRecordReason(record);
  if (notRecord) throw new CliError(`Graph returned a document that is not a call record: ${notRecord}`, 1);
  printReport(scoreCallRecord(record, options), values.format, streams);
  return 0;
}

/** The options the bot scores a tenant's calls with: the configuration and the admins' changes in Teams. */
async function scoringInForce(config: AppConfig, tenantId: string): Promise<ScoringOptions> {
  const store = await openConfiguredStore(config);
  try {
    return await currentScoringOptions(store, tenantId, config.qualitySettings);
  } finally {
    await store.close();
  }
}

/** `subscribe`: creates or renews every tenant's subscription now and prints them. */
export async function subscribeCommand(args: string[], streams: CliStreams): Promise<number> {
  const { values } = parseArgs({ args, options: { force: { type: 'boolean', default: false } }, strict: true });
  const { config, graph } = graphFromConfig(streams);
  const { url, lifecycleUrl, clientState } = config.notifications;
  if (!url || !lifecycleUrl || !clientState) throw new CliError('Set NOTIFICATION_URL and NOTIFICATION_CLIENT_STATE to subscribe.');
  if (config.graph.tenantIds.length === 0) throw new CliError('Set GRAPH_TENANT_IDS to subscribe.');
  const store = await openConfiguredStore(config);
  try {
    const logger = createLogger('warn', { write: (line: string) => streams.stderr.write(line) });
    const keeper = new SubscriptionKeeper({ store, api: graph.subscriptions, logger, tenantIds: config.graph.tenantIds, notificationUrl: url, lifecycleUrl, clientState });
    const states = [];
    for (const tenantId of config.graph.tenantIds) {
      try {
        states.push(await keeper.ensure(tenantId, values.force));
      } catch (error) {
        throw new CliError(`Tenant ${tenantId}: ${(error as Error).message}`, 1);
      }
    }
    streams.stdout.write(
      `${JSON.stringify(states.map((s) => ({ tenantId: s.tenantId, subscriptionId: s.subscriptionId, resource: s.resource, expiresAt: new Date(s.expiresAt).toISOString(), notificationUrl: s.notificationUrl })), null, 2)}\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}

/** `backfill`: enqueues every call record that started since a time, with a progress line. */
export async function backfillCommand(args: string[], streams: CliStreams): Promise<number> {
  const { values } = parseArgs({ args, options: { since: { type: 'string' }, tenant: { type: 'string' } }, strict: true });
  const since = values.since ? Date.parse(values.since) : NaN;
  if (Number.isNaN(since)) throw new CliError(`Usage: ${BACKFILL_USAGE} (an ISO 8601 time such as 2026-11-01T00:00:00Z)`);
  const { config, graph } = graphFromConfig(streams);
  const tenants = values.tenant ? [values.tenant] : config.graph.tenantIds;
  if (tenants.length === 0) throw new CliError('No tenant: pass --tenant <tenant id> or set GRAPH_TENANT_IDS.');
  const store = await openConfiguredStore(config);
  try {
    const logger = createLogger('warn', { write: (line: string) => streams.stderr.write(line) });
    const sweep = new ReconciliationSweep({ store, source: graph, logger, status: new IngestStatus(), tenantIds: tenants });
    const results = [];
    for (const tenantId of tenants) {
      const report = await sweep.sweepTenant(tenantId, since, (listed, enqueued) => streams.stderr.write(`\r${tenantId}: ${listed} listed, ${enqueued} enqueued`));
      streams.stderr.write('\n');
      if (report.error) throw new CliError(`Tenant ${tenantId}: ${report.error}`, 1);
      results.push({ tenantId, since: new Date(since).toISOString(), listed: report.listed, enqueued: report.enqueued });
    }
    streams.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    return 0;
  } finally {
    await store.close();
  }
}
