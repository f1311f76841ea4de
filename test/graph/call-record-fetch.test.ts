import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphRequestError, type GraphClient } from '../../src/graph';
import { startLoopbackGraph, type LoopbackGraph } from '../support/loopback-graph';
import { callRecordWithSessions, rejectionOf, startGraphTestEnvironment, TENANT_A, TENANT_B, type GraphTestEnvironment } from './graph-test-environment';

describe('Graph client: fetching call records', () => {
  let env: GraphTestEnvironment;
  let client: GraphClient;

  before(async () => {
    env = await startGraphTestEnvironment({ sessionPageSize: 3 });
    client = env.client();
  });

  after(async () => {
    await env.close();
  });

  beforeEach(() => {
    env.graph.resetStats();
  });

  it('asks for sessions with segments and unknown enum members', async () => {
    env.graph.putRecord(callRecordWithSessions('expand-1', 2));
    const record = await client.getCallRecord(TENANT_A, 'expand-1');
    const [request] = env.graph.requests;
    assert.equal(request?.path, '/v1.0/communications/callRecords/expand-1?$expand=sessions($expand=segments)');
    assert.equal(request?.prefer, 'include-unknown-enum-members');
    assert.deepEqual(record.sessions[0]?.segments, [{ id: 'seg-1', media: [] }]);
  });

  for (const spelling of ['nextLink', 'nextlink'] as const) {
    it(`follows sessions@odata.${spelling} and then the pages' @odata.nextLink, de-duplicating a repeated session`, async () => {
      const id = `paged-${spelling}`;
      // 10 sessions, 3 per page, each page repeating the previous page's last session: 5 pages.
      env.graph.putRecord(callRecordWithSessions(id, 10), { nextLinkSpelling: spelling, duplicateAcrossPages: true });
      const record = await client.getCallRecord(TENANT_A, id);
      assert.deepEqual(
        record.sessions.map((session) => session.id),
        Array.from({ length: 10 }, (_, index) => `s-${String(index + 1).padStart(4, '0')}`),
      );
      assert.equal(env.graph.stats.byOperation.getCallRecord, 1);
      assert.equal(env.graph.stats.byOperation.getSessionsPage, 4);
      assert.ok(record.sessions.every((session) => Array.isArray(session.segments) && session.segments.length === 1));
      assert.equal('sessions@odata.nextLink' in record, false);
      assert.equal('sessions@odata.nextlink' in record, false);
      assert.ok(env.graph.requests.every((request) => request.prefer === 'include-unknown-enum-members'));
    });
  }

  it('serves the newer version once Graph has it', async () => {
    env.graph.putRecord(callRecordWithSessions('versions-1', 1, 1));
    assert.equal((await client.getCallRecord(TENANT_A, 'versions-1')).version, 1);
    env.graph.putRecord(callRecordWithSessions('versions-1', 4, 2));
    const newer = await client.getCallRecord(TENANT_A, 'versions-1');
    assert.equal(newer.version, 2);
    assert.equal(newer.sessions.length, 4);
  });

  it('answers 404 with a typed, non-retryable error before the record exists, and the record afterwards', async () => {
    env.graph.putRecord(callRecordWithSessions('late-1', 1));
    env.graph.setNotFoundUntil('late-1', Date.now() + 60_000);
    const error = await rejectionOf(client.getCallRecord(TENANT_A, 'late-1'));
    assert.ok(error instanceof GraphRequestError);
    assert.equal(error.status, 404);
    assert.equal(error.notFound, true);
    assert.equal(error.code, 'NotFound');
    assert.equal(error.retryable, false);
    assert.equal(error.tenantId, TENANT_A);
    env.graph.setNotFoundUntil('late-1', 0);
    assert.equal((await client.getCallRecord(TENANT_A, 'late-1')).id, 'late-1');
  });

  it('keeps tenants apart: a record put for one tenant is 404 for another', async () => {
    env.graph.putRecord(callRecordWithSessions('tenant-b-only', 1), { tenantId: TENANT_B });
    assert.equal((await client.getCallRecord(TENANT_B, 'tenant-b-only')).id, 'tenant-b-only');
    const error = await rejectionOf(client.getCallRecord(TENANT_A, 'tenant-b-only'));
    assert.ok(error instanceof GraphRequestError && error.notFound);
  });

  it('turns a 429 with Retry-After in seconds into a retryable error with retryAfterMs', async () => {
    env.graph.putRecord(callRecordWithSessions('throttled-1', 1));
    env.graph.throttleNext(1, { retryAfter: 7 });
    const error = await rejectionOf(env.client().getCallRecord(TENANT_A, 'throttled-1'));
    assert.ok(error instanceof GraphRequestError);
    assert.equal(error.status, 429);
    assert.equal(error.throttled, true);
    assert.equal(error.code, 'TooManyRequests');
    assert.equal(error.retryable, true);
    assert.equal(error.retryAfterMs, 7000);
  });

  it('reads a Retry-After given as an HTTP date', async () => {
    env.graph.putRecord(callRecordWithSessions('throttled-2', 1));
    const fixedNow = Date.parse('2024-05-01T10:00:00Z');
    env.graph.throttleNext(1, { retryAfter: 'Wed, 01 May 2024 10:00:12 GMT' });
    const error = await rejectionOf(env.client({ now: () => fixedNow }).getCallRecord(TENANT_A, 'throttled-2'));
    assert.ok(error instanceof GraphRequestError);
    assert.equal(error.retryAfterMs, 12_000);
  });

  it('turns a 429 without Retry-After into a retryable error without retryAfterMs', async () => {
    env.graph.putRecord(callRecordWithSessions('throttled-3', 1));
    env.graph.throttleNext(1);
    const error = await rejectionOf(env.client().getCallRecord(TENANT_A, 'throttled-3'));
    assert.ok(error instanceof GraphRequestError);
    assert.equal(error.status, 429);
    assert.equal(error.retryable, true);
    assert.equal(error.retryAfterMs, undefined);
  });

  it('holds the tenant\'s next requests for the Retry-After of a 429', async () => {
    env.graph.putRecord(callRecordWithSessions('throttled-4', 1));
    env.graph.throttleNext(1, { retryAfter: 5 });
    let clock = 1_000_000;
    const slept: number[] = [];
    const throttledClient = env.client({
      now: () => clock,
      sleep: async (ms) => {
        slept.push(ms);
        clock += ms;
      },
    });
    await rejectionOf(throttledClient.getCallRecord(TENANT_A, 'throttled-4'));
    const record = await throttledClient.getCallRecord(TENANT_A, 'throttled-4');
    assert.equal(record.id, 'throttled-4');
    assert.equal(slept.reduce((sum, ms) => sum + ms, 0), 5000);
  });

  it('marks 503 retryable and 403 not, with the Graph error code', async () => {
    env.graph.putRecord(callRecordWithSessions('failing-1', 1));
    env.graph.failNext(1, { status: 503 });
    const unavailable = await rejectionOf(client.getCallRecord(TENANT_A, 'failing-1'));
    assert.ok(unavailable instanceof GraphRequestError);
    assert.deepEqual([unavailable.status, unavailable.code, unavailable.retryable], [503, 'ServiceUnavailable', true]);
    env.graph.failNext(1, { status: 403, code: 'Forbidden' });
    const forbidden = await rejectionOf(client.getCallRecord(TENANT_A, 'failing-1'));
    assert.ok(forbidden instanceof GraphRequestError);
    assert.deepEqual([forbidden.status, forbidden.code, forbidden.retryable], [403, 'Forbidden', false]);
    assert.match(forbidden.message, /CallRecords\.Read\.All/);
  });

  it('gives up after the request timeout with a retryable timeout error', async () => {
    env.graph.putRecord(callRecordWithSessions('slow-1', 1));
    env.graph.delayNext(1, 400);
    const error = await rejectionOf(env.client({ requestTimeoutMs: 100 }).getCallRecord(TENANT_A, 'slow-1'));
    assert.ok(error instanceof GraphRequestError);
    assert.equal(error.kind, 'timeout');
    assert.equal(error.retryable, true);
  });

  it('reports a refused connection as a retryable network error', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await rejectionOf(env.client({ baseUrl: `http://127.0.0.1:${port}/v1.0` }).getCallRecord(TENANT_A, 'any'));
    assert.ok(error instanceof GraphRequestError);
    assert.equal(error.kind, 'network');
    assert.equal(error.retryable, true);
  });

  describe('next links', () => {
    let foreign: LoopbackGraph;

    before(async () => {
      foreign = await startLoopbackGraph();
    });

    after(async () => {
      await foreign.close();
    });

    it('refuses a next link to another origin: nothing is sent there, a warning is logged, the error is not retryable', async () => {
      const foreignLink = `${foreign.url}/communications/callRecords/poisoned-1/sessions?$skiptoken=steal`;
      env.graph.putRecord(callRecordWithSessions('poisoned-1', 2), { foreignNextLink: foreignLink });
      const logged = env.logLines.length;
      const error = await rejectionOf(client.getCallRecord(TENANT_A, 'poisoned-1'));
      assert.ok(error instanceof GraphRequestError);
      assert.equal(error.kind, 'foreign-next-link');
      assert.equal(error.retryable, false);
      assert.match(error.message, new RegExp(foreign.origin.replace(/[.:/]/g, '\\$&')));
      assert.equal(foreign.stats.requests, 0);
      const warning = env.logLines.slice(logged).find((line) => line.level === 40);
      assert.equal(warning?.nextLinkOrigin, foreign.origin);
      assert.doesNotMatch(JSON.stringify(env.logLines.slice(logged)), /Bearer|eyJ/);
    });

    it('refuses a next link on the same host but another port', async () => {
      const otherPort = `http://127.0.0.1:${Number(new URL(env.graph.origin).port) + 1}/v1.0/communications/callRecords/port-1/sessions`;
      env.graph.putRecord(callRecordWithSessions('port-1', 2), { foreignNextLink: otherPort });
      const error = await rejectionOf(client.getCallRecord(TENANT_A, 'port-1'));
      assert.ok(error instanceof GraphRequestError && error.kind === 'foreign-next-link');
    });

    it('stops a sessions next link that loops at its first repeat, with a non-retryable error', async () => {
      // 7 sessions, 3 per page: the record, two sessions pages, then a link back to the first sessions page.
      env.graph.putRecord(callRecordWithSessions('looping-1', 7), { loopingNextLink: true });
      const error = await rejectionOf(client.getCallRecord(TENANT_A, 'looping-1'));
      assert.ok(error instanceof GraphRequestError);
      assert.equal(error.kind, 'looping-next-link');
      assert.equal(error.retryable, false);
      assert.match(error.message, /looping-1's sessions leads back to a page already read/);
      assert.deepEqual(env.graph.stats.byOperation, { getCallRecord: 1, getSessionsPage: 2 }, 'not one request past the loop (the cap is 200)');
    });

    it('stops a record whose first sessions page links to itself after two requests', async () => {
      env.graph.putRecord(callRecordWithSessions('looping-2', 2), { loopingNextLink: true });
      const error = await rejectionOf(client.getCallRecord(TENANT_A, 'looping-2'));
      assert.ok(error instanceof GraphRequestError && error.kind === 'looping-next-link');
      assert.equal(env.graph.stats.requests, 2);
    });

    it('stops at the page cap with a non-retryable error', async () => {
      env.graph.putRecord(callRecordWithSessions('many-pages', 30));
      const error = await rejectionOf(env.client({ maxSessionPages: 4 }).getCallRecord(TENANT_A, 'many-pages'));
      assert.ok(error instanceof GraphRequestError);
      assert.equal(error.kind, 'page-cap');
      assert.equal(error.retryable, false);
      assert.equal(env.graph.stats.requests, 4);
      const whole = await env.client({ maxSessionPages: 10 }).getCallRecord(TENANT_A, 'many-pages');
      assert.equal(whole.sessions.length, 30);
    });
  });

  it('refuses a call id that is not an identifier before sending anything', async () => {
    await assert.rejects(client.getCallRecord(TENANT_A, '../subscriptions'), /not a call record id/);
    assert.equal(env.graph.stats.requests, 0);
  });
});
