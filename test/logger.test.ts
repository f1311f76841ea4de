import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type restify from 'restify';
import { createLogger, type Logger } from '../src/logger';
import { createServer, listen } from '../src/server';
import { openSqliteStore, type Store } from '../src/store';
import { IngestStatus, notificationRoutes } from '../src/ingest';

const TENANT = 'dc368399-474c-4d40-900c-6265431fd81f';
const SECRET = 'the-expected-client-state-0123456789';
const FORGED = 'a-forged-client-state-9876543210';

/** A real pino logger writing JSON lines into memory. */
function bufferedLogger(): { logger: Logger; lines: () => Array<Record<string, unknown>>; text: () => string } {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  const logger = createLogger('info', sink);
  return {
    logger,
    text: () => text,
    lines: () =>
      text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('logger redaction', () => {
  it('hides secrets wherever they sit', () => {
    const { logger, lines, text } = bufferedLogger();
    logger.info({ clientState: SECRET, subscription: { clientState: SECRET }, password: 'p4ss', graph: { clientSecret: 's3cret' }, headers: { authorization: 'Bearer eyJ' } }, 'secrets');
    const [line] = lines();
    assert.equal(line!.clientState, '[redacted]');
    assert.deepEqual(line!.subscription, { clientState: '[redacted]' });
    assert.equal(line!.password, '[redacted]');
    assert.deepEqual(line!.graph, { clientSecret: '[redacted]' });
    for (const secret of [SECRET, 'p4ss', 's3cret', 'eyJ']) assert.ok(!text().includes(secret), secret);
  });

  it('keeps a count that sits under a secret’s name (dropped.clientState)', () => {
    const { logger, lines } = bufferedLogger();
    logger.warn({ dropped: { clientState: 3, tenant: 1, malformed: 0 } }, 'dropped');
    assert.deepEqual(lines()[0]!.dropped, { clientState: 3, tenant: 1, malformed: 0 });
  });

  describe('the webhook’s log of dropped notifications', () => {
    let store: Store;
    let server: restify.Server;
    let base: string;
    let log: ReturnType<typeof bufferedLogger>;

    beforeEach(async () => {
      store = openSqliteStore({ path: ':memory:' });
      log = bufferedLogger();
      server = createServer(log.logger, [notificationRoutes({ inbox: store.inbox, status: new IngestStatus(), logger: log.logger, clientState: SECRET, allowedTenants: [TENANT] })]);
      base = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
    });
    afterEach(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    });

    it('shows how many had a wrong clientState, and neither client state', async () => {
      const forged = (id: string) => ({
        subscriptionId: 'sub-1',
        clientState: FORGED,
        changeType: 'created',
        resource: `communications/callRecords/${id}`,
        resourceData: { id },
        tenantId: TENANT,
      });
      const response = await fetch(`${base}/api/notifications`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ value: [forged('11111111-1111-1111-1111-111111111111'), forged('22222222-2222-2222-2222-222222222222')] }),
      });
      assert.equal(response.status, 202);
      const line = log.lines().find((entry) => String(entry.msg).startsWith('dropped notifications'));
      assert.ok(line, log.text());
      assert.equal((line.dropped as Record<string, unknown>).clientState, 2);
      assert.ok(!log.text().includes(SECRET) && !log.text().includes(FORGED), 'no client state in the log');
    });
  });
});
