import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { disabledTelemetry, TelemetrySettingsError, telemetrySettingsFrom } from '../../src/telemetry';

const CONNECTION_STRING = 'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/';

describe('telemetrySettingsFrom', () => {
  it('is off when neither Application Insights nor an OTLP endpoint is configured', () => {
    assert.deepEqual(telemetrySettingsFrom({}), { exporter: 'none' });
    assert.deepEqual(telemetrySettingsFrom({ APPLICATIONINSIGHTS_CONNECTION_STRING: '  ', OTEL_EXPORTER_OTLP_ENDPOINT: '' }), { exporter: 'none' });
  });

  it('prefers Azure Monitor when the connection string is set, even beside an OTLP endpoint', () => {
    const settings = telemetrySettingsFrom({ APPLICATIONINSIGHTS_CONNECTION_STRING: CONNECTION_STRING, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4318' });
    assert.equal(settings.exporter, 'azure-monitor');
    assert.equal(settings.exporter === 'azure-monitor' && settings.connectionString, CONNECTION_STRING);
    assert.equal(settings.exporter === 'azure-monitor' && settings.serviceName, 'call-quality-bot');
  });

  it('appends /v1/<signal> to OTEL_EXPORTER_OTLP_ENDPOINT and takes per-signal endpoints as they are', () => {
    const settings = telemetrySettingsFrom({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'https://logs.example/ingest',
      OTEL_SERVICE_NAME: 'cqb-prod',
    });
    assert.deepEqual(settings, {
      exporter: 'otlp',
      serviceName: 'cqb-prod',
      tracesUrl: 'http://collector:4318/v1/traces',
      metricsUrl: 'http://collector:4318/v1/metrics',
      logsUrl: 'https://logs.example/ingest',
      metricExportIntervalMs: 60_000,
    });
    const tracesOnly = telemetrySettingsFrom({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' });
    assert.equal(tracesOnly.exporter === 'otlp' && tracesOnly.metricsUrl, undefined, 'a signal without an endpoint is not exported');
  });

  it('honours OTEL_SDK_DISABLED', () => {
    assert.deepEqual(telemetrySettingsFrom({ OTEL_SDK_DISABLED: 'true', APPLICATIONINSIGHTS_CONNECTION_STRING: CONNECTION_STRING }), { exporter: 'none' });
  });

  it('refuses unusable values with a sentence naming the variable', () => {
    const cases: Array<[NodeJS.ProcessEnv, RegExp]> = [
      [{ APPLICATIONINSIGHTS_CONNECTION_STRING: 'not-a-connection-string' }, /APPLICATIONINSIGHTS_CONNECTION_STRING is not an Application Insights connection string/],
      [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, /OTEL_EXPORTER_OTLP_ENDPOINT="collector:4318" is not an http\(s\) URL/],
      [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, /OTEL_EXPORTER_OTLP_PROTOCOL="grpc" is not supported/],
      [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_METRIC_EXPORT_INTERVAL: 'soon' }, /OTEL_METRIC_EXPORT_INTERVAL="soon"/],
    ];
    for (const [env, message] of cases) {
      assert.throws(() => telemetrySettingsFrom(env), (error: unknown) => error instanceof TelemetrySettingsError && message.test(error.message));
    }
  });
});

describe('startTelemetry without an exporter', () => {
  it('resolves to telemetry that does nothing and loads no OpenTelemetry package', function () {
    this.timeout(60_000);
    // A fresh process: this one has loaded OpenTelemetry for other tests.
    const script = `
      const { startTelemetry } = require('./src/telemetry');
      startTelemetry({}).then(async (telemetry) => {
        const value = await telemetry.withCallSpan('x', 't', 'c', {}, () => 42);
        const loaded = Object.keys(require.cache).filter((file) => /[\\\\/]node_modules[\\\\/]@(opentelemetry|azure[\\\\/]monitor-opentelemetry)/.test(file));
        process.stdout.write(JSON.stringify({ enabled: telemetry.enabled, value, loaded, fields: telemetry.logFields() }));
      });`;
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--eval', script], { cwd: path.resolve(__dirname, '../..'), encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), { enabled: false, value: 42, loaded: [], fields: {} });
  });

  it('runs the wrapped work and passes its errors through', async () => {
    const telemetry = disabledTelemetry();
    await assert.rejects(
      telemetry.withSpan('x', {}, () => {
        throw new Error('The work failed.');
      }),
      /The work failed\./,
    );
    assert.equal(await telemetry.withCallSpan('x', 't', 'c', {}, async () => 'done'), 'done');
  });
});
