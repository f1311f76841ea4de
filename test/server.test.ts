import assert from 'node:assert/strict';
import type { Server as HttpServer } from 'node:http';
import { connect } from 'node:net';
import type restify from 'restify';
import { StartupError } from '../src/config';
import { createLogger } from '../src/logger';
import { createServer, listen, REQUEST_DEADLINE_MS } from '../src/server';

/** Sends `head` and then one byte of `trickle` every 100 ms; resolves with what came back once the server closes. */
function slowClient(port: number, head: string, trickle: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    let at = 0;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', reject);
    const timer = setInterval(() => {
      if (at < trickle.length) socket.write(trickle[at++]!);
    }, 100);
    socket.on('close', () => {
      clearInterval(timer);
      resolve(received);
    });
    socket.write(head);
  });
}

const close = (server: restify.Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe('HTTP server: request deadline and listen errors', () => {
  const logger = createLogger('silent');
  let server: restify.Server;
  let port: number;
  let bodiesRead: string[];

  beforeEach(async () => {
    bodiesRead = [];
    server = createServer(
      logger,
      [
        (routes) =>
          routes.post('/echo', (req: restify.Request, res: restify.Response, next: restify.Next) => {
            let body = '';
            req.setEncoding('utf8');
            req.on('data', (chunk: string) => (body += chunk));
            req.on('end', () => {
              bodiesRead.push(body);
              res.send(200, body);
              next();
            });
          }),
      ],
      { requestDeadlineMs: 600 },
    );
    port = await listen(server, 0, '127.0.0.1');
  });
  afterEach(() => close(server));

  it('gives the whole request 10 s by default, not Node’s 300 s', () => {
    const defaults = createServer(logger, []);
    const http = defaults.server as HttpServer;
    assert.equal(REQUEST_DEADLINE_MS, 10_000);
    assert.equal(http.requestTimeout, REQUEST_DEADLINE_MS);
    assert.equal(http.headersTimeout, REQUEST_DEADLINE_MS);
  });

  it('answers 408 and closes when the body trickles past the deadline', async () => {
    const answer = await slowClient(port, 'POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 200\r\n\r\n', 'x'.repeat(200));
    assert.match(answer, /^HTTP\/1\.1 408/);
    assert.deepEqual(bodiesRead, [], 'the handler never got a whole body');
  });

  it('answers 408 and closes when the headers trickle past the deadline (slowloris)', async () => {
    const answer = await slowClient(port, 'POST /echo HTTP/1.1\r\n', 'X-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n');
    assert.match(answer, /^HTTP\/1\.1 408/);
  });

  it('serves a request that arrives in time', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/echo`, { method: 'POST', body: '{"hello":1}' });
    assert.equal(response.status, 200);
    assert.deepEqual(bodiesRead, ['{"hello":1}']);
  });

  it('says which PORT is in use, as a start-up error', async () => {
    const second = createServer(logger, []);
    await assert.rejects(listen(second, port, '127.0.0.1'), (error: unknown) => error instanceof StartupError && error.message === `PORT ${port} is already in use on 127.0.0.1: stop the program that holds it, or set PORT to a free port.`);
  });

  it('says when HOST is not an address of this machine', async () => {
    const elsewhere = createServer(logger, []);
    await assert.rejects(listen(elsewhere, 0, '192.0.2.254'), (error: unknown) => error instanceof StartupError && /HOST=192\.0\.2\.254 is not an address of this machine/.test(error.message));
  });
});
