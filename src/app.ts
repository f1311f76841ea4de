import type restify from 'restify';
import type { AppConfig } from './config';
import type { Logger } from './logger';
import { createServer, listen } from './server';
import { openConfiguredStore } from './open-store';
import { healthRoute, IngestStatus, notificationRoutes, type LifecycleNotification } from './ingest';
import { createIngestRuntime, type IngestRuntime } from './ingest-runtime';
import type { GraphClient } from './graph';
import type { Store } from './store';

/** A running bot: its port and how to stop it. */
export interface RunningApp {
  port: number;
  server: restify.Server;
  store: Store;
  status: IngestStatus;
  ingest: IngestRuntime;
  stop(): Promise<void>;
}

/** Parts a test (or another host) may supply instead of building them from the configuration. */
export interface AppOverrides {
  store?: Store;
  graph?: GraphClient;
}

/** Wires every part from the configuration and starts serving. */
export async function startApp(config: AppConfig, logger: Logger, overrides: AppOverrides = {}): Promise<RunningApp> {
  const store = overrides.store ?? (await openConfiguredStore(config));
  const status = new IngestStatus();
  const ingest = createIngestRuntime({
    config,
    store,
    logger,
    status,
    graph: overrides.graph,
    scoringFor: async () => config.scoring,
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
    }),
    healthRoute(store, status, config.notifications.url ? config.graph.tenantIds : []),
  ]);
  const port = await listen(server, config.port);
  ingest.start();
  return {
    port,
    server,
    store,
    status,
    ingest,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await ingest.stop();
      if (!overrides.store) await store.close();
    },
  };
}
