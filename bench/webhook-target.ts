/**
 * A server for the webhook benchmark, run in its own process so that the load generator does not
 * share its event loop: `node dist/bench/webhook-target.js webhook|bare <dataDir>`. Prints its port.
 */
import restify from 'restify';
import { createLogger } from '../src/logger';
import { createServer, listen } from '../src/server';
import { openConfiguredStore } from '../src/open-store';
import { loadConfig } from '../src/config';
import { IngestStatus, notificationRoutes } from '../src/ingest';
import { quietSqliteExperimentalWarning } from '../src/quiet-sqlite-warning';

export const BENCH_TENANT = '11111111-1111-4111-8111-111111111111';
export const BENCH_CLIENT_STATE = 'bench-client-state-0123456789';

async function main(): Promise<void> {
  quietSqliteExperimentalWarning();
  const [mode, dataDir] = process.argv.slice(2);
  const logger = createLogger('warn');
  let server: restify.Server;
  if (mode === 'bare') {
    // The floor: restify answering 202 after reading the body, nothing else.
    server = createServer(logger, [
      (s) =>
        s.post('/api/notifications', (req: restify.Request, res: restify.Response, next: restify.Next) => {
          req.on('data', () => undefined);
          req.on('end', () => {
            res.writeHead(202);
            res.end();
            next(false);
          });
        }),
    ]);
  } else {
    const config = loadConfig({ ...process.env, DATA_DIR: dataDir ?? './bench-data', GRAPH_TENANT_IDS: BENCH_TENANT, NOTIFICATION_CLIENT_STATE: BENCH_CLIENT_STATE });
    const store = await openConfiguredStore(config);
    server = createServer(logger, [
      notificationRoutes({ inbox: store.inbox, status: new IngestStatus(), logger, clientState: BENCH_CLIENT_STATE, allowedTenants: [BENCH_TENANT] }),
    ]);
  }
  const port = await listen(server, 0, '127.0.0.1');
  process.stdout.write(`${port}\n`);
}

if (require.main === module) void main();
