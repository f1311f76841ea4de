import type { AppConfig } from '../config';
import { createGraphClient, graphClientOptionsFromConfig, type GraphClient } from '../graph';
import type { Logger } from '../logger';
import type { ScoringOptions } from '../quality';
import { currentScoringOptions, SCORING_SETTINGS_MAX_AGE_MS } from '../settings';
import type { Store } from '../store';
import { InboxWorker } from './inbox-worker';
import { HistoryRetention } from './history-retention';
import { InboxRetention } from './inbox-retention';
import type { IngestStatus } from './ingest-status';
import { ReconciliationSweep } from './reconciliation-sweep';
import { SubscriptionKeeper } from './subscription-keeper';
import type { Telemetry } from '../telemetry';

/** The background parts of ingest, built from the configuration. */
export interface IngestRuntime {
  graph: GraphClient | undefined;
  /** The scoring options in force for a tenant: the configuration with admins' changes in Teams on top. */
  scoringFor: (tenantId: string) => Promise<ScoringOptions>;
  worker: InboxWorker | undefined;
  sweep: ReconciliationSweep | undefined;
  subscriptions: SubscriptionKeeper | undefined;
  /** Prunes the call history to `HISTORY_DAYS` (with or without Graph: the history is there either way). */
  retention: HistoryRetention;
  /** Prunes done inbox items to `INBOX_RETENTION_DAYS` (the webhook fills the inbox with or without Graph). */
  inboxRetention: InboxRetention;
  start(): void;
  stop(): Promise<void>;
}

/** How often subscriptions are checked (they are renewed when 36 hours or less are left). */
const SUBSCRIPTION_CHECK_MS = 60 * 60_000;

export interface IngestRuntimeOptions {
  config: AppConfig;
  store: Store;
  logger: Logger;
  status: IngestStatus;
  onAlertQueued?: () => void;
  /** For tests: a client built elsewhere (e.g. against a loopback Graph). */
  graph?: GraphClient;
  /** Traces and metrics of the worker and of the Graph client built here. */
  telemetry?: Telemetry;
  /** The time for the worker, sweep, subscription keeper and retention (tests set it; the wall clock by default). */
  clock?: () => number;
}

/**
 * Builds the worker, the sweep and the subscription keeper when Graph is configured; without
 * Graph, only the webhook's inbox fills and waits.
 */
export function createIngestRuntime(options: IngestRuntimeOptions): IngestRuntime {
  const { config, store, logger, status } = options;
  const graphReady = Boolean(options.graph) || Boolean(config.graph.clientId && (config.graph.clientSecret || config.graph.clientCertificatePath));
  const graph = options.graph ?? (graphReady ? createGraphClient({ ...graphClientOptionsFromConfig(config.graph, logger), telemetry: options.telemetry }) : undefined);
  // Admins' changes in Teams (profile, thresholds) go on top of the configuration, per tenant; read at most every 30 s
  // per tenant (at once after a change through this instance), not once per record.
  const scoringFor = (tenantId: string) => currentScoringOptions(store, tenantId, config.qualitySettings, SCORING_SETTINGS_MAX_AGE_MS);
  const clock = options.clock ?? Date.now;
  const retention = new HistoryRetention({ history: store.history, days: config.history.days, logger: logger.child({ part: 'retention' }), clock });
  const inboxRetention = new InboxRetention({ inbox: store.inbox, days: config.inbox.retentionDays, logger: logger.child({ part: 'inbox-retention' }), clock });
  if (!graph) {
    return {
      graph: undefined,
      scoringFor,
      worker: undefined,
      sweep: undefined,
      subscriptions: undefined,
      retention,
      inboxRetention,
      start: () => {
        retention.start();
        inboxRetention.start();
      },
      stop: async () => {
        await Promise.all([retention.stop(), inboxRetention.stop()]);
      },
    };
  }
  const worker = new InboxWorker({
    store,
    source: graph,
    logger: logger.child({ part: 'worker' }),
    status,
    scoringFor,
    // Cards and history name the building of each end, as placed when the call was scored.
    place: config.buildings.map.place,
    alertFailures: config.alerts.failures,
    onAlertQueued: options.onAlertQueued,
    leaseMs: config.worker.leaseSeconds * 1000,
    concurrency: config.worker.concurrency,
    // On Azure a claim that splits a group message costs three queue requests: claim a slot's worth ahead (see ClaimedAhead).
    claimAhead: store.engine === 'azure' ? config.worker.concurrency : 0,
    telemetry: options.telemetry,
    clock,
  });
  const sweep = new ReconciliationSweep({
    store,
    source: graph,
    logger: logger.child({ part: 'sweep' }),
    status,
    tenantIds: config.graph.tenantIds,
    onEnqueued: () => worker.wake(),
    clock,
  });
  const { url, lifecycleUrl, clientState } = config.notifications;
  const subscriptions =
    url && lifecycleUrl && clientState
      ? new SubscriptionKeeper({ store, api: graph.subscriptions, logger: logger.child({ part: 'subscriptions' }), tenantIds: config.graph.tenantIds, notificationUrl: url, lifecycleUrl, clientState, clock })
      : undefined;
  const timers: NodeJS.Timeout[] = [];
  return {
    graph,
    scoringFor,
    worker,
    sweep,
    subscriptions,
    retention,
    inboxRetention,
    start() {
      retention.start();
      inboxRetention.start();
      worker.start();
      const sweepAll = () => void sweep.sweepAll().catch((error: Error) => logger.error({ err: error.message }, 'sweep failed'));
      timers.push(setInterval(sweepAll, config.sweepMinutes * 60_000));
      // The first sweep runs soon after start, to catch what was missed while the bot was down.
      timers.push(setTimeout(sweepAll, 30_000));
      if (subscriptions) {
        const ensure = () => void subscriptions.ensureAll();
        ensure();
        timers.push(setInterval(ensure, SUBSCRIPTION_CHECK_MS));
      }
      for (const timer of timers) timer.unref();
    },
    async stop() {
      for (const timer of timers) clearTimeout(timer);
      await Promise.all([worker.stop(), retention.stop(), inboxRetention.stop()]);
    },
  };
}
