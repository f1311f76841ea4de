import type restify from 'restify';
import type { AppConfig } from './config';
import type { Logger } from './logger';
import { boundHost, createServer, listen } from './server';
import { openConfiguredStore } from './open-store';
import { assessRecordParts, createIngestRuntime, healthRoute, IngestStatus, notificationRoutes, type IngestRuntime, type LifecycleNotification } from './ingest';
import { createBot, type Bot } from './bot';
import type { GraphClient } from './graph';
import type { Store } from './store';
import { disabledTelemetry, type Telemetry } from './telemetry';

/** A running bot: its port and how to stop it. */
export interface RunningApp {
  port: number;
  /** The address the server is bound to (`127.0.0.1` without `BOT_ID`, `::` for every interface). */
  host: string;
  server: restify.Server;
  store: Store;
  status: IngestStatus;
  ingest: IngestRuntime;
  bot: Bot;
  stop(): Promise<void>;
}

/** Parts a test (or another host) may supply instead of building them from the configuration. */
export interface AppOverrides {
  store?: Store;
  graph?: GraphClient;
  /** Options passed through to the bot (e.g. Bot Framework endpoints of a loopback connector). */
  bot?: Partial<Parameters<typeof createBot>[0]>;
  /**
   * The telemetry started before the app (`startTelemetry`); none by default. A Graph client
   * given in `graph` must have been built with the same one to trace its requests.
   */
  telemetry?: Telemetry;
  /**
   * The time every part reads (webhook, worker, sweep, retention, bot, delivery, weekly report), so a
   * test can place the app on a day of its choosing; the wall clock by default. `bot.clock` wins for the bot.
   */
  clock?: () => number;
}

/** Wires every part from the configuration and starts serving. */
export async function startApp(config: AppConfig, logger: Logger, overrides: AppOverrides = {}): Promise<RunningApp> {
  const store = overrides.store ?? (await openConfiguredStore(config, { onWarning: (message) => logger.warn(message) }));
  const clock = overrides.clock ?? Date.now;
  const telemetry = overrides.telemetry ?? disabledTelemetry();
  const status = new IngestStatus();
  // Tenants that must have a Graph subscription: only when notifications are configured at all.
  const expectedTenants = config.notifications.url ? config.graph.tenantIds : [];
  let bot: Bot | undefined;
  const ingest = createIngestRuntime({
    config,
    store,
    logger,
    status,
    graph: overrides.graph,
    telemetry,
    clock,
    onAlertQueued: () => bot?.wakeDelivery(),
  });
  const { graph, scoringFor } = ingest;
  bot = createBot({
    config,
    store,
    logger: logger.child({ part: 'bot' }),
    dataFlow: { ingestStatus: status, expectedTenants },
    defaultAlertChannelKey: config.alerts.defaultChannelId,
    telemetry,
    clock,
    ...(graph
      ? {
          // Read page by page, as the worker reads it: a check of a large meeting never holds it whole.
          fetchAndScore: async (tenantId: string, callId: string) =>
            assessRecordParts(graph.getCallRecordPages(tenantId, callId), { scoring: await scoringFor(tenantId), tenantId, source: 'check', place: config.buildings.map.place }),
          isTeamOwner: async ({ tenantId, teamAadGroupId, userAadId }: { tenantId: string | null; teamAadGroupId: string; userAadId: string }) =>
            tenantId !== null && (await graph.teams.isTeamOwner(tenantId, teamAadGroupId, userAadId)),
          ...(config.bot.proactiveInstall && config.bot.teamsAppId
            ? { installForUser: (tenantId: string, userAadId: string) => graph.teams.installAppForUser(tenantId, userAadId, config.bot.teamsAppId!) }
            : {}),
        }
      : {}),
    ...overrides.bot,
  });
  const onLifecycle = (events: LifecycleNotification[]) => {
    for (const event of events) {
      if (event.lifecycleEvent === 'missed') {
        void ingest.sweep?.sweepTenant(event.tenantId);
      } else {
        ingest.subscriptions
          ?.handleLifecycle(event.tenantId, event.subscriptionId, event.lifecycleEvent)
          .catch((error: Error) => logger.error({ tenantId: event.tenantId, err: error.message }, 'could not answer a lifecycle event'));
      }
    }
  };
  const server = createServer(logger, [
    notificationRoutes({
      inbox: store.inbox,
      status,
      logger,
      clientState: config.notifications.clientState,
      allowedTenants: config.graph.tenantIds,
      onLifecycle,
      onEnqueued: () => ingest.worker?.wake(),
      telemetry,
      clock,
    }),
    healthRoute({ store, status, expectedTenants, healthKey: config.healthKey, clock }),
    bot.routes,
  ]);
  let port: number;
  try {
    port = await listen(server, config.port, config.host);
  } catch (error) {
    if (!overrides.store) await store.close();
    throw error;
  }
  const stopObservingInbox = telemetry.observeInbox((now) => store.inbox.stats(now));
  ingest.start();
  bot.startDelivery();
  bot.startReports();
  const running = bot;
  return {
    port,
    host: boundHost(server),
    server,
    store,
    status,
    ingest,
    bot: running,
    async stop() {
      stopObservingInbox();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await ingest.stop();
      await running.stop();
      if (!overrides.store) await store.close();
    },
  };
}
