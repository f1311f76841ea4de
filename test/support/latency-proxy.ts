import net from 'node:net';
import { createHistogram, performance, type RecordableHistogram } from 'node:perf_hooks';
import { AZURITE_ACCOUNT_KEY, AZURITE_ACCOUNT_NAME, type AzuriteInstance } from './azurite';
import { HttpRequestScanner } from './http-request-scanner';

/** A TCP proxy on loopback that holds every chunk the client sends for a fixed time before passing it on. */
export interface LatencyProxy {
  /** `http://127.0.0.1:<port>`: the proxy's own origin. */
  readonly origin: string;
  /** How many connections the proxy has accepted so far. */
  readonly connections: () => number;
  /** How many HTTP requests clients sent through the proxy so far (not chunks: whole requests). */
  readonly requests: () => number;
  /** The requests so far by what they were: method and resource, e.g. `GET inbox()`, `POST $batch`, `DELETE alerts/messages` (see {@link requestKind}). */
  readonly requestsByKind: () => Record<string, number>;
  /**
   * How long the proxy really held each chunk, in nanoseconds, since it started or since
   * {@link resetHolds}: from the moment its event loop read the chunk to the moment it passed it
   * on. About the delay (timers keep whole milliseconds: up to one less or more); more when the
   * process's event loop was late (a busy benchmark process).
   */
  readonly holds: () => RecordableHistogram;
  readonly resetHolds: () => void;
  /** Closes the listener and every open connection; safe to call twice. */
  stop(): Promise<void>;
}

/** What a histogram of holds says, in milliseconds. */
export interface HoldFigures {
  chunks: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** A histogram of holds (nanoseconds) in milliseconds; NaN figures when it is empty. */
export function holdFigures(histogram: RecordableHistogram): HoldFigures {
  const empty = histogram.count === 0;
  const ms = (ns: number) => (empty ? Number.NaN : ns / 1e6);
  return { chunks: histogram.count, meanMs: ms(histogram.mean), p50Ms: ms(histogram.percentile(50)), p99Ms: ms(histogram.percentile(99)), maxMs: ms(histogram.max) };
}

/**
 * Starts a proxy in front of `target` (`host:port`) that delays each chunk from client to server by
 * `delayMs`, in order, and passes the answers back at once. Real Azure Storage answers in a few
 * milliseconds while Azurite on loopback answers in well under one, so without this a benchmark
 * measures one emulator process sharing the cores, not round trips. A request of one chunk (every
 * request a storage SDK sends with a small body) waits `delayMs` once; its answer does not.
 */
export async function startLatencyProxy(target: string, delayMs: number): Promise<LatencyProxy> {
  const [host, port] = splitHostPort(target);
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  let requests = 0;
  const kinds = new Map<string, number>();
  const holds = createHistogram();
  const server = net.createServer((client) => {
    accepted += 1;
    const scanner = new HttpRequestScanner();
    const upstream = net.connect(port, host);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    sockets.add(client).add(upstream);
    // Chunks leave in arrival order, each no earlier than delayMs after it came.
    let last = Promise.resolve();
    client.on('data', (chunk: Buffer) => {
      for (const line of scanner.feed(chunk)) {
        requests += 1;
        const kind = requestKind(line);
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      }
      const came = performance.now();
      const due = Date.now() + delayMs;
      last = last.then(
        () =>
          new Promise<void>((resolve) =>
            setTimeout(() => {
              holds.record(Math.max(1, Math.round((performance.now() - came) * 1e6)));
              if (!upstream.destroyed) upstream.write(chunk);
              resolve();
            }, Math.max(0, due - Date.now())),
          ),
      );
    });
    client.on('end', () => void last.then(() => upstream.end()));
    upstream.pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', () => resolve()));
  const { port: own } = server.address() as net.AddressInfo;
  let stopped = false;
  return {
    origin: `http://127.0.0.1:${own}`,
    connections: () => accepted,
    requests: () => requests,
    requestsByKind: () => Object.fromEntries(kinds),
    holds: () => holds,
    resetHolds: () => holds.reset(),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Azurite behind three latency proxies (blob, queue, table), with a connection string that goes through them. */
export interface DelayedAzurite {
  readonly connectionString: string;
  /** HTTP requests sent through the three proxies so far. */
  requests(): number;
  /** Those requests by method and resource ({@link requestKind}), over the three services. */
  requestsByKind(): Record<string, number>;
  /** How long the three proxies held the chunks since they started or since {@link resetHolds}, in milliseconds. */
  holds(): HoldFigures;
  resetHolds(): void;
  /** Stops the proxies (not Azurite). */
  stop(): Promise<void>;
}

/** Puts a {@link startLatencyProxy} of `delayMs` in front of each of Azurite's three services. */
export async function delayAzurite(azurite: AzuriteInstance, delayMs: number): Promise<DelayedAzurite> {
  const services = { Blob: azurite.blobEndpoint, Queue: azurite.queueEndpoint, Table: azurite.tableEndpoint };
  const proxies: LatencyProxy[] = [];
  const endpoints: string[] = [];
  try {
    for (const [name, endpoint] of Object.entries(services)) {
      const url = new URL(endpoint);
      const proxy = await startLatencyProxy(url.host, delayMs);
      proxies.push(proxy);
      endpoints.push(`${name}Endpoint=${proxy.origin}${url.pathname};`);
    }
  } catch (error) {
    await Promise.all(proxies.map((proxy) => proxy.stop()));
    throw error;
  }
  return {
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT_NAME};AccountKey=${AZURITE_ACCOUNT_KEY};${endpoints.join('')}`,
    requests: () => proxies.reduce((sum, proxy) => sum + proxy.requests(), 0),
    requestsByKind: () => {
      const total: Record<string, number> = {};
      for (const proxy of proxies) for (const [kind, count] of Object.entries(proxy.requestsByKind())) total[kind] = (total[kind] ?? 0) + count;
      return total;
    },
    holds: () => {
      const all = createHistogram();
      for (const proxy of proxies) all.add(proxy.holds());
      return holdFigures(all);
    },
    resetHolds: () => {
      for (const proxy of proxies) proxy.resetHolds();
    },
    stop: async () => {
      await Promise.all(proxies.map((proxy) => proxy.stop()));
    },
  };
}

/**
 * What a storage request was, from its request line: the method and the resource under the account
 * with keys, ids and the query left out, so requests of one kind add up: `GET /devstoreaccount1/inbox(PartitionKey='a',RowKey='b')?…`
 * is `GET inbox()`, `PUT /devstoreaccount1/alerts/messages/id?popreceipt=…` is `PUT alerts/messages`.
 */
export function requestKind(requestLine: string): string {
  const [method = '?', target = ''] = requestLine.split(' ');
  const segments = target.split('?')[0]!.split('/').filter(Boolean);
  // Azurite's path starts with the account; a real account's host names it instead.
  if (segments[0] === AZURITE_ACCOUNT_NAME) segments.shift();
  const resource = segments
    .slice(0, 2)
    .map((segment) => decodeURIComponent(segment).replace(/\(.*\)$/, '()'))
    .join('/');
  return `${method} ${resource || '/'}`;
}

function splitHostPort(target: string): [string, number] {
  const colon = target.lastIndexOf(':');
  const port = Number(target.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(port) || port <= 0) throw new Error(`"${target}" is not host:port.`);
  return [target.slice(0, colon), port];
}
