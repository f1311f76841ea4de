import type { CallRecordPart } from '../graph';
import { asArray, asObject } from '../quality';
import { sanitizeUpstreamText } from '../upstream-text';

/**
 * What ingest needs from Microsoft Graph. `src/graph` implements it; tests use the real client
 * against a loopback Graph.
 */
export interface CallRecordSource {
  /** The record with every session (all pages followed, sessions de-duplicated) and every participant (`participants_v2`, every page). */
  getCallRecord(tenantId: string, callId: string): Promise<unknown>;
  /**
   * The same record part by part as it arrives ({@link CallRecordPart}: its own fields, each page
   * of sessions as sent, repeats included, then `participants_v2`), so that the worker never holds
   * a large meeting whole; an error ends the iteration. Sources without it are read whole ({@link partsOfRecord}).
   */
  getCallRecordPages?(tenantId: string, callId: string): AsyncIterable<CallRecordPart<unknown>>;
  /** Call records that started at or after `since`, as the list endpoint returns them. */
  listCallRecordsSince(tenantId: string, since: Date): AsyncIterable<ListedCallRecord>;
}

/**
 * The parts of a record read whole, for a source that has no {@link CallRecordSource.getCallRecordPages}:
 * its own fields (its `participants_v2` kept; `sessions: null` when they were not an array, so that
 * {@link recordFieldsCheck} judges the record as it came), then all its sessions as one page.
 */
export async function* partsOfRecord(load: () => Promise<unknown>): AsyncGenerator<CallRecordPart<unknown>> {
  const record = await load();
  const fields = asObject(record);
  if (!fields) {
    yield { kind: 'record', record };
    return;
  }
  const { sessions, ...own } = fields;
  yield { kind: 'record', record: Array.isArray(sessions) ? own : { ...own, sessions: sessions ?? null } };
  yield { kind: 'sessions', sessions: asArray(sessions) };
  yield { kind: 'participants', participants: undefined };
}

/**
 * What to judge whether a record part is a call record on (`notACallRecordReason`): its own fields
 * with the empty sessions array a source strips only when the record had one.
 */
export function recordFieldsCheck(record: unknown): unknown {
  const fields = asObject(record);
  return fields && !('sessions' in fields) ? { ...fields, sessions: [] } : record;
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
  /**
   * True when the failure is the tenant's, not the record's (Entra ID issued no token, or the app
   * lacks permission): every record of the tenant would fail alike, so the worker holds the tenant.
   */
  tenantWide?: boolean;
  /** Bounded and sanitised: it is written into the inbox, the logs and `/healthz`. */
  message: string;
}

/** Reads the fields ingest needs from any error (the Graph client's typed errors carry them). */
export function describeFailure(error: unknown): SourceFailure {
  const value = (error ?? {}) as { status?: unknown; statusCode?: unknown; retryAfterMs?: unknown; retryable?: unknown; needsAdmin?: unknown; tenantWide?: unknown; message?: unknown };
  const answered = typeof value.status === 'number' ? value.status : typeof value.statusCode === 'number' ? value.statusCode : undefined;
  // A 2xx whose body could not be read failed like a cut connection, not like an error status.
  const status = answered !== undefined && answered >= 400 ? answered : undefined;
  const retryAfterMs = typeof value.retryAfterMs === 'number' && value.retryAfterMs >= 0 ? value.retryAfterMs : undefined;
  const failure: SourceFailure = { status, retryAfterMs, message: sanitizeUpstreamText(typeof value.message === 'string' ? value.message : String(error), MAX_FAILURE_MESSAGE_LENGTH) };
  if (typeof value.retryable === 'boolean') failure.retryable = value.retryable;
  if (value.needsAdmin === true) failure.needsAdmin = true;
  if (value.tenantWide === true) failure.tenantWide = true;
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
