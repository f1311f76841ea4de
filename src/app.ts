import type restify from 'restify';
import type { AppConfig } from './config';
import type { Logger } from './logger';
import { createServer, listen } from './server';

/** A running bot: its port and how to stop it. */
export interface RunningApp {
  port: number;
  server: restify.Server;
  stop(): Promise<void>;
}

/** Wires every part from the configuration and starts serving. */
export async function startApp(config: AppConfig, logger: Logger): Promise<RunningApp> {
  const started = new Date();
  const server = createServer(logger, [
    (s) =>
      s.get('/healthz', (_req, res, next) => {
        res.json(200, { status: 'ok', startedAt: started.toISOString() });
        next();
      }),
  ]);
  const port = await listen(server, config.port);
  return {
    port,
    server,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
