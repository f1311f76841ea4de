import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import type { BenchResult, BenchSection } from './bench-section';
import { startAzurite, type AzuriteInstance } from '../test/support/azurite';
import { BENCH_CLIENT_STATE, BENCH_TENANT } from './webhook-target';

const DURATION_SECONDS = Number(process.env.BENCH_WEBHOOK_SECONDS ?? 5);
const CONNECTIONS = 20;

interface LoadFigures {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function startTarget(mode: 'webhook' | 'bare', dataDir: string, env: NodeJS.ProcessEnv): Promise<{ port: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [path.join(__dirname, 'webhook-target.js'), mode, dataDir], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    child.once('exit', (code) => reject(new Error(`the ${mode} target exited with ${code}`)));
  });
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function load(port: number): Promise<LoadFigures> {
  let counter = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/api/notifications`,
    connections: CONNECTIONS,
    duration: DURATION_SECONDS,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        // A new call id per request: every POST writes to the inbox, as in a burst of real calls.
        setupRequest: (request) => {
          counter += 1;
          const id = `bbbbbbbb-0000-4000-8000-${String(counter).padStart(12, '0')}`;
          return {
            ...request,
            body: JSON.stringify({
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
            }),
          };
        },
      },
    ],
  });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/** The webhook under load beside a bare restify 202 endpoint, each in its own process. */
export const webhookBench: BenchSection = {
  name: 'webhook',
  description: `POST /api/notifications (one notification per request, a new call each time, written to the inbox) under autocannon with ${CONNECTIONS} connections for ${DURATION_SECONDS} s, beside a bare restify endpoint that only answers 202`,
  async run(): Promise<BenchResult[]> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cqb-bench-webhook-'));
    const results: BenchResult[] = [];
    try {
      const figures: Record<string, LoadFigures> = {};
      const engines = process.env.BENCH_STORES?.split(',') ?? ['sqlite'];
      let azurite: AzuriteInstance | undefined;
      for (const mode of ['bare', ...engines.map((engine) => `webhook:${engine}`)]) {
        const [kind, engine] = mode.split(':') as ['bare' | 'webhook', string | undefined];
        if (engine === 'azure') azurite ??= await startAzurite();
        const env = {
          ...process.env,
          STORE: engine ?? 'sqlite',
          ...(engine === 'azure' ? { AZURE_STORAGE_CONNECTION_STRING: azurite!.connectionString, AZURE_STORAGE_PREFIX: 'benchwebhook' } : {}),
        };
        const target = await startTarget(kind, path.join(dir, mode.replace(':', '-')), env);
        try {
          await load(target.port); // warm-up
          figures[mode] = await load(target.port);
        } finally {
          await target.stop();
        }
      }
      await azurite?.stop();
      const bare = figures.bare!;
      for (const [mode, measured] of Object.entries(figures)) {
        const ratio = measured.requestsPerSecond / bare.requestsPerSecond;
        results.push({
          case: mode === 'bare' ? 'bare restify 202' : `webhook, ${mode.split(':')[1]} inbox`,
          figures: { 'requests/s': measured.requestsPerSecond, 'p50 ms': measured.p50, 'p99 ms': measured.p99, 'share of bare': ratio, 'non-2xx': measured.non2xx, errors: measured.errors },
          targets:
            mode === 'bare'
              ? undefined
              : [
                  { description: '≥ 50 % of the bare endpoint', met: ratio >= 0.5 },
                  { description: 'p99 < 50 ms', met: measured.p99 < 50 },
                ],
        });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return results;
  },
};
