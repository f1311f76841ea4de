import type { Server as HttpServer } from 'node:http';
import restify from 'restify';
import { StartupError } from './config';
import type { Logger } from './logger';

/** A route module: adds its routes to the server. */
export type RouteModule = (server: restify.Server) => void;

/**
 * How long a client may take to send a whole request, headers and body. Graph and the Bot
 * Connector send small bodies at once; a client that trickles (slowloris) is cut off with 408
 * after this, instead of holding a connection for Node's default of 300 seconds.
 */
export const REQUEST_DEADLINE_MS = 10_000;

/** Options of {@link createServer}. */
export interface ServerOptions {
  /** Overrides {@link REQUEST_DEADLINE_MS} (tests use a short one). */
  requestDeadlineMs?: number;
}

/**
 * Creates the restify server with the given routes. Bodies are read by each route as it needs
 * (the webhook reads raw bytes to bound their size, the bot uses restify's body parser).
 */
export function createServer(logger: Logger, routes: readonly RouteModule[], options: ServerOptions = {}): restify.Server {
  const server = restify.createServer({ name: 'call-quality-bot', handleUncaughtExceptions: false });
  applyRequestDeadline(server.server as HttpServer, options.requestDeadlineMs ?? REQUEST_DEADLINE_MS);
  server.on('restifyError', (req: restify.Request, res: restify.Response, error: Error, next: (value?: unknown) => void) => {
    logger.warn({ url: req.url, method: req.method, status: res.statusCode, err: error.message }, 'request failed');
    next();
  });
  for (const addRoutes of routes) addRoutes(server);
  return server;
}

/**
 * restify creates its `http.Server` without options, so the deadline is set on it before it
 * listens. Node enforces `requestTimeout` and `headersTimeout` only when it checks its connections
 * (every 30 s by default), so the check runs often enough for the deadline to hold within a second.
 */
function applyRequestDeadline(http: HttpServer, deadlineMs: number): void {
  http.requestTimeout = deadlineMs;
  http.headersTimeout = deadlineMs;
  (http as HttpServer & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.max(50, Math.min(1_000, Math.floor(deadlineMs / 4)));
}

/** Connections waiting to be accepted, at most. */
export const LISTEN_BACKLOG = 4096;

/**
 * Starts listening and resolves with the bound port (useful when `port` is 0). A port in use, a
 * privileged port or an address this machine does not have is a {@link StartupError} that says
 * which setting to change.
 */
export function listen(server: restify.Server, port: number, host?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const refuse = (error: NodeJS.ErrnoException) => reject(listenError(error, port, host));
    server.once('error', refuse);
    // Graph can open hundreds of connections in a burst: with Node's default backlog (511) the
    // kernel drops the rest and they retry after 1 s and 3 s. The kernel caps it at its somaxconn.
    server.listen(port, host, LISTEN_BACKLOG, () => {
      server.removeListener('error', refuse);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/** The address the server is bound to, as the operating system reports it (`127.0.0.1`, `::`). */
export function boundHost(server: restify.Server): string {
  const address = (server.server as HttpServer).address();
  return typeof address === 'object' && address ? address.address : String(address);
}

function listenError(error: NodeJS.ErrnoException, port: number, host: string | undefined): Error {
  const where = host === undefined ? '' : ` on ${host}`;
  switch (error.code) {
    case 'EADDRINUSE':
      return new StartupError(`PORT ${port} is already in use${where}: stop the program that holds it, or set PORT to a free port.`);
    case 'EACCES':
      return new StartupError(`PORT ${port} needs privileges this process does not have${where}: set PORT to 1024 or above.`);
    case 'EADDRNOTAVAIL':
      return new StartupError(`HOST=${host ?? ''} is not an address of this machine: set HOST to one of its addresses, or remove it.`);
    default:
      return error;
  }
}
