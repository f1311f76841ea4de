import assert from 'node:assert/strict';
import type restify from 'restify';
import { createLogger } from '../../src/logger';
import { createServer, listen } from '../../src/server';
import { openSqliteStore, type Store } from '../../src/store';
import { IngestStatus, notificationRoutes, type LifecycleNotification } from '../../src/ingest';
import { changeNotification } from '../support/change-notification';

const TENANT = 'dc368399-474c-4d40-900c-6265431fd81f';
const SECRET = 'a-client-state-secret-0123456789';

function notification(callId: string, overrides: Record<string, unknown> = {}) {
  return changeNotification(TENANT, SECRET, callId, overrides);
}

describe('Graph webhook (/api/notifications, /api/lifecycle)', () => {
  let server: restify.Server;
  let store: Store;
  let status: IngestStatus;
  let base: string;
  let lifecycle: LifecycleNotification[];
  let logs: string[];

  beforeEach(async () => {
    store = openSqliteStore({ path: ':memory:' });
    status = new IngestStatus();
    lifecycle = [];
    logs = [];
    const logger = createLogger('info', { write: (line: string) => logs.push(line) });
    server = createServer(logger, [
      notificationRoutes({ inbox: store.inbox, status, logger, clientState: SECRET, allowedTenants: [TENANT], onLifecycle: (events) => lifecycle.push(...events) }),
    ]);
    base = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await store.close();
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  it('echoes the validation token as text/plain, decoded, never as HTML', async () => {
    for (const path of ['/api/notifications', '/api/lifecycle']) {
      const token = 'Validation: Testing client application reachability for subscription Request-Id: 1 <script>';
      const response = await fetch(`${base}${path}?validationToken=${encodeURIComponent(token)}`, { method: 'POST' });
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(await response.text(), token);
    }
  });

  it('refuses an over-long validation token', async () => {
    const response = await fetch(`${base}/api/notifications?validationToken=${'x'.repeat(5000)}`, { method: 'POST' });
    assert.equal(response.status, 400);
  });

  it('persists accepted notifications to the inbox, then answers 202', async () => {
    const response = await post('/api/notifications', { value: [notification('11111111-1111-1111-1111-111111111111')] });
    assert.equal(response.status, 202);
    const item = await store.inbox.get(TENANT, '11111111-1111-1111-1111-111111111111');
    assert.equal(item?.state, 'pending');
    assert.equal(item?.source, 'notification');
    assert.equal(status.accepted, 1);
    assert.notEqual(status.lastNotificationAt, null);
  });

  it('accepts a batch of many notifications in one POST, de-duplicated per call', async () => {
    const ids = Array.from({ length: 300 }, (_, i) => `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`);
    const response = await post('/api/notifications', { value: [...ids.map((id) => notification(id)), notification(ids[0]!, { changeType: 'updated' })] });
    assert.equal(response.status, 202);
    const stats = await store.inbox.stats(Date.now());
    assert.equal(stats.byState.pending, 300);
    assert.equal(status.accepted, 301);
  });

  it('drops a wrong clientState (counted, not persisted, secret not logged) and still answers 202', async () => {
    const response = await post('/api/notifications', { value: [notification('22222222-2222-2222-2222-222222222222', { clientState: 'guess-the-secret' })] });
    assert.equal(response.status, 202);
    assert.equal(await store.inbox.get(TENANT, '22222222-2222-2222-2222-222222222222'), undefined);
    assert.equal(status.dropped.clientState, 1);
    const joined = logs.join('\n');
    assert.match(joined, /dropped notifications/);
    assert.ok(!joined.includes(SECRET), 'the expected secret never reaches a log');
    assert.ok(!joined.includes('guess-the-secret'), 'the received secret never reaches a log');
  });

  it('drops notifications for a tenant that is not allowed', async () => {
    const response = await post('/api/notifications', { value: [notification('33333333-3333-3333-3333-333333333333', { tenantId: '00000000-0000-0000-0000-000000000000' })] });
    assert.equal(response.status, 202);
    assert.equal(status.dropped.tenant, 1);
    assert.equal((await store.inbox.stats(Date.now())).byState.pending, 0);
  });

  it('drops an id that could inject a path, and keeps the good ones of the batch', async () => {
    const response = await post('/api/notifications', {
      value: [notification('../../users', { resourceData: { id: '../../users' } }), notification('44444444-4444-4444-4444-444444444444'), 'not an object'],
    });
    assert.equal(response.status, 202);
    assert.equal(status.dropped.malformed, 2);
    assert.equal((await store.inbox.stats(Date.now())).byState.pending, 1);
  });

  it('answers 400 to malformed JSON and to a body without value[]', async () => {
    assert.equal((await post('/api/notifications', '{"value": [')).status, 400);
    const noValue = await post('/api/notifications', { hello: 'world' });
    assert.equal(noValue.status, 400);
    assert.match(await noValue.text(), /no "value" array/);
  });

  it('answers 413 to a body over 1 MB', async () => {
    const big = JSON.stringify({ value: [notification('55555555-5555-5555-5555-555555555555', { padding: 'x'.repeat(1024 * 1024) })] });
    const response = await post('/api/notifications', big);
    assert.equal(response.status, 413);
    assert.equal((await store.inbox.stats(Date.now())).byState.pending, 0);
  });

  it('hands lifecycle events to the keeper after answering 202', async () => {
    const response = await post('/api/lifecycle', {
      value: [
        { subscriptionId: 'sub-1', clientState: SECRET, tenantId: TENANT, lifecycleEvent: 'reauthorizationRequired' },
        { subscriptionId: 'sub-1', clientState: 'wrong', tenantId: TENANT, lifecycleEvent: 'subscriptionRemoved' },
      ],
    });
    assert.equal(response.status, 202);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(lifecycle, [{ tenantId: TENANT, subscriptionId: 'sub-1', lifecycleEvent: 'reauthorizationRequired' }]);
    assert.equal(status.dropped.clientState, 1);
  });

  it('answers 503 (so Graph delivers again) when the inbox cannot be written', async () => {
    await store.close();
    const response = await post('/api/notifications', { value: [notification('66666666-6666-6666-6666-666666666666')] });
    assert.equal(response.status, 503);
    store = openSqliteStore({ path: ':memory:' });
  });
});
