import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type restify from 'restify';
import { createLogger } from '../../src/logger';
import { createServer, listen } from '../../src/server';
import { openSqliteStore, type Store } from '../../src/store';
import { healthRoute, IngestStatus, notificationRoutes } from '../../src/ingest';
import { changeNotification } from '../support/change-notification';

const TENANT = 'dc368399-474c-4d40-900c-6265431fd81f';
const CALL = '66666666-6666-6666-6666-666666666666';
const SECRET = 'a-client-state-secret-0123456789';
const HEALTH_KEY = 'the-health-key-0123456789abcdef';

function notification(callId: string) {
  return changeNotification(TENANT, SECRET, callId);
}

/**
 * `/healthz` with the real webhook beside it. The webhook writes through a second connection to the
 * same SQLite file; closing that one makes every inbox write fail while the store stays readable,
 * which is what a full disk looks like from outside.
 */
describe('/healthz (verdict, public and keyed views)', () => {
  let dataDir: string;
  let readable: Store;
  let webhookStore: Store;
  let status: IngestStatus;
  let server: restify.Server;
  let base: string;

  beforeEach(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'cqb-health-'));
    readable = openSqliteStore({ dataDir });
    webhookStore = openSqliteStore({ dataDir });
    status = new IngestStatus();
    const logger = createLogger('silent');
    server = createServer(logger, [
      notificationRoutes({ inbox: webhookStore.inbox, status, logger, clientState: SECRET, allowedTenants: [TENANT] }),
      healthRoute({ store: readable, status, expectedTenants: [TENANT], healthKey: HEALTH_KEY }),
    ]);
    base = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await readable.close();
    await webhookStore.close().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const health = async (headers: Record<string, string> = {}) => {
    const response = await fetch(`${base}/healthz`, { headers });
    return { status: response.status, text: await response.text() };
  };
  const notify = (callId: string) =>
    fetch(`${base}/api/notifications`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value: [notification(callId)] }) });
  /** A request relayed by a proxy on this machine: it comes from loopback on behalf of someone else. */
  const PROXIED = { 'x-forwarded-for': '203.0.113.9' };

  it('says degraded with the missing subscription, the tenant id in the details only', async () => {
    assert.equal((await notify(CALL)).status, 202);
    const local = await health();
    assert.equal(local.status, 200);
    const detailed = JSON.parse(local.text) as { status: string; problems: string[]; counts: { notificationsAccepted: number } };
    assert.equal(detailed.status, 'degraded');
    assert.deepEqual(detailed.problems, [`No Graph subscription for tenant ${TENANT}.`]);
    assert.equal(detailed.counts.notificationsAccepted, 1);

    const remote = await health(PROXIED);
    assert.equal(remote.status, 200);
    const body = JSON.parse(remote.text) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), ['counts', 'now', 'reasons', 'status']);
    assert.equal(body.status, 'degraded');
    assert.ok(!remote.text.includes(TENANT), 'no tenant id in the public answer');
    assert.ok(!remote.text.includes(CALL), 'no call id in the public answer');
  });

  it('says failing with 503 while the webhook cannot write the inbox, and hides the error text from the public', async () => {
    await webhookStore.close();
    assert.equal((await notify(CALL)).status, 503);
    assert.equal((await notify(CALL)).status, 503);

    const remote = await health(PROXIED);
    assert.equal(remote.status, 503);
    const body = JSON.parse(remote.text) as { status: string; reasons: Array<{ code: string; summary: string }>; counts: { inboxWriteFailuresLastHour: number } };
    assert.equal(body.status, 'failing');
    assert.equal(body.reasons[0]!.code, 'inbox-unwritable');
    assert.equal(body.counts.inboxWriteFailuresLastHour, 2);
    assert.doesNotMatch(remote.text, /database|not open|sqlite/i, 'no error text in the public answer');

    const keyed = await health({ ...PROXIED, authorization: `Bearer ${HEALTH_KEY}` });
    assert.equal(keyed.status, 503);
    const details = JSON.parse(keyed.text) as { inboxWrites: { lastError: string | null }; problems: string[] };
    assert.ok(details.inboxWrites.lastError, 'the keyed view has the error text');
    assert.ok(details.problems.some((problem) => problem.includes(details.inboxWrites.lastError!)));
  });

  it('gives the details for the key in either header, 401 for a wrong key', async () => {
    for (const headers of [{ authorization: `Bearer ${HEALTH_KEY}` }, { 'x-health-key': HEALTH_KEY }] as Array<Record<string, string>>) {
      const answer = await health({ ...PROXIED, ...headers });
      assert.equal(answer.status, 200);
      assert.ok('problems' in (JSON.parse(answer.text) as object), JSON.stringify(headers));
    }
    for (const headers of [{ authorization: 'Bearer wrong' }, { 'x-health-key': `${HEALTH_KEY}x` }, { 'x-health-key': HEALTH_KEY.slice(0, -1) }] as Array<Record<string, string>>) {
      const answer = await health(headers);
      assert.equal(answer.status, 401, JSON.stringify(headers));
      assert.ok(!answer.text.includes(TENANT));
    }
  });

  it('refuses any key when HEALTH_KEY is not set, and still answers the public report', async () => {
    const logger = createLogger('silent');
    const bare = createServer(logger, [healthRoute({ store: readable, status, expectedTenants: [] })]);
    const port = await listen(bare, 0, '127.0.0.1');
    try {
      assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`, { headers: { 'x-health-key': 'anything-at-all-1234' } })).status, 401);
      const open = await fetch(`http://127.0.0.1:${port}/healthz`, { headers: PROXIED });
      assert.equal(open.status, 200);
      assert.equal(((await open.json()) as { status: string }).status, 'ok');
    } finally {
      await new Promise<void>((resolve) => bare.close(() => resolve()));
    }
  });
});
