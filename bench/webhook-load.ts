/** The webhook benchmark's tools: the target process, and autocannon's load of change notifications. */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import autocannon from 'autocannon';
import { BENCH_CLIENT_STATE, BENCH_TENANT } from './webhook-target';

/** What one load run measured. */
export interface LoadFigures {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** Answers with a 2xx status: the notifications the inbox took. */
  accepted: number;
  /** Requests sent, answered or not (a timed run ends with some in flight). */
  sent: number;
  non2xx: number;
  errors: number;
}

/** A target process (`bench/webhook-target.ts`) listening on `port`. */
export interface Target {
  port: number;
  /** The target's process id, to read its CPU time. */
  pid: number | undefined;
  stop(): Promise<void>;
}

/**
 * Starts the webhook (or the bare endpoint) in its own process, so that it does not share the load
 * generator's event loop; `benchDir` is the `dist/bench` folder of the build to run (another
 * build's, to compare before and after in one run).
 */
export async function startTarget(mode: 'webhook' | 'bare', dataDir: string, env: NodeJS.ProcessEnv, benchDir = __dirname): Promise<Target> {
  const child = spawn(process.execPath, [path.join(benchDir, 'webhook-target.js'), mode, dataDir], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    child.once('exit', (code) => reject(new Error(`the ${mode} target exited with ${code}`)));
  });
  return {
    port,
    pid: child.pid,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** One change notification for a new call, as Graph posts it; a random GUID, as real call ids are. */
export function notificationBody(): string {
  const id = randomUUID();
  return JSON.stringify({
    value: [
      {
        subscriptionId: 'bench',
        clientState: BENCH_CLIENT_STATE,
        changeType: 'created',
        resource: `communications/callRecords/${id}`,
        subscriptionExpirationDateTime: '2026-11-25T00:00:00Z',
        resourceData: { '@odata.type': '#Microsoft.Graph.callRecord', '@odata.id': `communications/callRecords/${id}`, id },
        tenantId: BENCH_TENANT,
      },
    ],
  });
}

/** How a load run is shaped: a duration at a steady number of connections, or a fixed amount (a burst). */
export type LoadShape = { connections: number; seconds: number } | { connections: number; amount: number };

/** POSTs one notification per request (a new call each time) at `port`. */
export async function load(port: number, shape: LoadShape): Promise<LoadFigures> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/api/notifications`,
    connections: shape.connections,
    ...('amount' in shape ? { amount: shape.amount } : { duration: shape.seconds }),
    // Graph gives up on an answer after 3 s; a slower one counts as an error here.
    timeout: 10,
    requests: [{ method: 'POST', headers: { 'content-type': 'application/json' }, setupRequest: (request) => ({ ...request, body: notificationBody() }) }],
  });
  return {
    requestsPerSecond: 'amount' in shape ? result['2xx'] / result.duration : result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    accepted: result['2xx'],
    sent: result.requests.sent,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}
