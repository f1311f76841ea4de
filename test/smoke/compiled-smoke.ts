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

const root = process.cwd();
const fixture = path.resolve(root, '..', 'shared', 'fixtures', 'graph', 'callrecord-v1-expanded-2024.json');
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

check('npm start serves /healthz and the Graph handshake with no cloud configuration', async () => {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cqb-smoke-'));
  const child = spawn(process.execPath, [path.join(root, 'dist/src/index.js')], {
    env: { PATH: process.env.PATH, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  try {
    await waitFor(() => output.includes('listening on port'), 15_000, () => output);
    assert.match(output, /Graph is not configured/);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(health.status, 200);
    const body = (await health.json()) as { inbox?: unknown };
    assert.ok(body.inbox, 'the health report shows the inbox');
    const handshake = await fetch(`http://127.0.0.1:${port}/api/notifications?validationToken=hello`, { method: 'POST' });
    assert.equal(await handshake.text(), 'hello');
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
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
