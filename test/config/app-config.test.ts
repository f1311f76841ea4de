import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, isLoopbackHost, loadConfig, missingSetup, StartupError, unauthenticatedExposureWarning } from '../../src/config';
import { createLoopbackClientCertificate, writeClientCertificateFile } from '../support/loopback-certificates';

const APP_ID = '0d8d3c55-3a4e-4c8c-9d59-6d2c8d1e7a10';
const TENANT = 'dc368399-474c-4d40-900c-6265431fd81f';

/** The error `loadConfig` throws for an environment (fails the test when it does not throw). */
function refusal(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    assert.ok(error instanceof StartupError, 'a ConfigError is a start-up error (one line, exit 2)');
    return error;
  }
  assert.fail(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig: where the server listens', () => {
  it('listens on loopback without BOT_ID, and says so', () => {
    const config = loadConfig({});
    assert.equal(config.host, '127.0.0.1');
    assert.equal(unauthenticatedExposureWarning(config, 3978), undefined);
    assert.ok(missingSetup(config).some((line) => /BOT_ID is not set: .*listens on 127\.0\.0\.1 only/.test(line)));
  });

  it('listens on every interface with BOT_ID, or on HOST', () => {
    const credentials = { BOT_ID: APP_ID, BOT_PASSWORD: 'secret' };
    assert.equal(loadConfig(credentials).host, undefined);
    assert.equal(loadConfig({ ...credentials, HOST: '10.1.2.3' }).host, '10.1.2.3');
    assert.equal(loadConfig({ ...credentials, HOST: '[::]' }).host, '::');
    assert.equal(unauthenticatedExposureWarning(loadConfig(credentials), 3978), undefined);
  });

  it('accepts a loopback HOST without BOT_ID, and refuses another unless ALLOW_REMOTE_UNAUTHENTICATED=true', () => {
    assert.equal(loadConfig({ HOST: '::1' }).host, '::1');
    assert.equal(loadConfig({ HOST: 'localhost' }).host, 'localhost');
    const error = refusal({ HOST: '192.0.2.10' });
    assert.equal(error.variable, 'HOST');
    assert.match(error.message, /without authentication.*ALLOW_REMOTE_UNAUTHENTICATED=true/);
    assert.equal(loadConfig({ HOST: '192.0.2.10', ALLOW_REMOTE_UNAUTHENTICATED: 'true' }).host, '192.0.2.10');
  });

  it('warns about an unauthenticated bot the network can reach', () => {
    const everywhere = loadConfig({ ALLOW_REMOTE_UNAUTHENTICATED: 'true' });
    assert.equal(everywhere.host, undefined);
    assert.match(unauthenticatedExposureWarning(everywhere, 3978) ?? '', /^SECURITY: .*UNAUTHENTICATED requests on every network interface, port 3978/);
    assert.match(unauthenticatedExposureWarning(loadConfig({ ALLOW_REMOTE_UNAUTHENTICATED: 'true', HOST: '192.0.2.10' }), 80) ?? '', /on 192\.0\.2\.10, port 80/);
    assert.equal(unauthenticatedExposureWarning(loadConfig({ ALLOW_REMOTE_UNAUTHENTICATED: 'true', HOST: '127.0.0.1' }), 80), undefined);
  });

  it('refuses a HOST that is not an address', () => {
    assert.match(refusal({ HOST: 'my host' }).message, /HOST="my host" is not valid: must be an IP address/);
  });

  it('knows loopback addresses', () => {
    for (const host of ['127.0.0.1', '127.9.9.9', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) assert.ok(isLoopbackHost(host), host);
    for (const host of ['0.0.0.0', '::', '192.0.2.1', '::ffff:10.0.0.1', '128.0.0.1']) assert.ok(!isLoopbackHost(host), host);
  });
});

describe('loadConfig: bot credentials (checked before anything starts)', () => {
  it('needs BOT_PASSWORD with BOT_ID, except for a managed identity', () => {
    assert.match(refusal({ BOT_ID: APP_ID }).message, /BOT_PASSWORD is required when BOT_ID is set and BOT_TYPE=MultiTenant/);
    assert.match(refusal({ BOT_ID: APP_ID, BOT_TYPE: 'SingleTenant', BOT_TENANT_ID: TENANT }).message, /BOT_PASSWORD is required/);
    assert.equal(loadConfig({ BOT_ID: APP_ID, BOT_TYPE: 'UserAssignedMsi', BOT_TENANT_ID: TENANT }).bot.type, 'UserAssignedMsi');
  });

  it('refuses a password for a managed identity, without showing it', () => {
    const error = refusal({ BOT_ID: APP_ID, BOT_TYPE: 'UserAssignedMsi', BOT_TENANT_ID: TENANT, BOT_PASSWORD: 'do-not-show-me' });
    assert.equal(error.variable, 'BOT_PASSWORD');
    assert.ok(!error.message.includes('do-not-show-me'));
  });

  it('needs BOT_TENANT_ID for a managed identity and a single-tenant bot', () => {
    assert.equal(refusal({ BOT_ID: APP_ID, BOT_TYPE: 'UserAssignedMsi' }).variable, 'BOT_TENANT_ID');
    assert.equal(refusal({ BOT_ID: APP_ID, BOT_TYPE: 'SingleTenant', BOT_PASSWORD: 'x' }).variable, 'BOT_TENANT_ID');
  });

  it('ignores bot settings without BOT_ID (the playground)', () => {
    assert.equal(loadConfig({ BOT_TYPE: 'UserAssignedMsi', BOT_PASSWORD: 'left over' }).bot.id, undefined);
  });
});

describe('loadConfig: HEALTH_KEY and the Graph certificate', () => {
  let folder: string;
  before(() => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'cqb-config-'));
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  it('takes a HEALTH_KEY of 16 characters or more and never shows a short one', () => {
    assert.equal(loadConfig({ HEALTH_KEY: 'k'.repeat(16) }).healthKey, 'k'.repeat(16));
    const error = refusal({ HEALTH_KEY: 'short-key' });
    assert.match(error.message, /HEALTH_KEY=\(hidden\) is not valid: must be at least 16 characters/);
    assert.ok(!error.message.includes('short-key'));
  });

  it('reads the certificate at start-up and names the variable when it cannot be used', async () => {
    const good = writeClientCertificateFile(await createLoopbackClientCertificate(), folder);
    assert.equal(loadConfig({ GRAPH_CLIENT_CERTIFICATE_PATH: good }).graph.clientCertificatePath, good);
    const notes = path.join(folder, 'notes.pem');
    writeFileSync(notes, 'not a certificate');
    const error = refusal({ GRAPH_CLIENT_CERTIFICATE_PATH: notes });
    assert.equal(error.variable, 'GRAPH_CLIENT_CERTIFICATE_PATH');
    assert.match(error.message, /^Configuration error: GRAPH_CLIENT_CERTIFICATE_PATH: .*notes\.pem.*lacks the certificate/);
  });
});

describe('loadConfig: inbox retention', () => {
  it('keeps done inbox items 7 days unless told otherwise, and takes INBOX_RETENTION_DAYS', () => {
    assert.equal(loadConfig({}).inbox.retentionDays, 7);
    assert.equal(loadConfig({ INBOX_RETENTION_DAYS: '' }).inbox.retentionDays, 7, 'an empty value counts as not set');
    assert.equal(loadConfig({ INBOX_RETENTION_DAYS: '30' }).inbox.retentionDays, 30);
  });

  it('refuses an INBOX_RETENTION_DAYS under 2 days (inside the sweep\'s look-back) or not a whole number', () => {
    for (const value of ['1', '0', '3651', '2.5', 'week']) {
      const error = refusal({ INBOX_RETENTION_DAYS: value });
      assert.equal(error.variable, 'INBOX_RETENTION_DAYS');
      assert.match(error.message, new RegExp(`^Configuration error: INBOX_RETENTION_DAYS="${value}" is not valid: must be (2 to 3650 days|a whole number of days)\\.$`));
    }
  });
});

describe('loadConfig: history retention and the weekly report', () => {
  it('keeps 90 days and posts on Monday 09:00 UTC unless told otherwise', () => {
    const config = loadConfig({});
    assert.equal(config.history.days, 90);
    assert.equal(config.report.schedule.expression, '0 9 * * 1');
    assert.equal(config.report.schedule.timeZone, 'UTC');
    assert.equal(loadConfig({ HISTORY_DAYS: '', REPORT_SCHEDULE: '', REPORT_TIME_ZONE: '' }).history.days, 90, 'an empty value counts as not set');
  });

  it('takes HISTORY_DAYS, REPORT_SCHEDULE and REPORT_TIME_ZONE', () => {
    const config = loadConfig({ HISTORY_DAYS: '30', REPORT_SCHEDULE: '30 7 * * 5', REPORT_TIME_ZONE: 'Europe/Paris' });
    assert.equal(config.history.days, 30);
    // Friday 2026-03-27 07:30 in Paris (CET, UTC+1) is 06:30Z.
    assert.equal(config.report.schedule.nextAfter(Date.parse('2026-03-25T00:00:00Z')), Date.parse('2026-03-27T06:30:00Z'));
  });

  it('refuses a HISTORY_DAYS that is not a whole number of days from 1 to 3650', () => {
    for (const value of ['0', '3651', '7.5', 'ninety']) {
      const error = refusal({ HISTORY_DAYS: value });
      assert.equal(error.variable, 'HISTORY_DAYS');
      assert.match(error.message, new RegExp(`^Configuration error: HISTORY_DAYS="${value}" is not valid: must be (1 to 3650 days|a whole number of days)\\.$`));
    }
  });

  it('refuses a schedule that is not 5 cron fields, or a zone that is not IANA, naming the variable', () => {
    const schedule = refusal({ REPORT_SCHEDULE: '0 9 * *' });
    assert.equal(schedule.variable, 'REPORT_SCHEDULE');
    assert.match(schedule.message, /^Configuration error: REPORT_SCHEDULE: "0 9 \* \*" has 4 fields; it takes 5/);
    assert.equal(refusal({ REPORT_SCHEDULE: '0 25 * * 1' }).variable, 'REPORT_SCHEDULE');
    const zone = refusal({ REPORT_TIME_ZONE: 'Europe/Atlantis' });
    assert.equal(zone.variable, 'REPORT_TIME_ZONE');
    assert.match(zone.message, /^Configuration error: REPORT_TIME_ZONE: "Europe\/Atlantis" is not an IANA time zone name/);
    assert.doesNotMatch(zone.message, /\n/);
  });
});

describe('loadConfig: ALERT_FAILURES', () => {
  it('alerts on failed calls unless told off (an empty value counts as not set, any case)', () => {
    assert.equal(loadConfig({}).alerts.failures, true);
    assert.equal(loadConfig({ ALERT_FAILURES: '' }).alerts.failures, true);
    assert.equal(loadConfig({ ALERT_FAILURES: 'on' }).alerts.failures, true);
    assert.equal(loadConfig({ ALERT_FAILURES: 'off' }).alerts.failures, false);
    assert.equal(loadConfig({ ALERT_FAILURES: ' OFF ' }).alerts.failures, false);
  });

  it('refuses anything but on or off in one line naming the variable and the value', () => {
    const error = refusal({ ALERT_FAILURES: 'sometimes' });
    assert.equal(error.variable, 'ALERT_FAILURES');
    assert.equal(error.message, 'Configuration error: ALERT_FAILURES="sometimes" is not valid: must be on or off.');
  });
});

describe('loadConfig: ALERT_PARTICIPANTS', () => {
  it('tells no participant unless asked, and takes poor-side or raters', () => {
    assert.equal(loadConfig({}).alerts.participants, 'off');
    assert.equal(loadConfig({ ALERT_PARTICIPANTS: 'poor-side' }).alerts.participants, 'poor-side');
    assert.equal(loadConfig({ ALERT_PARTICIPANTS: 'raters' }).alerts.participants, 'raters');
  });

  it('refuses anything else in one line naming the variable and the value', () => {
    const error = refusal({ ALERT_PARTICIPANTS: 'everyone' });
    assert.equal(error.variable, 'ALERT_PARTICIPANTS');
    assert.match(error.message, /^Configuration error: ALERT_PARTICIPANTS="everyone" is not valid: .*off.*poor-side.*raters/);
    assert.ok(!error.message.includes('\n'));
  });
});
