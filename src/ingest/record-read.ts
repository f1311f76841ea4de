import { asObject, notACallRecordReason, type JsonObject, type ScoringOptions } from '../quality';
import type { ClaimedItem, ProcessedReport, Store } from '../store';
import type { PlaceEndpoint } from '../insights';
import type { CallRecordPart } from '../graph';
import { partsOfRecord, recordFieldsCheck, type CallRecordSource } from './call-record-source';
import type { CallAssessment } from '../alerts';
import { PagedAssessment, type PagedAssessmentOptions } from './paged-assessment';
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

/** What walking a record's parts came to: every page of sessions fed to the assessment `begin` made, or `begin`'s reason to stop. */
type PartsWalk<Stop> =
  | { kind: 'assessed'; assessment: PagedAssessment; participants: readonly unknown[] | undefined; sessionPages: number; scoringMs: number }
  | Stop
  | { kind: 'not-a-record'; reason: string };

/**
 * Walks a record's parts as they arrive: the record's own fields are judged (not a call record:
 * stop) and handed to `begin`, which makes the {@link PagedAssessment} to feed or a reason to stop;
 * each page of sessions is then scored, summarized and added to the history as it arrives and
 * dropped (a 6,000-session meeting is never held whole). An error of the parts is thrown as a
 * {@link SourceError}; `begin`'s own errors as they are.
 */
async function walkRecordParts<Stop extends { kind: string }>(
  parts: AsyncIterable<CallRecordPart<unknown>>,
  begin: (call: JsonObject) => Promise<PagedAssessment | Stop>,
): Promise<PartsWalk<Stop>> {
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
        const begun = await begin(asObject(part.record) ?? {});
        if (!(begun instanceof PagedAssessment)) return begun;
        assessment = begun;
      }
      // Dropped before the next part is read: a page of sessions is not held beside the next one.
      part = undefined;
    }
  } finally {
    // Stopped early (version processed, not a record, a store error): let the source end its walk.
    await iterator.return?.().catch(() => undefined);
  }
  if (!assessment) throw new SourceError(new Error('The call record source ended without the record.'));
  return { kind: 'assessed', assessment, participants, sessionPages, scoringMs };
}

/**
 * Reads the record part by part ({@link walkRecordParts}). Stops after the record's own fields when
 * that version is already processed. Nothing is stored here, so a record that fails on its last
 * page (a foreign or looping next link, the page cap) leaves nothing behind.
 */
export async function readRecordPages(item: ClaimedItem, options: RecordReadOptions): Promise<PagedRead> {
  const { source, store } = options;
  const parts = source.getCallRecordPages?.(item.tenantId, item.callId) ?? partsOfRecord(() => source.getCallRecord(item.tenantId, item.callId));
  let processed: ProcessedReport | undefined;
  const walk = await walkRecordParts(parts, async (call) => {
    // Looked at once (by the claim, or here): what it found goes on to recordReport, which writes over it without reading it again.
    processed = item.report ?? (await store.reports.processedReport(item.tenantId, item.callId));
    const version = recordVersionOf(call);
    if (processed.version !== null && version <= processed.version) return { kind: 'unchanged' as const, version, processed: processed.version };
    const scoring = await options.scoringFor(item.tenantId);
    return new PagedAssessment(call, { scoring, tenantId: item.tenantId, source: item.source, place: options.place });
  });
  if (walk.kind !== 'assessed') return walk;
  const { assessment, participants, sessionPages, scoringMs } = walk;
  return { kind: 'read', assessment, participants, processed: processed!, sessionPages, scoringMs };
}

/**
 * A call assessed on request (`check`), read part by part as the worker reads it, so a large
 * meeting is never held whole here either, and compact as its stored report is: the streams the
 * organizer's card was built from. An error of the source is thrown as it came (the check says
 * what went wrong), and an answer that is not a call record as an error that says why.
 */
export async function assessRecordParts(parts: AsyncIterable<CallRecordPart<unknown>>, options: PagedAssessmentOptions): Promise<CallAssessment> {
  let walk: PartsWalk<never>;
  try {
    walk = await walkRecordParts<never>(parts, async (call) => new PagedAssessment(call, options));
  } catch (error) {
    throw error instanceof SourceError ? error.cause : error;
  }
  if (walk.kind === 'not-a-record') throw new Error(`Graph's answer is not a call record: ${walk.reason}.`);
  const { report, summary } = walk.assessment.finish(walk.participants);
  return { report, summary };
}
