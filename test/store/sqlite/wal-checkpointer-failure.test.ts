import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** A WAL frame: a 4 KiB page and its 24-byte header. */
const FRAME_BYTES = 4096 + 24;

describe('SQLite WAL checkpoints: the thread failed', () => {
  it("gives the checkpoints back to the writer at SQLite's own 1,000 pages, so the WAL does not grow to the backstop's 10,000", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cqb-checkpoint-failed-'));
    try {
      mkdirSync(path.join(dir, 'elsewhere'));
      const store = JSON.stringify(path.resolve(__dirname, '../../../src/store'));
      // The store is opened at a relative folder; the process then works from another folder, so the
      // thread (which opens the file by the same relative path) cannot open it: it fails at start.
      const script = `
        const { statSync } = require('node:fs');
        const { openSqliteStore, SQLITE_FILE_NAME } = require(${store});
        (async () => {
          const failures = [];
          const store = openSqliteStore({ dataDir: 'data' }, { checkpoints: { intervalMs: 10, onFailure: (message) => failures.push(message) } });
          process.chdir('elsewhere');
          const note = (n) => ({ tenantId: 't', callId: 'call-' + n, source: 'notification' });
          await store.inbox.enqueue([note(0)], 1000, { journal: true });
          for (let waited = 0; failures.length === 0 && waited < 5000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
          // One commit each: a frame or more of the WAL per write.
          for (let n = 1; n <= 3000; n += 1) await store.inbox.enqueue([note(n)], 1000 + n, { journal: true });
          const wal = statSync(${JSON.stringify(path.join(dir, 'data'))} + '/' + SQLITE_FILE_NAME + '-wal').size;
          await store.close();
          process.stdout.write(JSON.stringify({ failures, wal }));
        })();`;
      // tsx by its file: the process works from the temporary folder.
      const tsx = pathToFileURL(path.resolve(__dirname, '../../../node_modules/tsx/dist/loader.mjs')).href;
      const run = spawnSync(process.execPath, ['--import', tsx, '--no-warnings', '-e', script], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
      assert.equal(run.status, 0, run.stderr);
      const { failures, wal } = JSON.parse(run.stdout) as { failures: string[]; wal: number };
      assert.equal(failures.length, 1);
      assert.match(failures[0]!, /unable to open|cannot open/i);
      // 3,000 commits: past 1,000 pages the writer checkpoints and starts the WAL over.
      assert.ok(wal <= 1_100 * FRAME_BYTES, `WAL of ${Math.round(wal / FRAME_BYTES)} frames`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
