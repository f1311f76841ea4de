import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { freePort } from '../support/free-port';
import { createLoopbackTlsCertificate } from '../support/loopback-certificates';

const TENANT = '11111111-1111-4111-8111-111111111111';
const CLIENT_STATE = 'azure-monitor-client-state-0123456789';
const CALL_ID = 'eeeeeeee-0000-4000-8000-000000000001';

/** An Application Insights envelope as the Azure Monitor exporter posts it to `/v2.1/track`. */
interface Envelope {
  name: string;
  tags?: Record<string, string>;
  data?: { baseType?: string; baseData?: { name?: string; message?: string; metrics?: Array<{ name: string; value: number }>; properties?: Record<string, string> } };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the bot process with APPLICATIONINSIGHTS_CONNECTION_STRING (useAzureMonitor)', function () {
  this.timeout(120_000);
  const envelopes: Envelope[] = [];
  let ingestion: https.Server;
  let dataDir: string;
  let output = '';
  let exitCode: number | null = null;

  before(async () => {
    // A loopback ingestion endpoint over TLS (the exporter speaks https only), trusted by the
    // child through NODE_EXTRA_CA_CERTS: the track API takes gzipped JSON arrays of envelopes.
    const tls = await createLoopbackTlsCertificate();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'telemetry-azure-'));
    const caFile = path.join(dataDir, 'loopback-ca.pem');
    writeFileSync(caFile, tls.cert);
    ingestion = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (req.method === 'POST' && (req.url ?? '').startsWith('/v2.1/track')) {
          const raw = Buffer.concat(chunks);
          const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
          const received = JSON.parse(text) as Envelope[];
          envelopes.push(...received);
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ itemsReceived: received.length, itemsAccepted: received.length, errors: [] }));
          return;
        }
        res.writeHead(404);
        res.end();
      });
    });
    ingestion.listen(0, '127.0.0.1');
    await once(ingestion, 'listening');
    const endpoint = `https://127.0.0.1:${(ingestion.address() as AddressInfo).port}/`;
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(__dirname, '../../src/index.ts')], {
      cwd: path.resolve(__dirname, '../..'),
      env: {
        PATH: process.env.PATH ?? '',
        PORT: String(port),
        DATA_DIR: dataDir,
        TMPDIR: dataDir,
        NODE_EXTRA_CA_CERTS: caFile,
        LOG_LEVEL: 'info',
        GRAPH_TENANT_IDS: TENANT,
        NOTIFICATION_URL: `http://127.0.0.1:${port}/api/notifications`,
        NOTIFICATION_CLIENT_STATE: CLIENT_STATE,
        APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=${endpoint};LiveEndpoint=${endpoint}`,
        // The distro's own usage reports would go to Microsoft's endpoints, not the loopback.
        APPLICATIONINSIGHTS_STATSBEAT_DISABLED: 'true',
        APPLICATIONINSIGHTS_SDKSTATS_DISABLED: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = new Promise<void>((resolve) => child.once('exit', (code) => ((exitCode = code), resolve())));
    await waitFor(() => output.includes('listening on port') || exitCode !== null, 'the bot to listen', 60_000);
    assert.equal(exitCode, null, output);
    const response = await fetch(`http://127.0.0.1:${port}/api/notifications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        value: [{ subscriptionId: 'sub-1', clientState: CLIENT_STATE, changeType: 'created', resource: `communications/callRecords/${CALL_ID}`, resourceData: { id: CALL_ID }, tenantId: TENANT }],
      }),
    });
    assert.equal(response.status, 202);
    child.kill('SIGTERM');
    await exited;
  });

  after(async () => {
    if (ingestion) await new Promise<void>((resolve) => ingestion.close(() => resolve()));
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("sends the notification span as a request in the call's operation (AppRequests)", () => {
    assert.equal(exitCode, 0, output);
    const request = envelopes.find((envelope) => envelope.data?.baseType === 'RequestData' && envelope.data.baseData?.name === 'callRecord notification');
    assert.ok(request, `envelopes: ${envelopes.map((envelope) => `${envelope.data?.baseType}:${envelope.data?.baseData?.name ?? envelope.data?.baseData?.message ?? ''}`).join(', ')}`);
    assert.equal(request.data!.baseData!.properties?.['callquality.call_id'], CALL_ID);
    assert.match(request.tags?.['ai.operation.id'] ?? '', /^[0-9a-f]{32}$/);
  });

  it('sends the pino log lines as traces (AppTraces) and the callquality metrics (AppMetrics)', () => {
    assert.ok(envelopes.some((envelope) => envelope.data?.baseType === 'MessageData' && (envelope.data.baseData?.message ?? '').startsWith('listening on port')), 'the start-up log line');
    const metric = envelopes.flatMap((envelope) => (envelope.data?.baseType === 'MetricData' ? (envelope.data.baseData?.metrics ?? []) : [])).find((entry) => entry.name === 'callquality.notifications.received');
    assert.equal(metric?.value, 1);
  });
});
