/**
 * Smoke test of the COMPILED output under plain `node` (no tsx): module loading bugs (such as
 * adaptivecards' ESM entry) only show here. Run by `npm test` after the build, as
 * `node dist/test/smoke/compiled-smoke.js`, from the repository root.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../support/free-port';
import { fixturePath } from '../support/graph-fixtures';
import { startCommand } from '../support/start-command';

const root = process.cwd();
const fixture = fixturePath('callrecord-v1-expanded-2024.json');
const run = promisify(execFile);
const checks: Array<[string, () => Promise<void>]> = [];
const check = (name: string, body: () => Promise<void>) => checks.push([name, body]);

check('the compiled CLI scores the 2024 seed record', async () => {
  const { stdout } = await run(process.execPath, [path.join(root, 'dist/src/cli/index.js'), 'score', fixture]);
  const report = JSON.parse(stdout);
  assert.equal(report.quality, 'good');
  assert.equal(report.alert, true);
  assert.equal(report.streams.length, 2);
});

check('the compiled alerts module loads adaptivecards and validates a card', async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const alerts = require(path.join(root, 'dist/src/alerts')) as typeof import('../../src/alerts');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const quality = require(path.join(root, 'dist/src/quality')) as typeof import('../../src/quality');
  const record = JSON.parse(readFileSync(fixture, 'utf8'));
  const report = quality.scoreCallRecord(record, quality.resolveScoringOptions({ profile: 'cqd-classic' }));
  const card = alerts.buildAlertCard({ report, summary: alerts.summarizeCall(record), audience: 'admins' });
  const validation = alerts.validateCard(card);
  assert.deepEqual(validation.errors, []);
  assert.equal(validation.ok, true);
});

/** Starts the compiled bot with the given settings and resolves once it listens; `stop` ends it. */
async function startCompiledBot(env: Record<string, string>): Promise<{ port: number; output: () => string; stop: () => Promise<void> }> {
  const port = await freePort();
  // As `npm start` runs it (its node flags: the heap as shipped), without the build before it (done by `npm test`).
  const { nodeFlags, script } = startCommand();
  const child = spawn(process.execPath, [...nodeFlags, path.join(root, script)], {
    env: { PATH: process.env.PATH, PORT: String(port), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  };
  try {
    await waitFor(() => output.includes('listening on port'), 20_000, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, output: () => output, stop };
}

check('npm start serves /healthz and the Graph handshake with no cloud configuration', async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cqb-smoke-'));
  const bot = await startCompiledBot({ DATA_DIR: dataDir });
  try {
    assert.match(bot.output(), /Graph is not configured/);
    const health = await fetch(`http://127.0.0.1:${bot.port}/healthz`);
    assert.equal(health.status, 200);
    const body = (await health.json()) as { inbox?: unknown };
    assert.ok(body.inbox, 'the health report shows the inbox');
    const handshake = await fetch(`http://127.0.0.1:${bot.port}/api/notifications?validationToken=hello`, { method: 'POST' });
    assert.equal(await handshake.text(), 'hello');
  } finally {
    await bot.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

check('npm start takes a Graph change notification: 202 once it is in the SQLite journal, and the inbox counts it', async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { changeNotification } = require(path.join(root, 'dist/test/support/change-notification')) as typeof import('../support/change-notification');
  const tenantId = 'dc368399-474c-4d40-900c-6265431fd81f';
  const clientState = 'smoke-client-state-0123456789abcdef';
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cqb-smoke-'));
  // Graph is configured but unreachable: the call stays in the inbox, to be fetched later.
  const bot = await startCompiledBot({
    DATA_DIR: dataDir,
    GRAPH_TENANT_IDS: tenantId,
    GRAPH_CLIENT_ID: '33333333-3333-4333-8333-333333333333',
    GRAPH_CLIENT_SECRET: 'smoke-secret-value',
    AUTHORITY_HOST: 'https://127.0.0.1:9',
    NOTIFICATION_CLIENT_STATE: clientState,
  });
  try {
    const body = { value: [changeNotification(tenantId, clientState, '2f1b9c3e-0000-4000-8000-000000000001')] };
    const posted = await fetch(`http://127.0.0.1:${bot.port}/api/notifications`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(posted.status, 202);
    const health = (await (await fetch(`http://127.0.0.1:${bot.port}/healthz`)).json()) as { inbox?: { byState?: Record<string, number> } };
    const items = Object.values(health.inbox?.byState ?? {}).reduce((sum, count) => sum + count, 0);
    assert.equal(items, 1, JSON.stringify(health.inbox));
    assert.doesNotMatch(bot.output(), /checkpoint thread failed/);
  } finally {
    await bot.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

check('npm start with STORE=azure loads the Azure engine and serves /healthz from Azurite', async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startAzurite } = require(path.join(root, 'dist/test/support/azurite')) as typeof import('../support/azurite');
  const azurite = await startAzurite();
  try {
    const bot = await startCompiledBot({ STORE: 'azure', AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, AZURE_STORAGE_PREFIX: 'smoke' });
    try {
      assert.match(bot.output(), /"store":"azure"/);
      const health = (await (await fetch(`http://127.0.0.1:${bot.port}/healthz`)).json()) as { status?: string; inbox?: { byState?: unknown } };
      assert.equal(health.status, 'ok');
      assert.ok(health.inbox?.byState, 'the inbox is read from Azure Storage');
    } finally {
      await bot.stop();
    }
  } finally {
    await azurite.stop();
  }
});

async function waitFor(condition: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`Timed out; output so far:\n${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function main(): Promise<void> {
  let passed = 0;
  let failed = 0;
  for (const [name, body] of checks) {
    try {
      await body();
      passed += 1;
      process.stdout.write(`  ok   ${name}\n`);
    } catch (error) {
      failed += 1;
      process.stdout.write(`  FAIL ${name}\n${(error as Error).stack}\n`);
    }
  }
  process.stdout.write(`smoke: ${passed} passed, ${failed} failed\n`);
  process.exitCode = failed === 0 ? 0 : 1;
}

void main();
