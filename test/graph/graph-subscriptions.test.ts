import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphRequestError, MAX_SUBSCRIPTION_LIFETIME_MINUTES, type GraphClient } from '../../src/graph';
import { startLoopbackGraph } from '../support/loopback-graph';
import { rejectionOf, startGraphTestEnvironment, TENANT_A, TENANT_B, type GraphTestEnvironment } from './graph-test-environment';

const CLIENT_STATE = 'a-client-state-secret';

describe('Graph client: change-notification subscriptions', () => {
  let env: GraphTestEnvironment;
  let client: GraphClient;

  before(async () => {
    env = await startGraphTestEnvironment();
    client = env.client();
  });

  after(async () => {
    await env.close();
  });

  const request = {
    notificationUrl: 'https://bot.example.com/api/notifications',
    lifecycleNotificationUrl: 'https://bot.example.com/api/lifecycle',
    clientState: CLIENT_STATE,
  };

  it('creates a callRecords subscription for created and updated, expiring just under 4,230 minutes from now', async () => {
    const before = Date.now();
    const subscription = await client.subscriptions.create(TENANT_A, request);
    const held = env.graph.subscriptions(TENANT_A).find((item) => item.id === subscription.id);
    assert.ok(held);
    assert.equal(held.resource, '/communications/callRecords');
    assert.equal(held.changeType, 'created,updated');
    assert.equal(held.notificationUrl, request.notificationUrl);
    assert.equal(held.lifecycleNotificationUrl, request.lifecycleNotificationUrl);
    assert.equal(held.clientState, CLIENT_STATE);
    const minutes = (Date.parse(subscription.expirationDateTime) - before) / 60_000;
    assert.ok(minutes < MAX_SUBSCRIPTION_LIFETIME_MINUTES && minutes > MAX_SUBSCRIPTION_LIFETIME_MINUTES - 60, `expiry is ${minutes} minutes away`);
  });

  it('renews with PATCH, gets, lists and deletes', async () => {
    const created = await client.subscriptions.create(TENANT_B, request);
    const later = new Date(Date.now() + 3000 * 60_000);
    const renewed = await client.subscriptions.renew(TENANT_B, created.id, later);
    assert.equal(renewed.id, created.id);
    assert.equal(Date.parse(renewed.expirationDateTime), later.getTime());
    assert.equal(env.graph.subscriptions(TENANT_B).find((item) => item.id === created.id)?.renewals, 1);
    assert.equal((await client.subscriptions.get(TENANT_B, created.id)).expirationDateTime, renewed.expirationDateTime);
    assert.deepEqual(
      (await client.subscriptions.list(TENANT_B)).map((item) => item.id),
      [created.id],
    );
    assert.equal(await client.subscriptions.delete(TENANT_B, created.id), true);
    assert.equal(await client.subscriptions.delete(TENANT_B, created.id), false);
    assert.deepEqual(await client.subscriptions.list(TENANT_B), []);
  });

  it('renews by default to now + 4,200 minutes of the injected clock', async () => {
    const created = await client.subscriptions.create(TENANT_A, request);
    const fixed = Date.now() + 60_000;
    const renewed = await env.client({ now: () => fixed }).subscriptions.renew(TENANT_A, created.id);
    assert.equal(Date.parse(renewed.expirationDateTime), fixed + 4200 * 60_000);
  });

  it('surfaces a vanished subscription as a typed 404 on renew, so the caller re-creates it', async () => {
    const created = await client.subscriptions.create(TENANT_A, request);
    env.graph.removeSubscription(created.id);
    const error = await rejectionOf(client.subscriptions.renew(TENANT_A, created.id));
    assert.ok(error instanceof GraphRequestError);
    assert.equal(error.status, 404);
    assert.equal(error.notFound, true);
    assert.equal(error.retryable, false);
    const again = await client.subscriptions.create(TENANT_A, request);
    assert.notEqual(again.id, created.id);
  });

  it('reauthorizes a subscription, and 404s for one that is gone', async () => {
    const created = await client.subscriptions.create(TENANT_A, request);
    await client.subscriptions.reauthorize(TENANT_A, created.id);
    assert.equal(env.graph.subscriptions(TENANT_A).find((item) => item.id === created.id)?.reauthorizations, 1);
    env.graph.removeSubscription(created.id);
    const error = await rejectionOf(client.subscriptions.reauthorize(TENANT_A, created.id));
    assert.ok(error instanceof GraphRequestError && error.notFound);
  });

  it('refuses an expiry past the 4,230-minute ceiling and an over-long clientState before calling Graph', async () => {
    const requestsBefore = env.graph.stats.requests;
    await assert.rejects(
      client.subscriptions.create(TENANT_A, { ...request, expirationDateTime: new Date(Date.now() + 4300 * 60_000) }),
      /at most 4230 minutes/,
    );
    await assert.rejects(client.subscriptions.create(TENANT_A, { ...request, clientState: 'x'.repeat(129) }), /1 to 128 characters/);
    assert.equal(env.graph.stats.requests, requestsBefore);
  });

  it('passes the loopback\'s validation handshake against a notification endpoint that echoes the token', async () => {
    const handshakes: string[] = [];
    const endpoint = http.createServer((req, res) => {
      const token = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('validationToken') ?? '';
      handshakes.push(req.url ?? '');
      req.resume();
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(token);
    });
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}`;
    const validating = await startLoopbackGraph({ verifyAccessToken: env.tokenServer.verifyAccessToken, validateNotificationUrls: true });
    try {
      const validatingClient = env.client({ baseUrl: validating.url });
      const subscription = await validatingClient.subscriptions.create(TENANT_A, {
        notificationUrl: `${base}/api/notifications`,
        lifecycleNotificationUrl: `${base}/api/lifecycle`,
        clientState: CLIENT_STATE,
      });
      assert.equal(handshakes.length, 2);
      assert.ok(handshakes[0]!.startsWith('/api/notifications?validationToken='));
      const statuses = await validating.sendNotifications(TENANT_A, ['call-1', 'call-2', 'call-3'], { batchSize: 2 });
      assert.deepEqual(statuses, [200, 200]);
      assert.equal(await validating.sendLifecycleNotification(subscription.id, 'reauthorizationRequired'), 200);
      const refused = await rejectionOf(
        validatingClient.subscriptions.create(TENANT_A, { notificationUrl: 'https://127.0.0.1:1/unreachable', clientState: CLIENT_STATE }),
      );
      assert.ok(refused instanceof GraphRequestError);
      assert.equal(refused.status, 400);
      assert.equal(refused.code, 'ValidationError');
    } finally {
      await validating.close();
      await new Promise<void>((resolve) => endpoint.close(() => resolve()));
    }
  });
});
