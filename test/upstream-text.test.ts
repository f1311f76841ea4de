import assert from 'node:assert/strict';
import { MAX_UPSTREAM_MESSAGE_LENGTH, sanitizeServiceCode, sanitizeUpstreamText } from '../src/upstream-text';
import { assertSanitized } from './support/hostile-upstream';

describe('sanitizeUpstreamText: upstream error text made fit for logs, the inbox and /healthz', () => {
  it('keeps a plain message as it is', () => {
    assert.equal(sanitizeUpstreamText("Resource 'communications/callRecords/abc' was not found."), "Resource 'communications/callRecords/abc' was not found.");
  });

  it('folds newlines and control characters into spaces, so no log line can be forged', () => {
    const text = sanitizeUpstreamText('first line\r\n{"level":60,"msg":"forged"}\n\u001b[31mred\u0007 end\u2028more');
    assertSanitized(text);
    assert.equal(text.includes('\n'), false);
    assert.match(text, /^first line /);
    assert.match(text, /red end more$/);
  });

  it('caps a 10 KB message', () => {
    const text = sanitizeUpstreamText(`${'x'.repeat(10_000)} tail`);
    assert.ok(text.length <= MAX_UPSTREAM_MESSAGE_LENGTH, `${text.length} characters`);
    assert.ok(text.endsWith('…'));
    assert.equal(sanitizeUpstreamText('abcdef', 4), 'abc…');
  });

  it('redacts bearer tokens, JWTs and secret pairs', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJ0aWQiOiJ0In0.c2lnbmF0dXJlLXZhbHVl';
    const text = sanitizeUpstreamText(`Authorization: Bearer ${jwt} then a bare ${jwt}, client_secret=s3cr3t-value&x=1 password: "hunter22" clientState=state-abc`);
    assertSanitized(text, [jwt, 's3cr3t-value', 'hunter22', 'state-abc']);
    assert.match(text, /\[redacted\]/);
  });

  it('names a URL by origin and path only: no query string, no fragment, no user info', () => {
    const text = sanitizeUpstreamText('Go to https://user:pw@storage.example/container/blob.json?sv=2024&sig=abc%2Fdef#frag, then retry.');
    assertSanitized(text, ['abc%2Fdef', 'pw@', 'frag']);
    assert.match(text, /https:\/\/\[redacted\]@storage\.example\/container\/blob\.json, then retry\.$/);
  });

  it('elides echoed request bodies: JSON objects and form data', () => {
    const text = sanitizeUpstreamText(
      'Invalid body {"changeType":"created","clientState":"very-secret-state","nested":{"a":1}} and grant_type=client_credentials&client_id=abc&scope=x',
    );
    assertSanitized(text, ['very-secret-state', 'client_credentials']);
    assert.equal(text, 'Invalid body {…} and [form data]');
  });

  it('makes text of anything, and nothing of undefined', () => {
    assert.equal(sanitizeUpstreamText(undefined), '');
    assert.equal(sanitizeUpstreamText(null), '');
    assert.equal(sanitizeUpstreamText(42), '42');
  });

  it('keeps a service code only when it is an identifier', () => {
    assert.equal(sanitizeServiceCode('TooManyRequests'), 'TooManyRequests');
    assert.equal(sanitizeServiceCode('invalid_client'), 'invalid_client');
    assert.equal(sanitizeServiceCode('Bad\nRequest'), undefined);
    assert.equal(sanitizeServiceCode('x'.repeat(100)), undefined);
    assert.equal(sanitizeServiceCode(404), undefined);
  });
});
