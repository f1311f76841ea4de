import assert from 'node:assert/strict';
import { HttpRequestScanner } from './http-request-scanner';
import { requestKind } from './latency-proxy';

/** Feeds `text` to a fresh scanner cut into pieces of `size` bytes; returns every request line found. */
function scanInPieces(text: string, size: number): string[] {
  const scanner = new HttpRequestScanner();
  const bytes = Buffer.from(text, 'latin1');
  const lines: string[] = [];
  for (let at = 0; at < bytes.length; at += size) lines.push(...scanner.feed(bytes.subarray(at, at + size)));
  return lines;
}

describe('HttpRequestScanner', () => {
  // Three keep-alive requests: a GET without a body, a PUT whose body contains a blank line and
  // something that looks like a request line, and a chunked POST with a trailer.
  const stream =
    'GET /a HTTP/1.1\r\nHost: x\r\n\r\n' +
    'PUT /b HTTP/1.1\r\nContent-Length: 26\r\n\r\n' +
    '\r\n\r\nGET /fake HTTP/1.1\r\n\r\n' +
    'POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n' +
    '5\r\nhello\r\n' +
    'a;ext=1\r\n\r\n\r\nGET /x\r\n' +
    '0\r\nX-Trailer: 1\r\n\r\n' +
    'DELETE /d HTTP/1.1\r\nContent-Length: 0\r\n\r\n';
  const expected = ['GET /a HTTP/1.1', 'PUT /b HTTP/1.1', 'POST /c HTTP/1.1', 'DELETE /d HTTP/1.1'];

  it('finds each request once, skipping bodies by Content-Length and by chunks, whatever the chunking', () => {
    for (const size of [1, 2, 3, 7, 16, 1000]) assert.deepEqual(scanInPieces(stream, size), expected, `in pieces of ${size} bytes`);
  });

  it('takes a chunked body without trailers', () => {
    assert.deepEqual(scanInPieces('POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\nGET /e HTTP/1.1\r\n\r\n', 4), ['POST /c HTTP/1.1', 'GET /e HTTP/1.1']);
  });

  it('says which resource a storage request named', () => {
    assert.equal(requestKind("GET /devstoreaccount1/drain1inbox(PartitionKey='t',RowKey='c')?$select=x HTTP/1.1"), 'GET drain1inbox()');
    assert.equal(requestKind('DELETE /devstoreaccount1/drain1alerts/messages/0f3a?popreceipt=abc HTTP/1.1'), 'DELETE drain1alerts/messages');
    assert.equal(requestKind('POST /devstoreaccount1/$batch HTTP/1.1'), 'POST $batch');
  });
});
