import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore, SQLITE_FILE_NAME } from '../../../src/store';
import { WalCheckpointer } from '../../../src/store/sqlite/wal-checkpointer';

const TENANT = 'tenant-a';

/** The calls in the database file itself, without its WAL: what a checkpoint has copied there. */
async function callsInDatabaseFile(dir: string): Promise<number> {
  const copy = path.join(dir, 'copy.sqlite');
  copyFileSync(path.join(dir, SQLITE_FILE_NAME), copy);
  const { DatabaseSync } = await import('node:sqlite');
  const db = new DatabaseSync(copy);
  try {
    // A copy taken while the thread writes can be torn: counted as nothing yet, and read again.
    const tables = db.prepare(`SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'work_items'`).get() as { n: number };
    if (Number(tables.n) === 0) return 0;
    return Number((db.prepare('SELECT COUNT(*) AS n FROM work_items').get() as { n: number }).n);
  } catch {
    return -1;
  } finally {
    db.close();
  }
}

/**
 * Runs `body` in a child process under tsx, as a bot process runs the store: JavaScript with
 * `openSqliteStore` and the data folder `dir` in scope, inside an async function.
 */
function runStoreScript(dir: string, body: string, timeout: number) {
  const store = JSON.stringify(path.resolve(__dirname, '../../../src/store'));
  const script = `const { openSqliteStore } = require(${store}); const dir = ${JSON.stringify(dir)}; (async () => { ${body} })();`;
  return spawnSync(process.execPath, ['--import', 'tsx', '--no-warnings', '-e', script], { encoding: 'utf8', timeout });
}

describe('SQLite WAL checkpoints on their own thread', () => {
  it('tells of a thread that cannot work once, with the reason (the bot logs it as a warning)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cqb-checkpoint-'));
    const failures: string[] = [];
    // A file in a folder that does not exist: the thread's connection cannot open it.
    const checkpointer = new WalCheckpointer(path.join(dir, 'missing', 'bot.sqlite'), { intervalMs: 10, onFailure: (message) => failures.push(message) });
    try {
      checkpointer.started();
      for (let waited = 0; failures.length === 0 && waited < 5_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(failures.length, 1, JSON.stringify(failures));
      assert.match(failures[0]!, /unable to open|cannot open|no such file/i);
    } finally {
      await checkpointer.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('opens its connection again at the next tick after a failed open, and then checkpoints', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cqb-checkpoint-'));
    const outcomes: Array<{ checkpointed: number } | { error: string }> = [];
    // The folder appears only after the thread's first tries failed (a file not there yet, locked for a moment).
    const checkpointer = new WalCheckpointer(path.join(dir, 'later', 'bot.sqlite'), { intervalMs: 10, onCheckpoint: (outcome) => outcomes.push(outcome) });
    try {
      checkpointer.started();
      for (let waited = 0; !outcomes.some((outcome) => 'error' in outcome) && waited < 5_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.ok(outcomes.some((outcome) => 'error' in outcome), 'the first open failed');
      mkdirSync(path.join(dir, 'later'));
      for (let waited = 0; !outcomes.some((outcome) => 'checkpointed' in outcome) && waited < 5_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.ok(
        outcomes.some((outcome) => 'checkpointed' in outcome),
        `checkpoints once the file can be opened: ${JSON.stringify(outcomes.slice(-2))}`,
      );
    } finally {
      await checkpointer.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('copies committed pages into the database file while the writer keeps its WAL, and stops at close', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cqb-checkpoint-'));
    const outcomes: Array<{ checkpointed: number } | { error: string }> = [];
    try {
      const store = openSqliteStore({ dataDir: dir }, { checkpoints: { intervalMs: 20, onCheckpoint: (outcome) => outcomes.push(outcome) } });
      try {
        // A start-up's writes (a direct enqueue here, a prune in the bot) start no thread.
        await store.inbox.enqueue([{ tenantId: TENANT, callId: 'swept', source: 'sweep' }], 1_000);
        await new Promise((resolve) => setTimeout(resolve, 100));
        assert.equal(outcomes.length, 0, JSON.stringify(outcomes));
        // 50 notifications in 50 commits: far below the writer's own (backstop) checkpoint of 10,000 pages.
        for (let index = 0; index < 50; index += 1) await store.inbox.enqueue([{ tenantId: TENANT, callId: `call-${index}`, source: 'notification' }], 1_000, { journal: true });
        // Applied to work_items (a count applies the journal), so that the file holds them once copied.
        assert.equal((await store.inbox.stats(1_000)).byState.pending, 51);
        const deadline = Date.now() + 5_000;
        // The thread's report of a checkpoint can arrive after the file already shows its pages: wait for both.
        const reported = () => outcomes.some((outcome) => 'checkpointed' in outcome && outcome.checkpointed > 0);
        while (((await callsInDatabaseFile(dir)) < 51 || !reported()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
        assert.equal(await callsInDatabaseFile(dir), 51);
        assert.ok(outcomes.some((outcome) => 'checkpointed' in outcome && outcome.checkpointed > 0), JSON.stringify(outcomes.slice(-3)));
        assert.deepEqual(outcomes.filter((outcome) => 'error' in outcome), []);
      } finally {
        await store.close();
      }
      const heard = outcomes.length;
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(outcomes.length, heard, 'no checkpoint after close');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves the checkpoints to the writer when switched off, as SQLite does by default', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cqb-checkpoint-'));
    try {
      const store = openSqliteStore({ dataDir: dir }, { checkpoints: false });
      try {
        for (let index = 0; index < 5; index += 1) await store.inbox.enqueue([{ tenantId: TENANT, callId: `call-${index}`, source: 'notification' }], 1_000, { journal: true });
        assert.equal((await store.inbox.stats(1_000)).byState.pending, 5);
        await new Promise((resolve) => setTimeout(resolve, 200));
        // Five small commits stay in the WAL until 1,000 pages (SQLite's default) are there.
        assert.equal(await callsInDatabaseFile(dir), 0);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lets a process that awaits close() go on after it (the thread stops referenced)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cqb-checkpoint-'));
    try {
      const run = runStoreScript(
        dir,
        `const store = openSqliteStore({ dataDir: dir });
        await store.inbox.enqueue([{ tenantId: 't', callId: 'c', source: 'notification' }], 1000, { journal: true });
        await store.close();
        process.stdout.write('after close');`,
        15_000,
      );
      assert.equal(run.stdout, 'after close', run.stderr);
      assert.equal(run.status, 0, run.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ends a process that never closes the store once its own work is done, with the thread running (the thread never keeps it alive)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cqb-checkpoint-exit-'));
    try {
      // As a shutdown whose store.close() was never reached (a step before it threw): the thread has run a while.
      const started = Date.now();
      const run = runStoreScript(
        dir,
        `const store = openSqliteStore({ dataDir: dir }, { checkpoints: { intervalMs: 10 } });
        await store.inbox.enqueue([{ tenantId: 't', callId: 'c', source: 'notification' }], 1000, { journal: true });
        await new Promise((resolve) => setTimeout(resolve, 200));
        process.stdout.write('done without close');`,
        10_000,
      );
      assert.equal(run.stdout, 'done without close');
      assert.equal(run.signal, null, `still running after ${Date.now() - started} ms: killed by the test's timeout`);
      assert.equal(run.status, 0, run.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
