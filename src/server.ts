import restify from 'restify';
import type { Logger } from './logger';

/** A route module: adds its routes to the server. */
export type RouteModule = (server: restify.Server) => void;

/**
 * Creates the restify server with the given routes. Bodies are read by each route as it needs
 * (the webhook reads raw bytes to bound their size, the bot uses restify's body parser).
 */
export function createServer(logger: Logger, routes: readonly RouteModule[]): restify.Server {
  const server = restify.createServer({ name: 'call-quality-bot', handleUncaughtExceptions: false });
  server.on('restifyError', (req: restify.Request, res: restify.Response, error: Error, next: (value?: unknown) => void) => {
    logger.warn({ url: req.url, method: req.method, status: res.statusCode, err: error.message }, 'request failed');
    next();
  });
  for (const addRoutes of routes) addRoutes(server);
  return server;
}

/** Starts listening and resolves with the bound port (useful when `port` is 0). */
export function listen(server: restify.Server, port: number, host?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.removeListener('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
