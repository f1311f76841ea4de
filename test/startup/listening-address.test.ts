import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { assertCompiledBotIsFresh, startCompiledBot, type ServingBot } from './compiled-bot';

const APP_ID = '0d8d3c55-3a4e-4c8c-9d59-6d2c8d1e7a10';
const HEALTH_KEY = 'a-health-key-of-32-characters-00';

/** An address of this machine that is not loopback, when it has one (a container always has eth0). */
function networkAddress(): string | undefined {
  return Object.values(os.networkInterfaces())
    .flat()
    .find((entry) => entry && entry.family === 'IPv4' && !entry.internal)?.address;
}

/** Resolves with the HTTP status of GET /healthz at `host`, or the connection error's code. */
async function healthStatusAt(host: string, port: number, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> } | string> {
  try {
    const response = await fetch(`http://${host.includes(':') ? `[${host}]` : host}:${port}/healthz`, { headers, signal: AbortSignal.timeout(10_000) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  } catch (error) {
    return String(((error as Error).cause as NodeJS.ErrnoException | undefined)?.code ?? error);
  }
}

const listeningLine = (bot: ServingBot) => bot.logLines().find((line) => String(line.msg).startsWith('listening on port'))!;
const securityWarnings = (bot: ServingBot) => bot.logLines().filter((line) => line.level === 40 && String(line.msg).startsWith('SECURITY'));

/**
 * Where the compiled bot listens. Without BOT_ID nothing is authenticated, so it stays on
 * loopback unless the operator opts in (and is warned); with BOT_ID it serves every interface.
 */
describe('listening address and request deadline (the compiled bot as a process)', function () {
  this.timeout(120_000);
  const external = networkAddress();
  let scratch: string;
  let local: ServingBot;
  let exposed: ServingBot;
  let authenticated: ServingBot;

  before(async () => {
    assertCompiledBotIsFresh();
    scratch = mkdtempSync(path.join(os.tmpdir(), 'cqb-listen-'));
    const data = (name: string) => path.join(scratch, name);
    [local, exposed, authenticated] = await Promise.all([
      startCompiledBot({ PORT: '0', DATA_DIR: data('local') }),
      startCompiledBot({ PORT: '0', DATA_DIR: data('exposed'), ALLOW_REMOTE_UNAUTHENTICATED: 'true', HEALTH_KEY }),
      startCompiledBot({ PORT: '0', DATA_DIR: data('authenticated'), BOT_ID: APP_ID, BOT_PASSWORD: 'a-bot-password' }),
    ]);
  });
  after(async () => {
    await Promise.all([local, exposed, authenticated].filter(Boolean).map((bot) => bot.stop()));
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('without BOT_ID listens on 127.0.0.1 only, and says so', async () => {
    assert.equal(listeningLine(local).host, '127.0.0.1');
    assert.match(local.output(), /BOT_ID is not set: .*listens on 127\.0\.0\.1 only/);
    assert.deepEqual(securityWarnings(local), []);
    const reached = await healthStatusAt('127.0.0.1', local.port);
    assert.equal(typeof reached === 'object' && reached.status, 200);
    if (external) assert.equal(await healthStatusAt(external, local.port), 'ECONNREFUSED', `not reachable on ${external}`);
  });

  it('without BOT_ID but with ALLOW_REMOTE_UNAUTHENTICATED=true listens everywhere and warns once, loudly', async () => {
    assert.match(String(listeningLine(exposed).host), /^(::|0\.0\.0\.0)$/);
    const warnings = securityWarnings(exposed);
    assert.equal(warnings.length, 1, exposed.output());
    assert.match(String(warnings[0]!.msg), /UNAUTHENTICATED requests on every network interface/);
    if (external) {
      const reached = await healthStatusAt(external, exposed.port);
      assert.equal(typeof reached === 'object' && reached.status, 200, String(reached));
    }
  });

  it('with BOT_ID listens on every interface without a warning', async () => {
    assert.match(String(listeningLine(authenticated).host), /^(::|0\.0\.0\.0)$/);
    assert.deepEqual(securityWarnings(authenticated), []);
    assert.doesNotMatch(authenticated.output(), /BOT_ID is not set/);
  });

  it('gives a client on the network the verdict and counts only, and the details with HEALTH_KEY', async () => {
    // From the machine's own network address the client is not on loopback (without one, only loopback exists to test).
    const host = external ?? '127.0.0.1';
    const anonymous = await healthStatusAt(host, exposed.port);
    assert.ok(typeof anonymous === 'object', String(anonymous));
    if (external) {
      assert.deepEqual(Object.keys(anonymous.body).sort(), ['counts', 'now', 'reasons', 'status']);
    }
    const keyed = await healthStatusAt(host, exposed.port, { authorization: `Bearer ${HEALTH_KEY}` });
    assert.ok(typeof keyed === 'object' && Array.isArray(keyed.body.problems) && typeof keyed.body.inbox === 'object', JSON.stringify(keyed));
    const wrong = await healthStatusAt(host, exposed.port, { 'x-health-key': 'not-the-key' });
    assert.equal(typeof wrong === 'object' && wrong.status, 401);
  });

  it('cuts off a client that trickles its body after the 10 s deadline, with 408', async () => {
    const started = Date.now();
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(local.port, '127.0.0.1');
      let received = '';
      let trickle: NodeJS.Timeout | undefined;
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (received += chunk));
      socket.on('error', reject);
      socket.on('close', () => {
        clearInterval(trickle);
        resolve(received);
      });
      socket.write('POST /api/notifications HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{');
      // One byte every half second: the body would take over 8 minutes.
      trickle = setInterval(() => socket.write(' '), 500);
    });
    const elapsed = Date.now() - started;
    assert.match(answer, /^HTTP\/1\.1 408/);
    assert.ok(elapsed >= 9_000, `not before the deadline (${elapsed} ms)`);
    assert.ok(elapsed < 30_000, `well before Node's 300 s default (${elapsed} ms)`);
  });
});
