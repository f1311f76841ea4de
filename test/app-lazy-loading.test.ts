import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..');

/** Packages an idle bot must not have loaded: each is needed only by a turn, a card, or a setting it does not have. */
const LOADED_ON_DEMAND = ['botbuilder', '@microsoft/teams-ai', 'adaptivecards-templating', '@azure/identity', '@azure/data-tables', '@opentelemetry/sdk-node'];

describe('app: what an idle bot loads', function () {
  this.timeout(60_000);

  it('starts on the embedded store and serves without loading Bot Framework, Teams AI, card templating, Azure or OpenTelemetry', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cqb-lazy-'));
    // A fresh process: this one has loaded everything for other tests.
    const script = `
      const { loadConfig } = require('./src/config');
      const { createLogger } = require('./src/logger');
      const { startApp } = require('./src/app');
      (async () => {
        const app = await startApp(loadConfig({ DATA_DIR: ${JSON.stringify(dataDir)}, PORT: '0' }), createLogger('silent'));
        const health = await fetch('http://127.0.0.1:' + app.port + '/healthz');
        const packages = new Set(Object.keys(require.cache).map((file) => {
          const at = file.lastIndexOf('node_modules' + require('node:path').sep);
          if (at < 0) return null;
          const parts = file.slice(at + 13).split(require('node:path').sep);
          return parts[0].startsWith('@') ? parts[0] + '/' + parts[1] : parts[0];
        }));
        await app.stop();
        process.stdout.write(JSON.stringify({ status: health.status, packages: [...packages] }));
      })();`;
    try {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', '--no-warnings=ExperimentalWarning', '-e', script], { cwd: ROOT });
      const { status, packages } = JSON.parse(stdout) as { status: number; packages: string[] };
      assert.equal(status, 200, 'the idle bot answers /healthz');
      assert.ok(packages.includes('restify'), 'the loaded packages are listed (restify serves)');
      assert.deepEqual(LOADED_ON_DEMAND.filter((name) => packages.includes(name)), []);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
