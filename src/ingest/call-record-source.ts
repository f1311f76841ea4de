import { sanitizeUpstreamText } from '../upstream-text';

/**
 * What ingest needs from Microsoft Graph. `src/graph` implements it; tests use the real client
 * against a loopback Graph.
 */
export interface CallRecordSource {
  /** The record with every session (all pages followed, sessions de-duplicated) and every participant (`participants_v2`, every page). */
  getCallRecord(tenantId: string, callId: string): Promise<unknown>;
  /** Call records that started at or after `since`, as the list endpoint returns them. */
  listCallRecordsSince(tenantId: string, since: Date): AsyncIterable<ListedCallRecord>;
}

/** A call record as the list endpoint gives it (no sessions). */
export interface ListedCallRecord {
  id: string;
  version: number | null;
  startDateTime: string | null;
  endDateTime: string | null;
}

/** What ingest reads from an error thrown by a {@link CallRecordSource}. */
export interface SourceFailure {
  /** HTTP error status (400 or more), or undefined for network errors, timeouts and unreadable answers. */
  status?: number;
  /** How long the service asked us to wait. */
  retryAfterMs?: number;
  /**
   * False when asking again would get the same answer (a foreign or looping next link, the page
   * cap, 400): the item is given up at once. Undefined when the error does not say (retried).
   */
  retryable?: boolean;
  /** True when only an admin can lift the refusal (consent, permission, credential): retried slowly, not given up. */
  needsAdmin?: boolean;
  /** Bounded and sanitised: it is written into the inbox, the logs and `/healthz`. */
  message: string;
}

/** Reads the fields ingest needs from any error (the Graph client's typed errors carry them). */
export function describeFailure(error: unknown): SourceFailure {
  const value = (error ?? {}) as { status?: unknown; statusCode?: unknown; retryAfterMs?: unknown; retryable?: unknown; needsAdmin?: unknown; message?: unknown };
  const answered = typeof value.status === 'number' ? value.status : typeof value.statusCode === 'number' ? value.statusCode : undefined;
  // A 2xx whose body could not be read failed like a cut connection, not like an error status.
  const status = answered !== undefined && answered >= 400 ? answered : undefined;
  const retryAfterMs = typeof value.retryAfterMs === 'number' && value.retryAfterMs >= 0 ? value.retryAfterMs : undefined;
  const failure: SourceFailure = { status, retryAfterMs, message: sanitizeUpstreamText(typeof value.message === 'string' ? value.message : String(error), MAX_FAILURE_MESSAGE_LENGTH) };
  if (typeof value.retryable === 'boolean') failure.retryable = value.retryable;
  if (value.needsAdmin === true) failure.needsAdmin = true;
  return failure;
}

/**
 * Whether a failure ends the item at once: the source said asking again cannot help, and it is
 * neither a 404 (the record may appear later) nor a refusal an admin can lift.
 */
export function isPermanentFailure(failure: SourceFailure): boolean {
  return failure.retryable === false && failure.status !== 404 && failure.needsAdmin !== true;
}

/** Our messages quote at most 300 characters of upstream text; this leaves room for our sentence around it. */
const MAX_FAILURE_MESSAGE_LENGTH = 600;
