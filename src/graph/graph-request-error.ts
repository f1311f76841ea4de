/**
 * Why a Graph request failed:
 * - `http`: Graph answered with a non-2xx status (see `status` and `code`);
 * - `timeout`: no complete answer within the per-request timeout;
 * - `network`: the connection failed (refused, reset, DNS, TLS);
 * - `token`: no access token could be obtained from Microsoft Entra ID;
 * - `invalid-response`: a 2xx answer whose body is not the JSON Graph documents;
 * - `foreign-next-link`: a next link pointed away from the configured Graph origin (refused);
 * - `looping-next-link`: a next link led back to a page already read on the same walk;
 * - `page-cap`: more pages than the configured cap (a runaway next link).
 */
export type GraphFailureKind = 'http' | 'timeout' | 'network' | 'token' | 'invalid-response' | 'foreign-next-link' | 'looping-next-link' | 'page-cap';

/** What {@link GraphRequestError} carries besides its message. */
export interface GraphRequestErrorDetails {
  kind: GraphFailureKind;
  /** The operation, e.g. `GET /communications/callRecords/{id}` (never a token or a secret). */
  operation: string;
  tenantId: string;
  /** HTTP status, for `http` failures (and token endpoint failures that had one). */
  status?: number;
  /** The service's error code: Graph's `error.code` (e.g. `NotFound`, `TooManyRequests`) or Entra ID's `error` (e.g. `invalid_client`). */
  code?: string;
  /** How long the service asked us to wait (from `Retry-After`, seconds or an HTTP date). */
  retryAfterMs?: number;
  /**
   * Whether the same request can succeed later without anyone changing anything: 401 (a fresh
   * token next time), 408, 429, 5xx, timeouts, network failures and unreadable answers. False for
   * answers that would come back the same (400, 404, a foreign or looping next link, the page
   * cap) and for refusals only an admin can lift (403, a refused credential; see `needsAdmin`).
   */
  retryable: boolean;
  /** Graph's `request-id` for support cases. */
  requestId?: string;
  cause?: unknown;
}

/**
 * A failed Graph (or token) request. The client never retries by itself: the caller (the inbox
 * worker) decides from `retryable`, `needsAdmin`, `retryAfterMs` and `status` (404 = not there
 * yet or gone). The message is ours, with at most a bounded, sanitised part of the service's text.
 */
export class GraphRequestError extends Error {
  readonly kind: GraphFailureKind;
  readonly operation: string;
  readonly tenantId: string;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly retryable: boolean;
  readonly requestId: string | undefined;

  constructor(message: string, details: GraphRequestErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'GraphRequestError';
    this.kind = details.kind;
    this.operation = details.operation;
    this.tenantId = details.tenantId;
    this.status = details.status;
    this.code = details.code;
    this.retryAfterMs = details.retryAfterMs;
    this.retryable = details.retryable;
    this.requestId = details.requestId;
  }

  /** True for a 404: the record is not there (yet), or the subscription is gone (re-create it). */
  get notFound(): boolean {
    return this.status === 404;
  }

  /** True for a 429 (throttled). */
  get throttled(): boolean {
    return this.status === 429;
  }

  /**
   * True when the tenant refused the app itself (403: permission or admin consent missing; the
   * credential refused by Entra ID): every request of the tenant fails alike until an admin fixes
   * it, after which the same request succeeds. Work waits for that instead of being given up.
   */
  get needsAdmin(): boolean {
    return !this.retryable && (this.status === 403 || this.kind === 'token');
  }

  /**
   * True when every request of the tenant would fail alike, whatever the record: no token (Entra ID
   * refused or could not be reached) or a refusal only an admin can lift.
   */
  get tenantWide(): boolean {
    return this.kind === 'token' || this.needsAdmin;
  }
}

/** Type guard for {@link GraphRequestError}. */
export function isGraphRequestError(error: unknown): error is GraphRequestError {
  return error instanceof GraphRequestError;
}

/**
 * Whether an HTTP status is worth retrying: request timeout, throttling, server errors, and 401
 * (the client drops its cached token after a 401, so the next attempt carries a fresh one).
 */
export function isRetryableStatus(status: number): boolean {
  return status === 401 || status === 408 || status === 429 || (status >= 500 && status <= 599);
}
