import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../support/free-port';
import { createLoopbackTlsCertificate } from '../support/loopback-certificates';
import { startLoopbackGraph, type LoopbackGraph } from '../support/loopback-graph';
import { startLoopbackTokenServer, type LoopbackTokenServer } from '../support/loopback-token-server';
import { seedCallRecord } from '../support/seed-call-record';
import { startOtlpReceiver, type OtlpReceiver } from './otlp-receiver';

const TENANT = '11111111-1111-4111-8111-111111111111';
const CLIENT_STATE = 'started-first-client-state-0123456789';
const CALL_ID = 'dddddddd-0000-4000-8000-000000000001';
const CLIENT_ID = '66666666-6666-4666-8666-666666666666';
const CLIENT_SECRET = 'started-first-secret~value';

async function waitFor(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the bot process with OTEL_EXPORTER_OTLP_ENDPOINT (src/index.ts)', function () {
  this.timeout(90_000);
  let receiver: OtlpReceiver;
  let graph: LoopbackGraph;
  let tokens: LoopbackTokenServer;
  let dataDir: string;
  let output = '';
  let exitCode: number | null = null;

  before(async () => {
    receiver = await startOtlpReceiver();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'telemetry-process-'));
    // A loopback Graph, so that the worker fetches and scores the notified call inside its spans.
    const tls = await createLoopbackTlsCertificate();
    writeFileSync(path.join(dataDir, 'ca.pem'), tls.cert);
    tokens = await startLoopbackTokenServer({ tls, apps: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }], tenants: [TENANT] });
    graph = await startLoopbackGraph({ verifyAccessToken: tokens.verifyAccessToken });
    graph.putRecord(seedCallRecord({ id: CALL_ID, version: 1 }));
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(__dirname, '../../src/index.ts')], {
      cwd: path.resolve(__dirname, '../..'),
      env: {
        PATH: process.env.PATH ?? '',
        PORT: String(port),
        DATA_DIR: dataDir,
        LOG_LEVEL: 'info',
        GRAPH_TENANT_IDS: TENANT,
        GRAPH_CLIENT_ID: CLIENT_ID,
        GRAPH_CLIENT_SECRET: CLIENT_SECRET,
        GRAPH_BASE_URL: graph.url,
        AUTHORITY_HOST: tokens.url,
        NODE_EXTRA_CA_CERTS: path.join(dataDir, 'ca.pem'),
        NOTIFICATION_URL: `http://127.0.0.1:${port}/api/notifications`,
        NOTIFICATION_CLIENT_STATE: CLIENT_STATE,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_METRIC_EXPORT_INTERVAL: '3600000',
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
        value: [
          {
            subscriptionId: 'sub-1',
            clientState: CLIENT_STATE,
            changeType: 'created',
            resource: `communications/callRecords/${CALL_ID}`,
            resourceData: { '@odata.type': '#Microsoft.Graph.callRecord', '@odata.id': `communications/callRecords/${CALL_ID}`, id: CALL_ID },
            tenantId: TENANT,
          },
        ],
      }),
    });
    assert.equal(response.status, 202);
    const notJson = await fetch(`http://127.0.0.1:${port}/api/notifications`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"value": [' });
    assert.equal(notJson.status, 400);
    const noValue = await fetch(`http://127.0.0.1:${port}/api/notifications`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"items": []}' });
    assert.equal(noValue.status, 400);
    await waitFor(() => output.includes('call record scored') || exitCode !== null, 'the worker to score the call', 30_000);
    // SIGTERM: the bot stops, then exports what telemetry still holds before exiting.
    child.kill('SIGTERM');
    await exited;
  });

  after(async () => {
    await Promise.all([receiver?.close(), graph?.close(), tokens?.close()]);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('exits cleanly after exporting on SIGTERM', () => {
    assert.equal(exitCode, 0, output);
  });

  it('instruments http because telemetry starts before the server is loaded: the webhook POST is a server span, linked from the notification span', () => {
    const spans = receiver.spans();
    // Server spans (kind 2) of the http instrumentation; older and newer semantic conventions name the method differently.
    const request = spans.find(
      (span) => span.scope.includes('instrumentation-http') && span.kind === 2 && (span.attributes['http.request.method'] ?? span.attributes['http.method']) === 'POST',
    );
    assert.ok(request, `an http server span among ${spans.map((span) => `${span.scope}:${span.name}`).join(', ')}`);
    const notification = spans.find((span) => span.name === 'callRecord notification');
    assert.ok(notification, 'the notification span');
    assert.equal(notification.attributes['callquality.call_id'], CALL_ID);
    assert.notEqual(notification.traceId, request.traceId, "the call's trace is its own, not the HTTP request's");
    assert.deepEqual(notification.links, [{ traceId: request.traceId, spanId: request.spanId }], 'linked to the request that carried it');
  });

  it("sends pino's log lines as OTLP log records, those written in a call's span with the call's trace id", () => {
    const records = receiver.logRecords();
    const listening = records.find((record) => record.body.startsWith('listening on port'));
    assert.ok(listening, `log records: ${records.map((record) => record.body).join(' | ')}`);
    assert.equal(listening.traceId, '', 'a line written outside any span carries no trace id');
    const scored = records.find((record) => record.body === 'call record scored');
    assert.ok(scored, `the worker's line among: ${records.map((record) => record.body).join(' | ')}`);
    const callTrace = createHash('sha256').update(`${TENANT}:${CALL_ID}`).digest('hex').slice(0, 32);
    assert.equal(scored.traceId, callTrace, "in the call's trace");
    const attempt = receiver.spans().find((span) => span.name === 'callRecord process' && span.attributes['callquality.call_id'] === CALL_ID);
    assert.ok(attempt, 'the attempt span was exported');
    assert.equal(scored.spanId, attempt.spanId, 'written in the attempt that scored it');
  });

  it('counts the notification received and the bodies refused, by reason', () => {
    const last = receiver.metricExports().at(-1) ?? [];
    const sum = (metric: string, reason?: string) =>
      last.filter((point) => point.metric === metric && (reason === undefined || point.attributes['callquality.refusal.reason'] === reason)).reduce((total, point) => total + point.value, 0);
    assert.equal(sum('callquality.notifications.received'), 1);
    assert.equal(sum('callquality.notifications.refused', 'invalid-json'), 1);
    assert.equal(sum('callquality.notifications.refused', 'malformed'), 1, 'a body without a value array');
    assert.equal(sum('callquality.notifications.refused'), 2);
  });
});
