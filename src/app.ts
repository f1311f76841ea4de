import type restify from 'restify';
import type { AppConfig } from './config';
import type { Logger } from './logger';
import { createServer, listen } from './server';
import { openConfiguredStore } from './open-store';
import { healthRoute, IngestStatus, notificationRoutes } from './ingest';
import type { Store } from './store';

/** A running bot: its port and how to stop it. */
export interface RunningApp {
  port: number;
  server: restify.Server;
  store: Store;
  status: IngestStatus;
  stop(): Promise<void>;
}

/** Wires every part from the configuration and starts serving. */
export async function startApp(config: AppConfig, logger: Logger): Promise<RunningApp> {
  const store = await openConfiguredStore(config);
  const status = new IngestStatus();
  const server = createServer(logger, [
    notificationRoutes({
      inbox: store.inbox,
      status,
      logger,
      clientState: config.notifications.clientState,
      allowedTenants: config.graph.tenantIds,
    }),
    healthRoute(store, status, config.notifications.url ? config.graph.tenantIds : []),
  ]);
  const port = await listen(server, config.port);
  return {
    port,
    server,
    store,
    status,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    },
  };
}
