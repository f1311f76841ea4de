import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../src/store';
import type { CallQualityReport } from '../../src/quality';
import { killBotProcess, startBotProcess, type BotProcess } from '../support/bot-process';
import { createLoopbackTlsCertificate } from '../support/loopback-certificates';
import { startLoopbackGraph, type LoopbackGraph } from '../support/loopback-graph';
import { seededRandom } from '../support/seeded-random';
import { seedCallRecord } from '../support/seed-call-record';
import { startLoopbackTokenServer, type LoopbackTokenServer } from '../support/loopback-token-server';
import { freePort } from '../support/free-port';

const TENANT = '11111111-1111-4111-8111-111111111111';
const CLIENT_ID = '33333333-3333-4333-8333-333333333333';
const CLIENT_SECRET = 'crash-test-secret~value';
const CLIENT_STATE = 'crash-test-client-state-0123456789';
const RECORDS = 300;
/** SIGKILLs while the bot drains. */
const KILLS = 4;

const callId = (n: number) => `cccccccc-0000-4000-8000-${String(n).padStart(12, '0')}`;
const record = (id: string, version: number) => seedCallRecord({ id, version });


describe('crash recovery: the bot killed with SIGKILL while it drains', function () {
  this.timeout(240_000);
  let graph: LoopbackGraph;
  let tokens: LoopbackTokenServer;
  let dir: string;

  before(async () => {
    const tls = await createLoopbackTlsCertificate();
    dir = mkdtempSync(path.join(os.tmpdir(), 'cqb-crash-'));
    writeFileSync(path.join(dir, 'ca.pem'), tls.cert);
    tokens = await startLoopbackTokenServer({ tls, apps: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }], tenants: [TENANT] });
    graph = await startLoopbackGraph({ verifyAccessToken: tokens.verifyAccessToken });
  });
  after(async () => {
    await Promise.all([graph.close(), tokens.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('processes every record once per version, loses none, across random kills', async () => {
    const random = seededRandom(Number(process.env.CRASH_SEED ?? 20261122));
    const port = await freePort();
    const dataDir = path.join(dir, 'data');
    const env = {
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      GRAPH_TENANT_IDS: TENANT,
      GRAPH_CLIENT_ID: CLIENT_ID,
      GRAPH_CLIENT_SECRET: CLIENT_SECRET,
      GRAPH_BASE_URL: graph.url,
      AUTHORITY_HOST: tokens.url,
      NOTIFICATION_CLIENT_STATE: CLIENT_STATE,
      NODE_EXTRA_CA_CERTS: path.join(dir, 'ca.pem'),
      // A killed process's leases must run out quickly for the next one to take its items.
      WORKER_LEASE_SECONDS: '2',
      WORKER_CONCURRENCY: '8',
    };
    const ids = Array.from({ length: RECORDS }, (_, i) => callId(i));
    for (const id of ids) graph.putRecord(record(id, 1));
    // Slow Graph answers widen the window in which a kill lands mid-fetch.
    graph.delayNext(2 * RECORDS, 20);

    let child: BotProcess | undefined;
    /** Set while the kill loop restarts the bot, so that the notification loop does not start a second one. */
    let restarting = false;
    const startChild = async () => {
      child = await startBotProcess({ env, port, startTimeoutMs: 30_000 });
    };
    const kill = () => killBotProcess(child!);
    const notify = async (batch: string[], changeType: 'created' | 'updated') => {
      // Graph redelivers what was not answered 2xx; so does this loop, until it is accepted.
      for (;;) {
        try {
          const response = await fetch(`http://127.0.0.1:${port}/api/notifications`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              value: batch.map((id) => ({ subscriptionId: 'sub', clientState: CLIENT_STATE, changeType, resource: `communications/callRecords/${id}`, resourceData: { id }, tenantId: TENANT })),
            }),
          });
          if (response.status === 202) return;
        } catch {
          // the bot is down: retry after a restart
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
        if (!restarting && !child?.alive()) await startChild();
      }
    };

    await startChild();
    let kills = 0;
    const updated = ids.filter((_, i) => i % 5 === 0);
    const deliveries = (async () => {
      for (let i = 0; i < ids.length; i += 25) await notify(ids.slice(i, i + 25), 'created');
      // Newer versions for a fifth of the calls, half-way through the chaos.
      for (const id of updated) graph.putRecord(record(id, 2));
      for (let i = 0; i < updated.length; i += 20) await notify(updated.slice(i, i + 20), 'updated');
    })();
    let delivered = false;
    void deliveries.then(() => (delivered = true));

    const reader = () => openSqliteStore({ dataDir });
    const finished = async () => {
      if (!delivered) return false;
      const store = reader();
      try {
        const stats = await store.inbox.stats(Date.now());
        if (stats.byState.pending + stats.byState.leased > 0) return false;
        for (const id of updated) if ((await store.reports.processedVersion(TENANT, id)) !== 2) return false;
        return true;
      } finally {
        await store.close();
      }
    };
    // Kill at the fetches the bot has made, not at clock times: however fast the machine, the bot is
    // killed KILLS times while it drains, each time a little after a random point of its next stretch.
    const fetches = () => graph.stats.byOperation.getCallRecord ?? 0;
    const stretch = Math.floor(RECORDS / (KILLS + 1));
    let killAt = Math.floor(stretch * (0.25 + 0.75 * random()));
    const deadline = Date.now() + 200_000;
    while (!(await finished())) {
      assert.ok(Date.now() < deadline, `not drained in time after ${kills} kills`);
      for (let waited = 0; waited < 500 && !(kills < KILLS && fetches() >= killAt); waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
      if (kills < KILLS && fetches() >= killAt && child?.alive()) {
        restarting = true;
        await kill();
        kills += 1;
        killAt = fetches() + Math.floor(stretch * (0.25 + 0.75 * random()));
        await startChild();
        restarting = false;
      }
    }
    await kill();
    assert.equal(kills, KILLS, 'the bot was killed while it drained, each time');
    process.stdout.write(`      (killed ${kills} times; Graph served ${graph.stats.byOperation.getCallRecord ?? 0} record fetches for ${RECORDS + updated.length} versions)\n`);

    const store = reader();
    try {
      const stats = await store.inbox.stats(Date.now());
      assert.equal(stats.byState.done, RECORDS, 'every record processed');
      assert.equal(stats.byState.dead, 0, 'none given up');
      // The bot delivers (and settles) alert jobs as they come: list them in every state.
      const jobs = (await Promise.all(ids.map((id) => store.reports.listAlertJobs(TENANT, id)))).flat();
      const perVersion = new Map<string, number>();
      for (const job of jobs) perVersion.set(`${job.callId}@${job.version}`, (perVersion.get(`${job.callId}@${job.version}`) ?? 0) + 1);
      assert.ok([...perVersion.values()].every((count) => count === 1), 'each alert decision made once per version');
      for (const id of ids) {
        const expected = updated.includes(id) ? 2 : 1;
        const stored = await store.reports.getReport(TENANT, id);
        assert.equal(stored?.version, expected, `${id} ends at version ${expected}`);
        assert.equal((stored!.report as CallQualityReport).alert, true);
        assert.ok(perVersion.has(`${id}@${expected}`), `${id} has its alert decision for version ${expected}`);
      }
      assert.ok(jobs.length <= RECORDS + updated.length, 'no more decisions than versions');
    } finally {
      await store.close();
    }
  });
});
