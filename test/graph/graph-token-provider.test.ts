import assert from 'node:assert/strict';
import { mock } from 'node:test';
import { ConfidentialClientApplication } from '@azure/msal-node';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { GraphRequestError } from '../../src/graph';
import { createLoopbackClientCertificate } from '../support/loopback-certificates';
import { callRecordWithSessions, CLIENT_ID, rejectionOf, startGraphTestEnvironment, TENANT_A, TENANT_B, type GraphTestEnvironment } from './graph-test-environment';

describe('Graph tokens through the real msal-node against a loopback HTTPS authority', () => {
  let env: GraphTestEnvironment;

  before(async () => {
    env = await startGraphTestEnvironment();
    env.graph.putRecord(callRecordWithSessions('call-1', 2));
  });

  after(async () => {
    await env.close();
  });

  beforeEach(() => {
    env.graph.resetStats();
  });

  it('gets a token with the client secret and Graph accepts it', async () => {
    const before = env.tokenServer.tokenRequests.length;
    const record = await env.client().getCallRecord(TENANT_A, 'call-1');
    assert.equal(record.id, 'call-1');
    const requests = env.tokenServer.tokenRequests.slice(before);
    assert.equal(requests.length, 1);
    assert.deepEqual(
      { tenantId: requests[0]!.tenantId, clientId: requests[0]!.clientId, grantType: requests[0]!.grantType, authentication: requests[0]!.authentication, status: requests[0]!.status },
      { tenantId: TENANT_A, clientId: CLIENT_ID, grantType: 'client_credentials', authentication: 'client_secret', status: 200 },
    );
    assert.equal(requests[0]!.scope, `${env.graph.origin}/.default`);
    assert.equal(env.graph.stats.unauthorized, 0);
    // msal read the loopback's OpenID discovery document (knownAuthorities keeps it off the internet).
    assert.ok(env.tokenServer.stats.discoveryRequests >= 1);
  });

  it('gets a token with a certificate: a PS256 client assertion with x5t#S256 that the authority verifies', async () => {
    const before = env.tokenServer.tokenRequests.length;
    const client = env.client({ credential: { certificatePath: env.certificatePath } });
    const record = await client.getCallRecord(TENANT_A, 'call-1');
    assert.equal(record.id, 'call-1');
    const [request] = env.tokenServer.tokenRequests.slice(before);
    assert.equal(request?.authentication, 'client_assertion');
    assert.equal(request?.status, 200);
    const expectedThumbprint = createHash('sha256').update(new X509Certificate(env.clientCertificate.certificatePem).raw).digest('base64url');
    assert.equal(request?.assertionHeader?.['x5t#S256'], expectedThumbprint);
    assert.equal(request?.assertionHeader?.alg, 'PS256');
  });

  it('keeps one cached token per tenant: many Graph calls, one token request per tenant', async () => {
    const client = env.client();
    const before = { ...env.tokenServer.stats.byTenant };
    await Promise.all(Array.from({ length: 12 }, () => client.getCallRecord(TENANT_A, 'call-1')));
    for (let index = 0; index < 5; index += 1) await client.getCallRecord(TENANT_A, 'call-1');
    await client.getCallRecord(TENANT_B, 'call-1');
    await client.getCallRecord(TENANT_B, 'call-1');
    assert.equal((env.tokenServer.stats.byTenant[TENANT_A] ?? 0) - (before[TENANT_A] ?? 0), 1);
    assert.equal((env.tokenServer.stats.byTenant[TENANT_B] ?? 0) - (before[TENANT_B] ?? 0), 1);
    assert.equal(env.graph.stats.byOperation.getCallRecord, 19);
    const tenants = new Set(env.graph.requests.map((request) => request.tenantId));
    assert.deepEqual([...tenants].sort(), [TENANT_A, TENANT_B].sort());
  });

  it('refuses a wrong secret with a non-retryable token error naming the settings to check', async () => {
    const error = await rejectionOf(env.client({ credential: { clientSecret: 'wrong' } }).getCallRecord(TENANT_A, 'call-1'));
    assert.ok(error instanceof GraphRequestError);
    assert.equal(error.kind, 'token');
    assert.equal(error.retryable, false);
    assert.equal(error.needsAdmin, true, 'work waits for the credential to be fixed instead of being given up');
    assert.match(error.message, /invalid_client|7000215/);
    assert.match(error.message, /GRAPH_CLIENT_SECRET/);
    assert.doesNotMatch(error.message, /wrong/);
    assert.equal(env.graph.stats.requests, 0);
  });

  it('refuses a certificate the app registration does not hold', async () => {
    const other = await createLoopbackClientCertificate('someone else');
    const directory = mkdtempSync(path.join(os.tmpdir(), 'graph-other-cert-'));
    const file = path.join(directory, 'other.pem');
    writeFileSync(file, other.combinedPem);
    try {
      const error = await rejectionOf(env.client({ credential: { certificatePath: file } }).getCallRecord(TENANT_A, 'call-1'));
      assert.ok(error instanceof GraphRequestError);
      assert.equal(error.kind, 'token');
      assert.equal(error.retryable, false);
      assert.match(error.message, /700027/);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('reports an unavailable authority as a retryable token error', async () => {
    const refusedBefore = env.tokenServer.stats.refused;
    env.tokenServer.failNextTokenRequests(3, { status: 503, error: 'temporarily_unavailable' });
    const error = await rejectionOf(env.client().getCallRecord(TENANT_A, 'call-1'));
    env.tokenServer.clearInjectedFailures();
    assert.ok(error instanceof GraphRequestError);
    assert.equal(error.kind, 'token');
    assert.equal(error.code, 'temporarily_unavailable');
    assert.equal(error.retryable, true);
    assert.ok(env.tokenServer.stats.refused > refusedBefore);
  });

  it('after Graph answers 401, gives a retryable error and fetches a fresh token for the next request', async () => {
    const client = env.client();
    await client.getCallRecord(TENANT_A, 'call-1');
    const before = env.tokenServer.stats.byTenant[TENANT_A] ?? 0;
    env.graph.failNext(1, { status: 401, code: 'InvalidAuthenticationToken' });
    const error = await rejectionOf(client.getCallRecord(TENANT_A, 'call-1'));
    assert.ok(error instanceof GraphRequestError);
    assert.deepEqual([error.status, error.code, error.retryable], [401, 'InvalidAuthenticationToken', true]);
    assert.equal(env.tokenServer.stats.byTenant[TENANT_A] ?? 0, before);
    await client.getCallRecord(TENANT_A, 'call-1');
    assert.equal(env.tokenServer.stats.byTenant[TENANT_A] ?? 0, before + 1);
  });

  it('reports an unreachable authority as a retryable token error', async () => {
    const closed = https.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await rejectionOf(env.client({ authorityHost: `https://127.0.0.1:${port}` }).getCallRecord(TENANT_A, 'call-1'));
    assert.ok(error instanceof GraphRequestError);
    assert.equal(error.kind, 'token');
    assert.equal(error.retryable, true);
    assert.match(error.message, /AUTHORITY_HOST/);
  });

  it('reports a connection the authority reset as a retryable token error', async () => {
    env.tokenServer.resetNextTokenRequests(2);
    const error = await rejectionOf(env.client().getCallRecord(TENANT_A, 'call-1'));
    env.tokenServer.clearInjectedFailures();
    assert.ok(error instanceof GraphRequestError);
    assert.equal(error.kind, 'token');
    assert.equal(error.retryable, true);
    assert.equal(error.needsAdmin, false);
  });

  it('treats msal holding token requests back after a 429 as retryable, not as a refusal for an admin', async () => {
    const client = env.client();
    env.tokenServer.failNextTokenRequests(1, { status: 429, error: 'temporarily_unavailable', retryAfterSeconds: 30 });
    const answered = await rejectionOf(client.getCallRecord(TENANT_A, 'call-1'));
    const requests = env.tokenServer.stats.tokenRequests;
    // msal now refuses by itself, without asking the authority, until the Retry-After has passed.
    const heldBack = await rejectionOf(client.getCallRecord(TENANT_A, 'call-1'));
    env.tokenServer.clearInjectedFailures();
    assert.equal(env.tokenServer.stats.tokenRequests, requests, 'msal did not ask the authority again');
    for (const error of [answered, heldBack]) {
      assert.ok(error instanceof GraphRequestError);
      assert.equal(error.kind, 'token');
      assert.equal(error.retryable, true, error.message);
      assert.equal(error.needsAdmin, false);
    }
  });

  it('refuses a tenant id that could change the authority path', async () => {
    await assert.rejects(env.client().getCallRecord('../common', 'call-1'), /not a tenant id/);
  });
});

describe('Graph tokens: the token msal gave is held until msal would renew it', () => {
  let env: GraphTestEnvironment;

  afterEach(async () => {
    mock.restoreAll();
    await env?.close();
  });

  /** Counts msal's token lookups (its cache or Entra ID), calling through to the real method. */
  function countMsalLookups() {
    return mock.method(ConfidentialClientApplication.prototype, 'acquireTokenByClientCredential');
  }

  it('asks msal once for many Graph requests, and again after Graph answered 401', async () => {
    env = await startGraphTestEnvironment();
    env.graph.putRecord(callRecordWithSessions('call-1', 2));
    const lookups = countMsalLookups();
    const client = env.client();
    await Promise.all(Array.from({ length: 5 }, () => client.getCallRecord(TENANT_A, 'call-1')));
    for (let index = 0; index < 10; index += 1) await client.getCallRecord(TENANT_A, 'call-1');
    assert.equal(lookups.mock.callCount(), 1, '15 Graph requests, one token from msal');
    assert.equal(env.graph.stats.byOperation.getCallRecord, 15);

    const tokensBefore = env.tokenServer.tokenRequests.length;
    env.graph.failNext(1, { status: 401, code: 'InvalidAuthenticationToken' });
    const error = await rejectionOf(client.getCallRecord(TENANT_A, 'call-1'));
    assert.equal((error as GraphRequestError).status, 401);
    await client.getCallRecord(TENANT_A, 'call-1');
    assert.equal(lookups.mock.callCount(), 2, 'after the 401 the next request asks msal again');
    assert.equal(env.tokenServer.tokenRequests.length, tokensBefore + 1, 'and msal goes to Entra ID');
  });

  it('asks msal again once the token is within five minutes of its expiry', async () => {
    // Tokens of 301 s (msal rounds their expiry up to the second): held for at most 2 s; then msal decides whether to renew.
    env = await startGraphTestEnvironment({}, { tokenLifetimeSeconds: 301 });
    env.graph.putRecord(callRecordWithSessions('call-1', 2));
    const lookups = countMsalLookups();
    const client = env.client();
    await client.getCallRecord(TENANT_A, 'call-1');
    await client.getCallRecord(TENANT_A, 'call-1');
    assert.equal(lookups.mock.callCount(), 1);
    assert.equal(env.tokenServer.tokenRequests.length, 1);
    await new Promise((resolve) => setTimeout(resolve, 2_300));
    await client.getCallRecord(TENANT_A, 'call-1');
    assert.ok(lookups.mock.callCount() >= 2, 'the held token was due: msal is asked');
  });
});

