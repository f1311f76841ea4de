import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createLogger } from '../../src/logger';
import { startApp, type RunningApp } from '../../src/app';
import { openSqliteStore } from '../../src/store';
import { callTraceIds, startTelemetry, type Telemetry } from '../../src/telemetry';
import { TENANT_A, startGraphTestEnvironment, type GraphTestEnvironment } from '../graph/graph-test-environment';
import { freePort } from '../support/free-port';
import { LoopbackBotConnector } from '../support/loopback-bot-connector';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedPoint, type ReceivedSpan } from './otlp-receiver';
import { loadFixture } from '../support/graph-fixtures';

const CLIENT_STATE = 'telemetry-client-state-0123456789';
const CALL_ID = 'bbbbbbbb-0000-4000-8000-000000000001';
const SCOPE = 'call-quality-bot';
const CHANNEL = '19:call-alerts@thread.tacv2';
/** OTLP SpanKind numbers. */
const KIND = { internal: 1, server: 2, client: 3, consumer: 5 } as const;

/** The 2024 seed record under the test's id, with a second session so that its fetch takes two Graph pages. */
function twoSessionRecord(): Record<string, unknown> {
  const record = structuredClone(loadFixture('callrecord-v1-expanded-2024.json')) as any;
  delete record['sessions@odata.nextLink'];
  record.id = CALL_ID;
  record.startDateTime = new Date(Date.now() - 40 * 60_000).toISOString();
  record.endDateTime = new Date(Date.now() - 10 * 60_000).toISOString();
  const second = structuredClone(record.sessions[0]);
  second.id = `${record.sessions[0].id}-second`;
  record.sessions.push(second);
  return record;
}

async function until<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The last metrics export's value of a metric with the given attributes (cumulative: the totals). */
function total(points: ReceivedPoint[], metric: string, attributes: Record<string, string> = {}): number {
  return points
    .filter((point) => point.metric === metric && Object.entries(attributes).every(([key, value]) => point.attributes[key] === value))
    .reduce((sum, point) => sum + point.value, 0);
}

describe('telemetry over OTLP/HTTP: one call through the running app', function () {
  this.timeout(90_000);
  let receiver: OtlpReceiver;
  let telemetry: Telemetry;
  let env: GraphTestEnvironment;
  let app: RunningApp;
  let connector: LoopbackBotConnector;
  const logLines: Array<Record<string, unknown>> = [];
  let ourSpans: ReceivedSpan[] = [];
  let lastMetrics: ReceivedPoint[] = [];

  before(async () => {
    receiver = await startOtlpReceiver();
    telemetry = await startTelemetry({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SERVICE_NAME: 'call-quality-bot-test',
      // Metrics leave on flush only: the test decides when.
      OTEL_METRIC_EXPORT_INTERVAL: '3600000',
    });
    assert.equal(telemetry.enabled, true);
    env = await startGraphTestEnvironment({ sessionPageSize: 1 });
    // The admins' channel, so that the call's alert is delivered (through a loopback Bot Connector).
    connector = await new LoopbackBotConnector().start();
    const store = openSqliteStore({ path: ':memory:' });
    await store.conversations.putConversation({
      key: CHANNEL, kind: 'channel', tenantId: TENANT_A, userAadId: null, teamId: '19:team@thread.tacv2', channelId: CHANNEL, serviceUrl: connector.serviceUrl,
      reference: { bot: { id: '28:bot', name: 'Call Quality' }, conversation: { id: CHANNEL, isGroup: true, conversationType: 'channel', tenantId: TENANT_A } }, installedAt: Date.now(), deadReason: null,
    });
    const port = await freePort();
    const config = env.appConfig(port, CLIENT_STATE, { ALERT_CHANNEL_ID: CHANNEL });
    const logger = createLogger('info', { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) }, { contextFields: () => telemetry.logFields() });
    app = await startApp(config, logger, { store, graph: env.client({ telemetry }), telemetry });
    const [subscription] = await until(() => env.graph.subscriptions(TENANT_A).length > 0 && env.graph.subscriptions(TENANT_A), 'the subscription');

    env.graph.putRecord(twoSessionRecord());
    // The first fetch is throttled (429, Retry-After 1 s): the worker retries it about a second later.
    env.graph.throttleNext(1, { retryAfter: 1, operations: ['getCallRecord'] });
    assert.deepEqual(await env.graph.sendNotifications(TENANT_A, [CALL_ID], { subscriptionId: subscription!.id }), [202]);
    // And one notification that carries a wrong clientState: refused.
    await env.graph.sendNotifications(TENANT_A, ['cccccccc-0000-4000-8000-000000000009'], { subscriptionId: subscription!.id, clientState: 'not-the-client-state-0000000000' });
    await until(async () => (await app.store.inbox.get(TENANT_A, CALL_ID))?.state === 'done', 'the call processed');

    // Spans end just after the inbox is settled: flush until the second process span has arrived.
    ourSpans = await until(async () => {
      await telemetry.flush();
      const spans = receiver.spans().filter((span) => span.scope === SCOPE);
      return spans.filter((span) => span.name === 'callRecord process').length >= 2 && spans.some((span) => span.name === 'callRecord record') && spans.some((span) => span.name === 'alert deliver') && spans;
    }, 'the spans of the call');
    lastMetrics = receiver.metricExports().at(-1) ?? [];
  });

  after(async () => {
    await app?.stop();
    await app?.store.close();
    await telemetry?.shutdown();
    await env?.close();
    await connector?.stop();
    await receiver?.close();
  });

  it('exports with the OTLP/HTTP JSON encoding to /v1/traces and /v1/metrics, under the service name', () => {
    const paths = new Set(receiver.requests().map((request) => request.path));
    assert.ok(paths.has('/v1/traces') && paths.has('/v1/metrics'), `paths: ${[...paths].join(', ')}`);
    for (const request of receiver.requests()) assert.match(request.contentType, /^application\/json/);
    assert.equal(ourSpans[0]!.resource['service.name'], 'call-quality-bot-test');
  });

  it("puts the notification, both attempts of the worker and every Graph request into the call's one trace", () => {
    // The trace id is SHA-256("<tenant>:<call>") cut to 16 bytes, as docs/deploy.md says, so KQL can find it.
    const digest = createHash('sha256').update(`${TENANT_A}:${CALL_ID}`).digest('hex');
    const traceId = digest.slice(0, 32);
    const rootSpanId = digest.slice(32, 48);
    const callSpans = ourSpans.filter((span) => span.attributes['callquality.call_id'] === CALL_ID || span.traceId === traceId);
    for (const span of callSpans) assert.equal(span.traceId, traceId, `${span.name} is in the call's trace`);

    const notification = callSpans.filter((span) => span.name === 'callRecord notification');
    assert.equal(notification.length, 1, 'one span for the one accepted notification');
    assert.equal(notification[0]!.parentSpanId, rootSpanId, "the notification span's parent is the call's root");
    assert.equal(notification[0]!.kind, KIND.server);
    assert.equal(notification[0]!.attributes['callquality.tenant_id'], TENANT_A);

    const processes = callSpans.filter((span) => span.name === 'callRecord process');
    assert.equal(processes.length, 2, 'the throttled attempt and the retry');
    for (const process of processes) {
      assert.equal(process.parentSpanId, rootSpanId, 'each attempt is a child of the root, not of the HTTP request');
      assert.equal(process.kind, KIND.consumer);
    }
    assert.deepEqual(processes.map((span) => span.attributes['callquality.outcome']).sort(), ['retry', 'scored']);
  });

  it('nests fetch, score, history and record under the attempt, and each Graph request under its fetch', async () => {
    const byId = new Map(ourSpans.map((span) => [span.spanId, span]));
    const childrenOf = (parent: ReceivedSpan, name?: string) => ourSpans.filter((span) => span.parentSpanId === parent.spanId && (name === undefined || span.name === name));
    const retried = ourSpans.find((span) => span.name === 'callRecord process' && span.attributes['callquality.outcome'] === 'retry')!;
    const scored = ourSpans.find((span) => span.name === 'callRecord process' && span.attributes['callquality.outcome'] === 'scored')!;

    const [failedFetch] = childrenOf(retried, 'callRecord fetch');
    assert.ok(failedFetch, 'the throttled attempt has a fetch span');
    assert.equal(failedFetch.statusCode, 2, 'that fetch failed');
    const throttled = childrenOf(failedFetch);
    assert.equal(throttled.length, 1);
    assert.equal(throttled[0]!.name, 'GET /communications/callRecords/{id}');
    assert.equal(throttled[0]!.kind, KIND.client);
    assert.equal(throttled[0]!.attributes['http.response.status_code'], 429);
    assert.equal(childrenOf(retried, 'callRecord score').length, 0, 'nothing was scored on the throttled attempt');

    assert.deepEqual(childrenOf(scored).map((span) => span.name).sort(), ['callRecord fetch', 'callRecord history', 'callRecord record', 'callRecord score']);
    const fetch = childrenOf(scored, 'callRecord fetch')[0]!;
    const requests = childrenOf(fetch);
    assert.deepEqual(
      requests.map((span) => span.name),
      ['GET /communications/callRecords/{id}', 'GET /communications/callRecords/{id}/sessions (next link)', 'GET /communications/callRecords/{id}/participants_v2'],
      'the record, its second page of sessions and its participants, in order',
    );
    // Its pages were scored as they came, within it: the time that took is told apart from Graph's.
    assert.equal(fetch.attributes['callquality.session_pages'], 2, "the record's page of sessions and the second");
    const scoringMs = fetch.attributes['callquality.scoring_ms'];
    assert.ok(typeof scoringMs === 'number' && scoringMs >= 0, `scoring time in ms: ${String(scoringMs)}`);
    for (const request of requests) {
      assert.equal(request.kind, KIND.client);
      assert.equal(request.attributes['http.response.status_code'], 200);
      assert.equal(request.attributes['http.request.method'], 'GET');
      assert.equal(byId.get(request.parentSpanId)?.name, 'callRecord fetch');
    }
    const score = childrenOf(scored, 'callRecord score')[0]!;
    const stored = await app.store.reports.getReport(TENANT_A, CALL_ID);
    assert.equal(score.attributes['callquality.quality'], (stored?.report as { quality: string }).quality, 'the score span says what was stored');
  });

  it('counts the notifications received and refused, the record fetched, the 429 and the retry', () => {
    assert.equal(total(lastMetrics, 'callquality.notifications.received'), 1);
    assert.equal(total(lastMetrics, 'callquality.notifications.refused', { 'callquality.refusal.reason': 'clientState' }), 1);
    assert.equal(total(lastMetrics, 'callquality.notifications.refused'), 1, 'nothing refused for another reason');
    assert.equal(total(lastMetrics, 'callquality.records.fetched'), 1);
    assert.equal(total(lastMetrics, 'callquality.graph.throttled'), 1);
    assert.equal(total(lastMetrics, 'callquality.graph.throttled', { 'callquality.graph.operation': 'GET /communications/callRecords/{id}' }), 1);
    assert.equal(total(lastMetrics, 'callquality.graph.retries', { 'callquality.retry.reason': '429' }), 1);
  });

  it('reports the inbox depth by state and the oldest pending age as gauges with units', () => {
    const done = lastMetrics.find((point) => point.metric === 'callquality.inbox.items' && point.attributes['callquality.inbox.state'] === 'done');
    assert.equal(done?.value, 1, 'the one call is done');
    assert.equal(done?.type, 'gauge');
    assert.equal(done?.unit, '{item}');
    const pending = lastMetrics.find((point) => point.metric === 'callquality.inbox.items' && point.attributes['callquality.inbox.state'] === 'pending');
    assert.equal(pending?.value ?? 0, 0);
    const age = lastMetrics.find((point) => point.metric === 'callquality.inbox.oldest_pending_age');
    assert.equal(age?.unit, 's');
    assert.equal(age?.value, 0, 'nothing is pending');
  });

  it("puts the delivery of the call's card into the call's trace, counts it as posted and records its latency", async () => {
    const traceId = callTraceIds(TENANT_A, CALL_ID).traceId;
    const deliveries = ourSpans.filter((span) => span.name === 'alert deliver');
    assert.equal(deliveries.length, 1, 'one card: the admins\' channel (the organizer has no chat with the bot)');
    assert.equal(deliveries[0]!.traceId, traceId);
    assert.equal(deliveries[0]!.attributes['callquality.alert.outcome'], 'sent');
    assert.equal(deliveries[0]!.attributes['callquality.alert.audience'], 'admins');
    assert.equal(connector.posts().length, 1, 'the card reached the Bot Connector');
    const points = receiver.metricExports().at(-1)!;
    assert.equal(total(points, 'callquality.alerts.posted'), 1);
    const latency = points.find((point) => point.metric === 'callquality.card.latency')!;
    assert.equal(latency.count, 1);
    assert.ok(latency.value > 0 && latency.value < 60, `notification to card in ${latency.value} s`);
  });

  it('exposes the delivery counters and the card latency histogram (seconds) for the delivery to call', async () => {
    const before = receiver.metricExports().at(-1)!;
    const postedBefore = total(before, 'callquality.alerts.posted');
    // The manual records carry no attributes: their own series, beside the delivery's.
    const unattributed = (point: ReceivedPoint) => point.metric === 'callquality.card.latency' && Object.keys(point.attributes).length === 0;
    assert.equal(before.some(unattributed), false);
    telemetry.countAlert('posted', { 'callquality.alert.target': 'channel' });
    telemetry.countAlert('posted', { 'callquality.alert.target': 'organizer' });
    telemetry.countAlert('updated');
    telemetry.countAlert('digested');
    telemetry.countAlert('failed');
    telemetry.recordCardLatency(90_000);
    telemetry.recordCardLatency(30_000);
    await telemetry.flush();
    const points = receiver.metricExports().at(-1)!;
    assert.equal(total(points, 'callquality.alerts.posted') - postedBefore, 2);
    assert.equal(total(points, 'callquality.alerts.posted', { 'callquality.alert.target': 'organizer' }), 1);
    assert.equal(total(points, 'callquality.alerts.updated'), 1);
    assert.equal(total(points, 'callquality.alerts.digested'), 1);
    assert.equal(total(points, 'callquality.alerts.failed'), 1);
    const latency = points.find(unattributed)!;
    assert.equal(latency.type, 'histogram');
    assert.equal(latency.unit, 's');
    assert.equal(latency.count, 2);
    assert.equal(latency.value, 120, '90 s + 30 s');
  });

  it('writes the trace and span ids on log lines written inside a span, and none outside', () => {
    const traceId = createHash('sha256').update(`${TENANT_A}:${CALL_ID}`).digest('hex').slice(0, 32);
    const scoredLine = logLines.find((line) => line.msg === 'call record scored' && line.callId === CALL_ID);
    assert.ok(scoredLine, 'the worker logged the scored call');
    assert.equal(scoredLine.trace_id, traceId);
    const process = ourSpans.find((span) => span.name === 'callRecord process' && span.attributes['callquality.outcome'] === 'scored')!;
    assert.equal(scoredLine.span_id, process.spanId, 'the line was written in the attempt that scored');
    assert.equal(scoredLine.trace_flags, '01');
    const retryLine = logLines.find((line) => line.msg === 'fetch failed; will retry' && line.callId === CALL_ID);
    assert.equal(retryLine?.trace_id, traceId);
    const outside = logLines.find((line) => typeof line.msg === 'string' && /dropped notifications/.test(line.msg));
    assert.ok(outside, 'the refused notification was logged');
    assert.notEqual(outside.trace_id, traceId, "a line outside the call's spans is not in its trace");
  });
});
