import assert from 'node:assert/strict';
import { HttpRequestCounter } from './http-request-counter';

const post = (body: string) => `POST /q/messages HTTP/1.1\r\nHost: x\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
const get = 'GET /t(PartitionKey=%27a%27) HTTP/1.1\r\nHost: x\r\n\r\n';
const chunked = 'PUT /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n';

describe('HttpRequestCounter', () => {
  // Bodies that look like heads must not be counted: they are skipped by their length.
  const stream = post('GET / HTTP/1.1\r\n\r\n') + get + chunked + post('{"a":1}');

  it('counts each request once when they arrive in one piece', () => {
    const counter = new HttpRequestCounter();
    counter.push(Buffer.from(stream));
    assert.equal(counter.requests, 4);
  });

  it('counts the same however the bytes are cut', () => {
    for (const size of [1, 2, 7, 13]) {
      const counter = new HttpRequestCounter();
      for (let at = 0; at < stream.length; at += size) counter.push(Buffer.from(stream.slice(at, at + size)));
      assert.equal(counter.requests, 4, `cut every ${size} bytes`);
    }
  });

  it('counts a head only once it is complete', () => {
    const counter = new HttpRequestCounter();
    counter.push(Buffer.from('DELETE /x HTTP/1.1\r\nHost: x\r\n'));
    assert.equal(counter.requests, 0);
    counter.push(Buffer.from('\r\n'));
    assert.equal(counter.requests, 1);
  });
});
