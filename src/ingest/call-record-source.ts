/**
 * What ingest needs from Microsoft Graph. `src/graph` implements it; tests use the real client
 * against a loopback Graph.
 */
export interface CallRecordSource {
  /** The record with every session (all pages followed, sessions de-duplicated). */
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
  /** HTTP status, or undefined for network errors and timeouts. */
  status?: number;
  /** How long the service asked us to wait. */
  retryAfterMs?: number;
  message: string;
}

/** Reads the fields ingest needs from any error (the Graph client's typed errors carry them). */
export function describeFailure(error: unknown): SourceFailure {
  const value = (error ?? {}) as { status?: unknown; statusCode?: unknown; retryAfterMs?: unknown; message?: unknown };
  const status = typeof value.status === 'number' ? value.status : typeof value.statusCode === 'number' ? value.statusCode : undefined;
  const retryAfterMs = typeof value.retryAfterMs === 'number' && value.retryAfterMs >= 0 ? value.retryAfterMs : undefined;
  return { status, retryAfterMs, message: typeof value.message === 'string' ? value.message : String(error) };
}
