/** The longest upstream message kept (Graph's own messages are one or two sentences). */
export const MAX_UPSTREAM_MESSAGE_LENGTH = 300;

/** A service error code is an identifier (`NotFound`, `invalid_client`, `AADSTS7000215`, `90006`); anything else is not kept. */
const SERVICE_CODE = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

/**
 * Makes text that came from another service (Graph's `error.message`, Entra ID's
 * `error_description`, a network library's error) fit to be written into our logs, the inbox's
 * `lastError` and `/healthz`. Those are read by people and tools that trust them, while the text
 * is whatever the other end (or something posing as it) chose to send. So the result:
 *
 * - has no control characters or line breaks (no forged log lines, no terminal escapes);
 * - carries no credential: `Bearer`/`Basic` values, JWTs, and `secret=`, `sig=`, `token=`… pairs
 *   are replaced by `[redacted]`;
 * - names URLs by origin and path only (a query string such as `?sig=…` or a fragment is dropped);
 * - echoes no request body: JSON objects and form-encoded strings inside the text are elided;
 * - is at most `maxLength` characters (cut with `…`).
 *
 * Every place where upstream text enters our state goes through this one function.
 */
export function sanitizeUpstreamText(text: unknown, maxLength = MAX_UPSTREAM_MESSAGE_LENGTH): string {
  if (text === undefined || text === null) return '';
  // Work on a bounded prefix: a 10 MB message must not cost 10 MB of regular expressions.
  let value = String(text).slice(0, maxLength * 8);
  // eslint-disable-next-line no-control-regex
  value = value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
  value = value.replace(/\b[a-z][a-z0-9+.-]{1,15}:\/\/[^\s"'<>()\\]+/gi, (url) => urlWithoutQuery(url));
  value = value.replace(/\b(Bearer|Basic|Negotiate|PoP)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]');
  value = value.replace(/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*)?/g, '[redacted token]');
  value = value.replace(
    /\b((?:client_)?secret|client_assertion|assertion|password|passwd|access_token|refresh_token|id_token|token|sig|signature|api[_-]?key|clientState|authorization)(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s&,;"']+)/gi,
    '$1$2[redacted]',
  );
  value = value.replace(/\b[A-Za-z_][A-Za-z0-9_]*=[^\s&]*(?:&[A-Za-z_][A-Za-z0-9_]*=[^\s&]*)+/g, '[form data]');
  // Innermost JSON objects first, until none is left: an echoed request body goes whole.
  // (Elided objects become a control character, gone from the text by now, so the outer one matches next.)
  for (let pass = 0; pass < 8 && /\{[^{}]*\}/.test(value); pass += 1) value = value.replace(/\{[^{}]*\}/g, '\u0001');
  value = value.replace(/\u0001+/g, '{…}');
  value = value.replace(/\s+/g, ' ').trim();
  if (value.length > maxLength) value = `${value.slice(0, maxLength - 1).trimEnd()}…`;
  return value;
}

/** The service's error code when it is a plain identifier, else undefined (never free text). */
export function sanitizeServiceCode(code: unknown): string | undefined {
  return typeof code === 'string' && SERVICE_CODE.test(code) ? code : undefined;
}

function urlWithoutQuery(text: string): string {
  // A URL ends before trailing punctuation of the sentence it sits in.
  const trailing = /[.,;:!?]+$/.exec(text)?.[0] ?? '';
  const url = trailing ? text.slice(0, -trailing.length) : text;
  try {
    const parsed = new URL(url);
    const credentials = parsed.username || parsed.password ? '[redacted]@' : '';
    return `${parsed.protocol}//${credentials}${parsed.host}${parsed.pathname}${trailing}`;
  } catch {
    return `[url]${trailing}`;
  }
}
