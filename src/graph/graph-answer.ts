import { GraphRequestError } from './graph-request-error';

/** A JSON object as Graph answers it. */
export type JsonObject = Record<string, unknown>;

/** Whether a parsed answer is a JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A page's next link under either spelling (Graph writes `@odata.nextLink`, some call-record
 * answers `@odata.nextlink`); undefined when the page is the last (absent, null or empty).
 */
export function nextLinkOf(object: JsonObject, spelling: string, otherSpelling: string): unknown {
  const link = object[spelling] ?? object[otherSpelling];
  return link === null || link === '' ? undefined : link;
}

/**
 * The error for a 2xx answer that is not the JSON Graph documents. Retryable: a cut or garbled
 * answer is usually whole the next time.
 */
export function invalidAnswer(tenantId: string, operation: string, what: string): GraphRequestError {
  return new GraphRequestError(`Graph's answer to ${operation} ${what}.`, { kind: 'invalid-response', operation, tenantId, retryable: true });
}
