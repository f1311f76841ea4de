import assert from 'node:assert/strict';
import { backoffDelay, withSendRetries, type SendRetryOptions } from '../../src/bot/send-retry';
import { ProactiveMessenger } from '../../src/bot/proactive-messenger';
import { TeamsSendError } from '../../src/bot/teams-send-error';
import { createTeamsAdapter } from '../../src/bot/teams-adapter';
import type { ConversationRecord } from '../../src/store';
import { LoopbackBotConnector } from '../support/loopback-bot-connector';

function failure(status: number, code?: string, retryAfterSeconds?: number) {
  const headers = new Map<string, string>(retryAfterSeconds === undefined ? [] : [['retry-after', String(retryAfterSeconds)]]);
  return Object.assign(new Error(`HTTP ${status}`), {
    statusCode: status,
    response: { status, headers: { get: (name: string) => headers.get(name.toLowerCase()) }, bodyAsText: JSON.stringify({ error: { code: code ?? 'Error', message: 'refused' } }) },
  });
}

describe('bot: retries of Bot Connector calls', () => {
  const waits: number[] = [];
  const options: SendRetryOptions = { attempts: 4, baseDelayMs: 100, maxDelayMs: 60_000, sleep: async (ms) => void waits.push(ms), random: () => 0.5 };

  beforeEach(() => {
    waits.length = 0;
  });

  it('backs off exponentially with jitter over the upper half, never under Retry-After', () => {
    const fixed = { baseDelayMs: 1_000, random: () => 0 };
    assert.deepEqual([1, 2, 3, 4].map((attempt) => backoffDelay(attempt, undefined, fixed)), [500, 1_000, 2_000, 4_000]);
    assert.equal(backoffDelay(1, undefined, { baseDelayMs: 1_000, random: () => 0.999 }), 1_000);
    assert.equal(backoffDelay(1, 7_000, fixed), 7_000);
  });

  for (const status of [429, 412, 502, 504]) {
    it(`retries ${status} and succeeds`, async () => {
      let calls = 0;
      const result = await withSendRetries('Sending', async () => {
        calls++;
        if (calls < 3) throw failure(status);
        return 'ok';
      }, options);
      assert.equal(result, 'ok');
      assert.equal(calls, 3);
      assert.deepEqual(waits, [75, 150]);
    });
  }

  it('waits at least what Retry-After asks', async () => {
    let calls = 0;
    await withSendRetries('Sending', async () => {
      if (++calls === 1) throw failure(429, 'TooManyRequests', 3);
    }, options);
    assert.deepEqual(waits, [3_000]);
  });

  it('does not retry 403 or 404 and throws a TeamsSendError with the status and code', async () => {
    let calls = 0;
    await assert.rejects(
      withSendRetries('Sending to chat x', async () => {
        calls++;
        throw failure(403, 'MessageWritesBlocked');
      }, options),
      (error: unknown) => error instanceof TeamsSendError && error.status === 403 && error.code === 'MessageWritesBlocked' && /Sending to chat x failed after 1 try with HTTP 403 MessageWritesBlocked/.test(error.message),
    );
    assert.equal(calls, 1);
  });

  it('gives up after the last try, and at once when Retry-After is longer than it may wait', async () => {
    await assert.rejects(withSendRetries('Sending', async () => Promise.reject(failure(502)), options), /failed after 4 tries with HTTP 502/);
    waits.length = 0;
    await assert.rejects(withSendRetries('Sending', async () => Promise.reject(failure(429, 'TooManyRequests', 120)), options), /failed after 1 try/);
    assert.deepEqual(waits, []);
  });

  it('reads the status, the code and Retry-After from the real connector client\'s errors', async () => {
    const connector = await new LoopbackBotConnector().start();
    try {
      // 412 is not retried by the connector client itself, so the bot's own retry sees the header.
      connector.throttle('a:chat', 1, 7, 412);
      const adapter = createTeamsAdapter({ type: 'MultiTenant', adminUserIds: [], proactiveInstall: false });
      const messenger = new ProactiveMessenger(() => adapter, '', options);
      const record: ConversationRecord = {
        key: 'a:chat', kind: 'personal', tenantId: 't', userAadId: 'u', teamId: null, channelId: null, serviceUrl: connector.serviceUrl,
        reference: { channelId: 'msteams', serviceUrl: connector.serviceUrl, conversation: { id: 'a:chat' }, bot: { id: '28:bot' }, user: { id: 'u' } },
        installedAt: 0, deadReason: null,
      };
      const id = await messenger.post(record, { type: 'message', text: 'hello' });
      assert.ok(id);
      assert.deepEqual(waits, [7_000]);
      assert.deepEqual(connector.requests.map((request) => request.status), [412, 201]);
    } finally {
      await connector.stop();
    }
  });
});
