import assert from 'node:assert/strict';
import { GraphRequestError, type GraphClient } from '../../src/graph';
import { assertSanitized, hostileMessage, HOSTILE_SIGNATURE, HOSTILE_TOKEN } from '../support/hostile-upstream';
import { callRecordWithSessions, CLIENT_SECRET, rejectionOf, startGraphTestEnvironment, TENANT_A, type GraphTestEnvironment } from './graph-test-environment';

describe('Graph client: upstream error text is bounded and sanitised before it reaches our state', () => {
  let env: GraphTestEnvironment;
  let client: GraphClient;

  before(async () => {
    env = await startGraphTestEnvironment();
    client = env.client();
    env.graph.putRecord(callRecordWithSessions('hostile-1', 1));
  });

  after(async () => {
    await env.close();
  });

  it('keeps the status and the code of a hostile Graph error, with a short clean message', async () => {
    env.graph.failNext(1, { status: 503, code: 'ServiceUnavailable', message: hostileMessage(CLIENT_SECRET) });
    const error = await rejectionOf(client.getCallRecord(TENANT_A, 'hostile-1'));
    assert.ok(error instanceof GraphRequestError);
    assert.deepEqual([error.status, error.code, error.retryable], [503, 'ServiceUnavailable', true]);
    assertSanitized(error.message, [HOSTILE_TOKEN, HOSTILE_SIGNATURE, CLIENT_SECRET]);
    assert.ok(error.message.length < 600, `${error.message.length} characters`);
    assert.match(error.message, /^Graph answered GET \/communications\/callRecords\/\{id\} with 503 ServiceUnavailable: Upstream refused the request\./);
  });

  it('drops a service code that is not an identifier', async () => {
    env.graph.failNext(1, { status: 400, code: 'Bad\r\nSet-Cookie: x=1', message: 'short' });
    const error = await rejectionOf(client.getCallRecord(TENANT_A, 'hostile-1'));
    assert.ok(error instanceof GraphRequestError);
    assert.equal(error.status, 400);
    assert.equal(error.code, undefined);
    assertSanitized(error.message);
  });

  it('keeps the Entra ID error code of a hostile token refusal, with a short clean message, and logs nothing of it raw', async () => {
    const logged = env.logLines.length;
    env.tokenServer.failNextTokenRequests(1, { status: 400, error: 'invalid_request', errorCode: 900144, description: hostileMessage(CLIENT_SECRET) });
    const error = await rejectionOf(env.client().getCallRecord(TENANT_A, 'hostile-1'));
    env.tokenServer.clearInjectedFailures();
    assert.ok(error instanceof GraphRequestError);
    assert.equal(error.kind, 'token');
    assert.equal(error.code, 'invalid_request');
    assert.equal(error.needsAdmin, true, 'a refused token request waits for an admin');
    assertSanitized(error.message, [HOSTILE_TOKEN, HOSTILE_SIGNATURE, CLIENT_SECRET]);
    assert.ok(error.message.length < 700, `${error.message.length} characters`);
    const lines = JSON.stringify(env.logLines.slice(logged));
    assert.ok(!lines.includes(HOSTILE_TOKEN) && !lines.includes('SIGNATURE%2BVALUE') && !lines.includes('forged log line'), lines.slice(0, 2000));
  });

  it('says a looping or foreign next link, the page cap and a 400 cannot be retried; 403 waits for an admin', async () => {
    env.graph.putRecord(callRecordWithSessions('loop-2', 2), { loopingNextLink: true });
    const looping = await rejectionOf(client.getCallRecord(TENANT_A, 'loop-2'));
    assert.ok(looping instanceof GraphRequestError);
    assert.deepEqual([looping.retryable, looping.needsAdmin], [false, false]);
    env.graph.failNext(1, { status: 403, code: 'Forbidden' });
    const forbidden = await rejectionOf(client.getCallRecord(TENANT_A, 'hostile-1'));
    assert.ok(forbidden instanceof GraphRequestError);
    assert.deepEqual([forbidden.retryable, forbidden.needsAdmin], [false, true]);
    env.graph.failNext(1, { status: 503 });
    const unavailable = await rejectionOf(client.getCallRecord(TENANT_A, 'hostile-1'));
    assert.ok(unavailable instanceof GraphRequestError);
    assert.deepEqual([unavailable.retryable, unavailable.needsAdmin], [true, false]);
  });
});
