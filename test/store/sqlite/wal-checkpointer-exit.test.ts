import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

describe('SQLite WAL checkpoints: a process that never closes the store', () => {
  it('ends once its own work is done, with the checkpoint thread running (the thread never keeps it alive)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cqb-checkpoint-exit-'));
    try {
      const store = JSON.stringify(path.resolve(__dirname, '../../../src/store'));
      // As a shutdown whose store.close() was never reached (a step before it threw): the thread has run a while.
      const script = `
        const { openSqliteStore } = require(${store});
        (async () => {
          const store = openSqliteStore({ dataDir: ${JSON.stringify(dir)} }, { checkpoints: { intervalMs: 10 } });
          await store.inbox.enqueue([{ tenantId: 't', callId: 'c', source: 'notification' }], 1000, { journal: true });
          await new Promise((resolve) => setTimeout(resolve, 200));
          process.stdout.write('done without close');
        })();`;
      const started = Date.now();
      const run = spawnSync(process.execPath, ['--import', 'tsx', '--no-warnings', '-e', script], { encoding: 'utf8', timeout: 10_000 });
      assert.equal(run.stdout, 'done without close');
      assert.equal(run.signal, null, `still running after ${Date.now() - started} ms: killed by the test's timeout`);
      assert.equal(run.status, 0, run.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
