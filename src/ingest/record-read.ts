import { asObject, notACallRecordReason, type ScoringOptions } from '../quality';
import type { ClaimedItem, ProcessedReport, Store } from '../store';
import type { PlaceEndpoint } from '../insights';
import type { CallRecordPart } from '../graph';
import { partsOfRecord, recordFieldsCheck, type CallRecordSource } from './call-record-source';
import { PagedAssessment } from './paged-assessment';
import { recordVersionOf } from './stored-report';

/** What reading a record's pages came to. */
export type PagedRead =
  | {
      kind: 'read';
      assessment: PagedAssessment;
      participants: readonly unknown[] | undefined;
      processed: ProcessedReport;
      /** Pages of sessions read, and the time spent scoring them as they came (ms): the rest of the read is Graph's and the store's. */
      sessionPages: number;
      scoringMs: number;
    }
  | { kind: 'unchanged'; version: number; processed: number }
  | { kind: 'not-a-record'; reason: string };

/** An error of the call record source (not of the store), so the worker retries or gives up as for a failed fetch. */
export class SourceError extends Error {
  constructor(override readonly cause: unknown) {
    super('The call record could not be read.');
  }
}

/** What reading a record needs from the worker's options. */
export interface RecordReadOptions {
  store: Store;
  source: CallRecordSource;
  scoringFor: (tenantId: string) => Promise<ScoringOptions>;
  place?: PlaceEndpoint;
}

/**
 * Reads the record part by part, each page of sessions scored, summarized and added to the
 * history as it arrives and then dropped (a 6,000-session meeting is never held whole). Stops
 * after the record's own fields when that version is already processed. An error of the source
 * is thrown as a {@link SourceError}; nothing is stored here, so a record that fails on its last
 * page (a foreign or looping next link, the page cap) leaves nothing behind.
 */
export async function readRecordPages(item: ClaimedItem, options: RecordReadOptions): Promise<PagedRead> {
  const { source, store } = options;
  const parts = source.getCallRecordPages?.(item.tenantId, item.callId) ?? partsOfRecord(() => source.getCallRecord(item.tenantId, item.callId));
  const iterator = parts[Symbol.asyncIterator]();
  /** The next part, undefined at the end. */
  const next = async (): Promise<CallRecordPart<unknown> | undefined> => {
    try {
      const step = await iterator.next();
      return step.done ? undefined : step.value;
    } catch (error) {
      throw new SourceError(error);
    }
  };
  let assessment: PagedAssessment | undefined;
  let participants: readonly unknown[] | undefined;
  let processed: ProcessedReport | undefined;
  let part: CallRecordPart<unknown> | undefined;
  let sessionPages = 0;
  let scoringMs = 0;
  try {
    while ((part = await next()) !== undefined) {
      if (part.kind === 'sessions') {
        const started = performance.now();
        assessment?.addSessions(part.sessions);
        scoringMs += performance.now() - started;
        sessionPages += 1;
      }
      else if (part.kind === 'participants') participants = part.participants;
      else {
        const notRecord = notACallRecordReason(recordFieldsCheck(part.record));
        if (notRecord) return { kind: 'not-a-record', reason: notRecord };
        const call = asObject(part.record) ?? {};
        // Looked at once (by the claim, or here): what it found goes on to recordReport, which writes over it without reading it again.
        processed = item.report ?? (await store.reports.processedReport(item.tenantId, item.callId));
        const version = recordVersionOf(call);
        if (processed.version !== null && version <= processed.version) return { kind: 'unchanged', version, processed: processed.version };
        const scoring = await options.scoringFor(item.tenantId);
        assessment = new PagedAssessment(call, { scoring, tenantId: item.tenantId, source: item.source, place: options.place });
      }
      // Dropped before the next part is read: a page of sessions is not held beside the next one.
      part = undefined;
    }
  } finally {
    // Stopped early (version processed, not a record, a store error): let the source end its walk.
    await iterator.return?.().catch(() => undefined);
  }
  if (!assessment || !processed) throw new SourceError(new Error('The call record source ended without the record.'));
  return { kind: 'read', assessment, participants, processed, sessionPages, scoringMs };
}
