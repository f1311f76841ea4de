import { createHash } from 'node:crypto';

/** The W3C trace id and root span id every part of the bot uses for one call. */
export interface CallTraceIds {
  /** 32 lowercase hex digits: the first 16 bytes of SHA-256(`<tenant id>:<call id>`), both lowercased. */
  traceId: string;
  /** 16 lowercase hex digits: the next 8 bytes of the same hash. No span with this id is ever exported. */
  rootSpanId: string;
}

/**
 * The trace of one call, derived from its tenant id and call record id alone.
 *
 * Why derived and not stored: the notification, the worker (possibly on another instance, hours
 * later, after a crash), and the delivery each start their spans as children of this same root,
 * so every version of a call lands in one trace without anything new in the store. The root span
 * itself is never exported: it is a virtual parent, seen in Application Insights as the
 * operation id (`OperationId` = `traceId`) and the parent id of the first spans.
 *
 * In KQL the same id is `substring(hash_sha256(strcat(tolower(tenantId), ":", tolower(callId))), 0, 32)`.
 */
export function callTraceIds(tenantId: string, callId: string): CallTraceIds {
  const digest = createHash('sha256').update(`${tenantId.toLowerCase()}:${callId.toLowerCase()}`, 'utf8').digest('hex');
  let traceId = digest.slice(0, 32);
  let rootSpanId = digest.slice(32, 48);
  // All-zero ids are invalid in W3C trace context; a hash that starts so is astronomically rare,
  // but the fallback keeps the ids valid and still deterministic.
  if (/^0+$/.test(traceId)) traceId = digest.slice(32, 64);
  if (/^0+$/.test(rootSpanId)) rootSpanId = digest.slice(48, 64);
  return { traceId, rootSpanId };
}
