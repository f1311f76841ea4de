import type { Logger } from '../logger';
import { GraphRequestError } from './graph-request-error';
import type { GraphTransport } from './graph-transport';
import { PageWalk } from './page-walk';
import type { RateLimit } from './request-rate-limiter';

/** What the reconciliation sweep needs of each listed call record. */
export interface CallRecordSummary {
  id: string;
  /** Null when Graph left it out. */
  version: number | null;
  startDateTime: string | null;
  endDateTime: string | null;
  lastModifiedDateTime: string | null;
}

/** Options of {@link listCallRecordsSince}. */
export interface CallRecordListOptions {
  /** The list operation's budget (40 / 20 s per tenant). */
  listLimit: RateLimit;
  /** Most pages before giving up (60 records per page). */
  maxPages: number;
  logger: Logger;
}

const OPERATION = 'GET /communications/callRecords?$filter=startDateTime ge {time}';

/** A page of the listing, as checked. */
type Page = Record<string, unknown> & { value: unknown[] };

/**
 * Lists the call records that started at or after `since`, following `@odata.nextLink` (only
 * on the configured Graph origin, never back to a page already read) and yielding each record's
 * id, version and times. Pages are fetched as the caller consumes them; a refused next link or
 * the page cap throws after the
 * records already yielded (each yielded record is real, so the caller may keep them).
 */
export async function* listCallRecordsSince(
  transport: GraphTransport,
  tenantId: string,
  since: Date | string | number,
  options: CallRecordListOptions,
): AsyncGenerator<CallRecordSummary, void, undefined> {
  const start = new Date(since);
  if (Number.isNaN(start.getTime())) {
    throw new TypeError(`"${String(since)}" is not a time to list call records from: give an ISO 8601 time or a Date.`);
  }
  const filter = encodeURIComponent(`startDateTime ge ${start.toISOString()}`);
  const walk = new PageWalk(transport, {
    tenantId,
    operation: OPERATION,
    maxPages: options.maxPages,
    subject: `the listing of call records since ${start.toISOString()}`,
    capAdvice: 'List a shorter period, or raise the page cap.',
  });
  const limits = [{ key: `list:${tenantId}`, rule: options.listLimit }];
  const send = async (url: string): Promise<Page> => {
    const page = await transport.send({ tenantId, method: 'GET', url, operation: OPERATION, limits });
    if (typeof page !== 'object' || page === null || !Array.isArray((page as { value?: unknown }).value)) {
      throw new GraphRequestError(`Graph's answer to ${OPERATION} is not a page of call records (no "value" array).`, {
        kind: 'invalid-response',
        operation: OPERATION,
        tenantId,
        retryable: true,
      });
    }
    return page as Page;
  };
  const nextLink = (body: Page) => body['@odata.nextLink'] ?? body['@odata.nextlink'];
  for await (const body of walk.pages(transport.url(`/communications/callRecords?$filter=${filter}`), send, nextLink)) {
    for (const item of body.value) {
      const summary = summarize(item);
      if (summary) yield summary;
      else options.logger.warn({ tenantId }, 'Skipped a listed call record without a string "id".');
    }
  }
}

function summarize(item: unknown): CallRecordSummary | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const record = item as Record<string, unknown>;
  if (typeof record.id !== 'string' || record.id === '') return undefined;
  return {
    id: record.id,
    version: typeof record.version === 'number' ? record.version : null,
    startDateTime: typeof record.startDateTime === 'string' ? record.startDateTime : null,
    endDateTime: typeof record.endDateTime === 'string' ? record.endDateTime : null,
    lastModifiedDateTime: typeof record.lastModifiedDateTime === 'string' ? record.lastModifiedDateTime : null,
  };
}
