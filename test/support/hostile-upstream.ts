import assert from 'node:assert/strict';

/** Hostile upstream error text for tests of the sanitising, and the check that text came out clean. */

/** A JWT-shaped token and a signature that must never be quoted back. */
export const HOSTILE_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJ0aWQiOiJ2aWN0aW0ifQ.aG9zdGlsZS1zaWduYXR1cmU';
export const HOSTILE_SIGNATURE = 'sv=2024-01-01&sig=SIGNATURE%2BVALUE';

/**
 * An error message as a hostile or broken upstream might send it: 10 KB, line breaks that would
 * forge log lines, an echoed Authorization header, a URL with a SAS signature, an echoed body.
 */
export function hostileMessage(secret: string): string {
  return [
    'Upstream refused the request.',
    '{"level":60,"msg":"forged log line"}',
    `Authorization: Bearer ${HOSTILE_TOKEN}`,
    `See https://files.example/dump.txt?${HOSTILE_SIGNATURE} for details.`,
    `Request body was: {"client_secret":"${secret}","grant_type":"client_credentials"}`,
    'x'.repeat(10 * 1024),
  ].join('\r\n');
}

/** Markers no sanitised text may carry: line breaks, credentials, query strings, echoed bodies. */
export function assertSanitized(text: string, secrets: readonly string[] = []): void {
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(text, /[\u0000-\u001f\u007f]/, `control characters in: ${JSON.stringify(text.slice(0, 200))}`);
  assert.doesNotMatch(text, /eyJ[A-Za-z0-9_-]{4,}\./, 'a JWT');
  assert.doesNotMatch(text, /Bearer\s+(?!\[redacted\])\S/i, 'a bearer token');
  assert.doesNotMatch(text, /[?&]sig=/i, 'a signed query string');
  for (const secret of secrets) assert.ok(!text.includes(secret), `the secret ${secret} is quoted`);
}

