import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger';
import { disabledTelemetry, type Telemetry, type TelemetrySpan } from '../telemetry';
import { GraphRequestError, isRetryableStatus } from './graph-request-error';
import type { GraphTokenProvider } from './graph-token-provider';
import type { RateLimit, RequestRateLimiter } from './request-rate-limiter';
import { parseRetryAfterMs } from './retry-after';
import { sanitizeServiceCode, sanitizeUpstreamText } from '../upstream-text';

/** One request through {@link GraphTransport}. */
export interface GraphTransportRequest {
  tenantId: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Absolute URL on the configured Graph origin. */
  url: string;
  /** Operation name for logs and errors, with ids replaced by placeholders. */
  operation: string;
  body?: unknown;
  /** Narrower limits than the tenant's (call record, list), acquired before the tenant's. */
  limits?: ReadonlyArray<{ key: string; rule: RateLimit }>;
}

/** What {@link GraphTransport} needs. */
export interface GraphTransportOptions {
  /** The Graph base URL, e.g. `https://graph.microsoft.com/v1.0` (no trailing slash). */
  baseUrl: string;
  tokens: GraphTokenProvider;
  limiter: RequestRateLimiter;
  tenantLimit: RateLimit;
  logger: Logger;
  fetch: typeof fetch;
  now: () => number;
  timeoutMs: number;
  /** One client span per request (a child of the caller's span, e.g. the fetch of a call) and the 429 counter. */
  telemetry?: Telemetry;
}

/** The first this many characters of an error body are read for Graph's error code. */
const MAX_ERROR_BODY = 64 * 1024;

/**
 * Sends one Graph request: token, rate-limit permits, `fetch` with a timeout, and the answer
 * or a {@link GraphRequestError}. It never retries; 429s with `Retry-After` pause the tenant's
 * other requests for that long so they do not pile onto a throttled tenant.
 */
export class GraphTransport {
  readonly origin: string;
  private readonly telemetry: Telemetry;

  constructor(private readonly options: GraphTransportOptions) {
    this.origin = new URL(options.baseUrl).origin;
    this.telemetry = options.telemetry ?? disabledTelemetry();
  }

  /** The base URL joined with a path that starts with `/`. */
  url(path: string): string {
    return `${this.options.baseUrl}${path}`;
  }

  /**
   * Resolves a next link from a Graph answer, refusing any link whose origin (scheme, host,
   * port) is not the configured Graph origin: a poisoned answer must not make us send our
   * bearer token elsewhere. Relative links resolve against the base URL.
   */
  checkNextLink(link: unknown, tenantId: string, operation: string): string {
    let url: URL | undefined;
    if (typeof link === 'string') {
      try {
        url = new URL(link, `${this.options.baseUrl}/`);
      } catch {
        url = undefined;
      }
    }
    if (!url || url.origin !== this.origin) {
      const shown = typeof link === 'string' ? safeOrigin(link) : typeof link;
      this.options.logger.warn(
        { tenantId, operation, nextLinkOrigin: shown, graphOrigin: this.origin },
        'Refused a Graph next link that points away from the configured Graph origin; the result is incomplete and was not used.',
      );
      throw new GraphRequestError(
        `Graph answered ${operation} with a next link to ${shown}, which is not the configured Graph origin ${this.origin}; it was not followed (a poisoned or misrouted answer). Check GRAPH_BASE_URL.`,
        { kind: 'foreign-next-link', operation, tenantId, retryable: false },
      );
    }
    return url.href;
  }

  /** Sends the request; resolves with the parsed JSON body (undefined for 204). */
  async send(request: GraphTransportRequest): Promise<unknown> {
    const { tenantId } = request;
    const permits = [];
    try {
      for (const limit of request.limits ?? []) permits.push(await this.options.limiter.acquire(limit.key, limit.rule));
      permits.push(await this.options.limiter.acquire(tenantKey(tenantId), this.options.tenantLimit));
      // The token is taken after the wait for capacity, so a long queue never sends a stale one.
      const token = await this.options.tokens.getAccessToken(tenantId);
      // The span covers the HTTP exchange only: waiting for rate-limit capacity is not Graph's time.
      return await this.telemetry.withSpan(
        request.operation,
        {
          kind: 'client',
          attributes: {
            'http.request.method': request.method,
            'url.full': request.url,
            'server.address': new URL(request.url).hostname,
            'callquality.tenant_id': tenantId,
          },
        },
        (span) => this.exchange(request, token, span),
      );
    } finally {
      for (const permit of permits) permit.release();
    }
  }

  private async exchange(request: GraphTransportRequest, token: string, span: TelemetrySpan): Promise<unknown> {
    const { tenantId, operation } = request;
    const clientRequestId = randomUUID();
    const headers: Record<string, string> = {
      authorization: `Bearer ${token}`,
      accept: 'application/json',
      prefer: 'include-unknown-enum-members',
      'client-request-id': clientRequestId,
    };
    let body: string | undefined;
    if (request.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.body);
    }
    let response: Response;
    let text: string;
    try {
      response = await this.options.fetch(request.url, {
        method: request.method,
        headers,
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
        redirect: 'manual',
      });
      text = response.ok ? await response.text() : await readLimited(response, MAX_ERROR_BODY);
    } catch (error) {
      throw this.transportError(error, request);
    }
    const requestId = response.headers.get('request-id') ?? undefined;
    span.setAttributes({ 'http.response.status_code': response.status, 'callquality.graph.request_id': requestId });
    if (response.ok) {
      if (response.status === 204 || text.trim() === '') return undefined;
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new GraphRequestError(`Graph answered ${operation} with ${response.status} but a body that is not JSON.`, {
          kind: 'invalid-response',
          operation,
          tenantId,
          status: response.status,
          retryable: true,
          requestId,
        });
      }
    }
    const { code, message } = readGraphError(text);
    const retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after'), this.options.now());
    if (response.status === 429) {
      this.telemetry.countGraphThrottled(operation);
      this.options.logger.warn({ tenantId, operation, retryAfterMs, requestId }, 'Graph throttled a request (429).');
      if (retryAfterMs !== undefined) {
        this.options.limiter.pause(tenantKey(tenantId), this.options.tenantLimit, this.options.now() + retryAfterMs);
      }
    }
    if (response.status === 401) this.options.tokens.invalidate(tenantId);
    throw new GraphRequestError(
      `Graph answered ${operation} with ${response.status}${code ? ` ${code}` : ''}${message ? `: ${message.replace(/[.\s]+$/, '')}` : ''}${explainStatus(response.status)}`,
      {
        kind: 'http',
        operation,
        tenantId,
        status: response.status,
        code,
        retryAfterMs,
        retryable: isRetryableStatus(response.status),
        requestId,
      },
    );
  }

  private transportError(error: unknown, request: GraphTransportRequest): GraphRequestError {
    const { tenantId, operation } = request;
    const name = (error as { name?: string })?.name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      return new GraphRequestError(`Graph did not answer ${operation} within ${this.options.timeoutMs} ms.`, {
        kind: 'timeout',
        operation,
        tenantId,
        retryable: true,
        cause: error,
      });
    }
    const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
    const detail = sanitizeUpstreamText(cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error), 120) || 'no detail';
    return new GraphRequestError(`Could not reach Graph for ${operation} (${detail}).`, {
      kind: 'network',
      operation,
      tenantId,
      retryable: true,
      cause: error,
    });
  }
}

/** The limiter key of a tenant's overall budget. */
export function tenantKey(tenantId: string): string {
  return `tenant:${tenantId}`;
}

function explainStatus(status: number): string {
  if (status === 401) return ' (the access token was refused; a fresh one is requested next time).';
  if (status === 403) return ' (the app lacks the CallRecords.Read.All application permission, or admin consent, in this tenant).';
  return '.';
}

/**
 * Graph's error body, `{"error":{"code":"…","message":"…"}}`: the code when it is an identifier,
 * and the message bounded and sanitised (it goes into logs, the inbox and `/healthz`).
 */
function readGraphError(text: string): { code?: string; message?: string } {
  try {
    const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    const code = sanitizeServiceCode(parsed?.error?.code);
    const message = typeof parsed?.error?.message === 'string' ? sanitizeUpstreamText(parsed.error.message) || undefined : undefined;
    return { code, message };
  } catch {
    return {};
  }
}

async function readLimited(response: Response, limit: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size >= limit) {
      await reader.cancel();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, limit);
}

function safeOrigin(link: string): string {
  try {
    return new URL(link).origin;
  } catch {
    return 'an unreadable URL';
  }
}
