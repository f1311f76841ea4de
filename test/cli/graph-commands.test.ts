import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setProfileOverride } from '../../src/settings';
import { openSqliteStore } from '../../src/store';
import { CLIENT_ID, CLIENT_SECRET, TENANT_A, startGraphTestEnvironment, type GraphTestEnvironment } from '../graph/graph-test-environment';
import { runInProcess } from './cli-harness';
import { fixturePath } from '../support/graph-fixtures';

const SEED = fixturePath('callrecord-v1-expanded-2024.json');
const CALL = 'e523d2ed-2966-4b6b-925b-754a88034cc5';

describe('cli fetch, subscribe, backfill and inbox against a loopback Graph', function () {
  this.timeout(30_000);
  let env: GraphTestEnvironment;
  let dataDir: string;
  const saved = { ...process.env };

  before(async () => {
    env = await startGraphTestEnvironment();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'cqb-cli-graph-'));
    const seed = JSON.parse(readFileSync(SEED, 'utf8')) as Record<string, unknown>;
    delete seed['sessions@odata.nextLink'];
    env.graph.putRecord({ ...seed, id: CALL, startDateTime: new Date(Date.now() - 3_600_000).toISOString() } as { id: string }, { sessionPageSize: 1 });
    // The commands read their configuration from the environment, as they do for an admin.
    Object.assign(process.env, {
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      GRAPH_TENANT_IDS: TENANT_A,
      GRAPH_CLIENT_ID: CLIENT_ID,
      GRAPH_CLIENT_SECRET: CLIENT_SECRET,
      GRAPH_BASE_URL: env.graph.url,
      AUTHORITY_HOST: env.tokenServer.url,
      NOTIFICATION_URL: 'https://bot.example/api/notifications',
      NOTIFICATION_CLIENT_STATE: 'cli-client-state-0123456789',
    });
  });
  after(async () => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    await env.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('fetch prints the scored record, every session page followed', async () => {
    const outcome = await runInProcess(['fetch', CALL, '--profile', 'cqd-classic']);
    assert.equal(outcome.code, 0, outcome.stderr);
    const report = JSON.parse(outcome.stdout);
    assert.equal(report.callId, CALL);
    assert.equal(report.profile, 'cqd-classic');
    assert.equal(report.quality, 'poor');
    assert.equal(report.streams.length, 2);
  });

  it("fetch without flags scores with what admins set in Teams, as the bot's check does", async () => {
    const before = await runInProcess(['fetch', CALL]);
    assert.equal(before.code, 0, before.stderr);
    assert.equal(JSON.parse(before.stdout).profile, 'cqd', 'the configured profile while nobody changed it');
    const store = openSqliteStore({ dataDir });
    try {
      // What "profile cqd-classic" in Teams stores for the tenant.
      await setProfileOverride(store, TENANT_A, {}, 'cqd-classic', null, Date.now());
    } finally {
      await store.close();
    }
    const after = await runInProcess(['fetch', CALL]);
    assert.equal(after.code, 0, after.stderr);
    assert.equal(JSON.parse(after.stdout).profile, 'cqd-classic', "the admins' profile");
    const flagged = await runInProcess(['fetch', CALL, '--profile', 'cqd']);
    assert.equal(JSON.parse(flagged.stdout).profile, 'cqd', 'a flag still wins');
  });

  it('fetch of a record Graph does not have exits 1 with one line saying so', async () => {
    const outcome = await runInProcess(['fetch', 'ffffffff-0000-4000-8000-000000000000']);
    assert.equal(outcome.code, 1);
    assert.equal(outcome.stdout, '');
    assert.match(outcome.stderr, /^Graph: .*404[^\n]*\n$/);
  });

  it('fetch without Graph credentials names the missing variable', async () => {
    const secret = process.env.GRAPH_CLIENT_SECRET;
    delete process.env.GRAPH_CLIENT_SECRET;
    try {
      const outcome = await runInProcess(['fetch', CALL]);
      assert.equal(outcome.code, 2);
      assert.match(outcome.stderr, /GRAPH_CLIENT_SECRET/);
    } finally {
      process.env.GRAPH_CLIENT_SECRET = secret;
    }
  });

  it('subscribe creates the subscription, and prints it', async () => {
    const outcome = await runInProcess(['subscribe']);
    assert.equal(outcome.code, 0, outcome.stderr);
    const [state] = JSON.parse(outcome.stdout);
    assert.equal(state.tenantId, TENANT_A);
    assert.equal(state.notificationUrl, 'https://bot.example/api/notifications');
    assert.deepEqual(env.graph.subscriptions(TENANT_A).map((s) => s.id), [state.subscriptionId]);
  });

  it('backfill enqueues what started since the time, with a progress line', async () => {
    const outcome = await runInProcess(['backfill', '--since', new Date(Date.now() - 2 * 3_600_000).toISOString()]);
    assert.equal(outcome.code, 0, outcome.stderr);
    const [result] = JSON.parse(outcome.stdout);
    assert.equal(result.listed, 1);
    assert.equal(result.enqueued, 1);
    assert.match(outcome.stderr, /1 listed, 1 enqueued/);
    const store = openSqliteStore({ dataDir });
    try {
      assert.equal((await store.inbox.get(TENANT_A, CALL))?.source, 'backfill');
    } finally {
      await store.close();
    }
  });

  it('backfill refuses a time it cannot read', async () => {
    const outcome = await runInProcess(['backfill', '--since', 'last tuesday']);
    assert.equal(outcome.code, 2);
    assert.match(outcome.stderr, /ISO 8601/);
  });

  it('inbox shows counts and dead items with their reasons', async () => {
    const store = openSqliteStore({ dataDir });
    try {
      await store.inbox.enqueue([{ tenantId: TENANT_A, callId: 'dead-call', source: 'notification' }], Date.now());
      const claimed = await store.inbox.claim(Date.now(), 10, 60_000);
      const dead = claimed.find((item) => item.callId === 'dead-call')!;
      await store.inbox.kill(dead, Date.now(), 'Graph still answered 404 Not Found 151 minutes after the call ended.');
      for (const item of claimed.filter((i) => i !== dead)) await store.inbox.complete(item, Date.now());
    } finally {
      await store.close();
    }
    const outcome = await runInProcess(['inbox']);
    assert.equal(outcome.code, 0, outcome.stderr);
    const inbox = JSON.parse(outcome.stdout);
    assert.equal(inbox.byState.dead, 1);
    assert.equal(inbox.dead[0].callId, 'dead-call');
    assert.match(inbox.dead[0].reason, /404/);
  });
});
