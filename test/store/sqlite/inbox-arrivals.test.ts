import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore, SQLITE_FILE_NAME } from '../../../src/store';
import { FOLD_BATCH } from '../../../src/store/sqlite/inbox-arrivals';
import type { EnqueueRequest } from '../../../src/store';

const TENANT = 'tenant-a';
const notification = (callId: string): EnqueueRequest => ({ tenantId: TENANT, callId, source: 'notification' });
const LEASE_MS = 60_000;

/**
 * Runs `read` while `everyTurn` runs at every turn of the event loop (a webhook that never pauses),
 * at most `maxTurns` times so that the test ends either way; resolves to the read's answer and how
 * many turns ran while it was under way.
 */
async function readDuringBurst<T>(read: () => Promise<T>, everyTurn: (turn: number) => void, maxTurns: number): Promise<{ answer: T; turnsDuringRead: number; turns: number }> {
  let turns = 0;
  let stopped = false;
  const writer = new Promise<void>((resolve) => {
    const write = () => {
      if (stopped || turns === maxTurns) return resolve();
      turns += 1;
      everyTurn(turns);
      setImmediate(write);
    };
    setImmediate(write);
  });
  const answer = await read();
  const turnsDuringRead = turns;
  stopped = true;
  await writer;
  return { answer, turnsDuringRead, turns };
}

describe('SQLite inbox: the webhook journal', () => {
  it('writes a journaled batch as appends only, in one commit, and touches no work item', async () => {
    const statements: string[] = [];
    const store = openSqliteStore({ path: ':memory:' }, { onStatement: (text) => statements.push(text) });
    try {
      await store.inbox.enqueue([notification('a'), notification('b'), notification('c')], 1_000, { journal: true });
      // BEGIN, one INSERT per notification, COMMIT: three notifications, so five statements.
      assert.equal(statements.length, 5, statements.join('\n'));
      assert.equal(statements.filter((text) => text.startsWith('INSERT INTO inbox_arrivals')).length, 3);
      assert.equal(statements.filter((text) => text.includes('work_items')).length, 0);
    } finally {
      await store.close();
    }
  });

  it('makes journaled calls claimable, each enqueued at the time it arrived, and empties the journal', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    try {
      await store.inbox.enqueue([notification('a')], 1_000, { journal: true });
      await store.inbox.enqueue([notification('b'), notification('a')], 2_000, { journal: true });
      const claimed = await store.inbox.claim(3_000, 10, LEASE_MS);
      assert.deepEqual(claimed.map((item) => item.callId).sort(), ['a', 'b']);
      // 'a' came first at 1,000; its second notification found it pending and due, which changes nothing.
      assert.equal(claimed.find((item) => item.callId === 'a')?.enqueuedAt, 1_000);
      assert.equal(claimed.find((item) => item.callId === 'b')?.enqueuedAt, 2_000);
      assert.deepEqual(await store.inbox.claim(3_000, 10, LEASE_MS), []);
    } finally {
      await store.close();
    }
  });

  it('applies the inbox rules to known calls: a done call is revived, a leased one is processed again after its lease', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    try {
      await store.inbox.enqueue([notification('done'), notification('leased')], 1_000);
      const [first, second] = await store.inbox.claim(1_000, 10, LEASE_MS);
      const done = [first, second].find((item) => item?.callId === 'done')!;
      const leased = [first, second].find((item) => item?.callId === 'leased')!;
      assert.equal(await store.inbox.complete(done, 2_000), true);
      await store.inbox.enqueue([notification('done'), notification('leased')], 3_000, { journal: true });
      const revived = await store.inbox.claim(4_000, 10, LEASE_MS);
      assert.deepEqual(revived.map((item) => item.callId), ['done']);
      assert.equal(revived[0]!.enqueuedAt, 3_000);
      // The notification during the lease makes completing it pending again, due at once.
      assert.equal(await store.inbox.complete(leased, 5_000), true);
      assert.equal((await store.inbox.get(TENANT, 'leased'))?.state, 'pending');
      assert.deepEqual((await store.inbox.claim(5_000, 10, LEASE_MS)).map((item) => item.callId), ['leased']);
    } finally {
      await store.close();
    }
  });

  it('counts and reads journaled calls before any claim', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    try {
      await store.inbox.enqueue([notification('a'), notification('b')], 1_000, { journal: true });
      assert.equal((await store.inbox.get(TENANT, 'a'))?.state, 'pending');
      const stats = await store.inbox.stats(1_500);
      assert.equal(stats.byState.pending, 2);
      assert.equal(stats.oldestPendingAgeMs, 500);
    } finally {
      await store.close();
    }
  });

  it('counts a backlog of several batches whole, applying it a batch per transaction', async () => {
    const statements: string[] = [];
    const store = openSqliteStore({ path: ':memory:' }, { onStatement: (text) => statements.push(text) });
    try {
      const backlog = 2 * FOLD_BATCH + 5;
      await store.inbox.enqueue(Array.from({ length: backlog }, (_, index) => notification(`call-${index}`)), 1_000, { journal: true });
      statements.length = 0;
      assert.equal((await store.inbox.stats(1_000)).byState.pending, backlog);
      // Three batches (500, 500, 5), each its own commit.
      assert.equal(statements.filter((text) => text === 'COMMIT').length, 3);
    } finally {
      await store.close();
    }
  });

  it('ends a read under an endless burst, answering with the journal as it was when the read began', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    try {
      const atCall = 2 * FOLD_BATCH + 5;
      await store.inbox.enqueue(Array.from({ length: atCall }, (_, index) => notification(`before-${index}`)), 1_000, { journal: true });
      // The webhook keeps writing more than a batch every turn of the event loop while the read folds.
      // Bounded so that the test ends either way: a read that folds whatever arrives ends only when the writer stops.
      const MAX_TURNS = 40;
      const { answer: stats, turnsDuringRead, turns } = await readDuringBurst(
        () => store.inbox.stats(3_000),
        (turn) => void store.inbox.enqueue(Array.from({ length: FOLD_BATCH + 1 }, (_, index) => notification(`during-${turn}-${index}`)), 2_000, { journal: true }),
        MAX_TURNS,
      );
      assert.ok(turnsDuringRead > 0, 'the writer wrote while the read folded');
      assert.ok(turnsDuringRead < MAX_TURNS, `the read ended while the burst went on (it ended after ${turnsDuringRead} of ${MAX_TURNS} turns)`);
      assert.equal(stats.byState.pending, atCall);
      // What arrived during the read is applied by the next one, none lost.
      assert.equal((await store.inbox.stats(3_000)).byState.pending, atCall + turns * (FOLD_BATCH + 1));
    } finally {
      await store.close();
    }
  });

  it('ends a read when a claim empties the journal meanwhile and new notifications take its old places', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    try {
      const atCall = 2 * FOLD_BATCH;
      await store.inbox.enqueue(Array.from({ length: atCall }, (_, index) => notification(`before-${index}`)), 1_000, { journal: true });
      // Every turn: a claim folds a batch, which empties the journal, and the webhook appends a backlog
      // that SQLite numbers from 1 again (the journal's places are rowids, handed out anew once it is empty).
      const MAX_TURNS = 40;
      const { answer: stats, turnsDuringRead } = await readDuringBurst(
        () => store.inbox.stats(3_000),
        (turn) =>
          void store.inbox.claim(2_000, 1, LEASE_MS).then(() =>
            store.inbox.enqueue(Array.from({ length: atCall }, (_, index) => notification(`during-${turn}-${index}`)), 2_000, { journal: true }),
          ),
        MAX_TURNS,
      );
      assert.ok(turnsDuringRead < MAX_TURNS, `the read ended while the claims and the burst went on (it ended after ${turnsDuringRead} of ${MAX_TURNS} turns)`);
      assert.ok(stats.byState.pending + stats.byState.leased >= atCall, 'what was journaled at the call is counted');
    } finally {
      await store.close();
    }
  });

  it('applies a burst a batch per claim, so no claim holds the event loop for the whole backlog', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    try {
      const burst = Array.from({ length: FOLD_BATCH + 20 }, (_, index) => notification(`call-${index}`));
      await store.inbox.enqueue(burst, 1_000, { journal: true });
      const first = await store.inbox.claim(2_000, FOLD_BATCH + 20, LEASE_MS);
      assert.equal(first.length, FOLD_BATCH);
      const second = await store.inbox.claim(2_000, FOLD_BATCH + 20, LEASE_MS);
      assert.equal(second.length, 20);
      assert.equal(new Set([...first, ...second].map((item) => item.callId)).size, FOLD_BATCH + 20);
    } finally {
      await store.close();
    }
  });

  it('orders a direct enqueue after the journaled ones before it', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    try {
      await store.inbox.enqueue([notification('a')], 1_000, { journal: true });
      // The sweep's onlyIfUnseen finds 'a' seen (from the journal) and leaves it as the notification made it.
      assert.equal(await store.inbox.enqueue([{ tenantId: TENANT, callId: 'a', source: 'sweep' }], 2_000, { onlyIfUnseen: true }), 0);
      const item = await store.inbox.get(TENANT, 'a');
      assert.equal(item?.source, 'notification');
      assert.equal(item?.enqueuedAt, 1_000);
    } finally {
      await store.close();
    }
  });

  it('opens a file made before the journal existed, keeping its items, and journals into it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cqb-arrivals-'));
    try {
      const { DatabaseSync } = await import('node:sqlite');
      // The work_items table as it was before the journal, with one pending item.
      const old = new DatabaseSync(path.join(dir, SQLITE_FILE_NAME));
      old.exec(`PRAGMA journal_mode = WAL;
        CREATE TABLE work_items (
          tenant_id TEXT NOT NULL, call_id TEXT NOT NULL, state TEXT NOT NULL, source TEXT NOT NULL,
          attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL,
          lease_token TEXT, lease_until INTEGER, enqueued_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
          last_error TEXT, call_ended_at INTEGER, requeue INTEGER NOT NULL DEFAULT 0,
          PRIMARY KEY (tenant_id, call_id));
        CREATE INDEX work_items_due ON work_items (state, next_attempt_at);
        INSERT INTO work_items (tenant_id, call_id, state, source, next_attempt_at, enqueued_at, updated_at)
          VALUES ('${TENANT}', 'old', 'pending', 'notification', 500, 500, 500);`);
      old.close();
      const store = openSqliteStore({ dataDir: dir });
      try {
        await store.inbox.enqueue([notification('new')], 1_000, { journal: true });
        const claimed = await store.inbox.claim(2_000, 10, LEASE_MS);
        assert.deepEqual(claimed.map((item) => item.callId).sort(), ['new', 'old']);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
