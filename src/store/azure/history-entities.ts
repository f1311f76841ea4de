import type { CallHistoryRecord } from '../types';
import { tableKey } from './table-keys';
import { bytesProperties, MAX_BYTES_IN_ENTITY, numberOf, numberOrNull, propertyBytes, readTextProperty, textProperties, withoutNulls, type PropertyValue } from './table-properties';

/**
 * The rows of the history table. A tenant is one partition (its escaped id), holding three kinds
 * of row that sort apart:
 * - `c|<day>|<call>`: a call's newest summary, so a day range is one RowKey range;
 * - `d|<day>`: the day's aggregate and whether it is `fresh`;
 * - `i|<call>`: where the call is (its day) and which version is kept.
 * Being in one partition, every change of a call (its row, its index row, the day it left and the
 * day it joined) is one entity group transaction guarded by the index row's ETag.
 */

/** What a call row keeps when only its place and people are read (scans for a person). */
export const CALL_ROW_HEAD = ['PartitionKey', 'RowKey', 'tenantId', 'callId', 'version', 'day', 'startedAt', 'people'];

/** The partition of a tenant's history. */
export function historyPartition(tenantId: string): string {
  return tableKey(tenantId);
}

/** The RowKey of a call's row on its day. */
export function callRowKey(day: string, callId: string): string {
  return `c|${day}|${tableKey(callId)}`;
}

/** The first RowKey of a day's call rows (inclusive). */
export function firstCallKey(day: string): string {
  return `c|${day}|`;
}

/** Just past the last RowKey of a day's call rows (`}` follows `|`). */
export function pastCallKeys(day: string): string {
  return `c|${day}}`;
}

/** The RowKey of a day's aggregate row. */
export function dayRowKey(day: string): string {
  return `d|${day}`;
}

/** The RowKey of a call's index row. */
export function indexRowKey(callId: string): string {
  return `i|${tableKey(callId)}`;
}

/**
 * Where a call row's summary goes: `zipped`, its text already gzipped (a long one, see
 * `textProperties`), into the row's Binary parts; `blob`, the name of the blob it was written to
 * instead (a meeting too big for one entity, see {@link inlineCallEntity}). Neither: the text as
 * `textProperties` keeps it.
 */
export type SummaryPlace = { zipped: Uint8Array } | { blob: string };

/** A call's row: its fields, the people as JSON text, both texts as String or Binary parts (the summary as `place` says). */
export function callEntity(record: CallHistoryRecord, place?: SummaryPlace): Record<string, PropertyValue> & { partitionKey: string; rowKey: string } {
  const what = `history of call ${record.callId}`;
  const properties = {
    ...withoutNulls({ tenantId: record.tenantId, callId: record.callId, version: record.version, day: record.day, startedAt: record.startedAt }),
    ...textProperties('people', JSON.stringify(record.people), `people of the ${what}`),
    ...(place === undefined
      ? textProperties('summary', record.summary, `summary of the ${what}`)
      : 'blob' in place
        ? { summaryBlob: place.blob }
        : bytesProperties('summary', place.zipped, `summary of the ${what}`)),
  };
  const bytes = propertyBytes(properties);
  if (bytes > MAX_BYTES_IN_ENTITY) {
    throw new RangeError(`The ${what} takes about ${bytes} bytes, over the ${MAX_BYTES_IN_ENTITY} an Azure table entity can hold; keep a shorter summary.`);
  }
  return { partitionKey: historyPartition(record.tenantId), rowKey: callRowKey(record.day, record.callId), ...properties };
}

/** The call's row with its summary in it, or undefined when that row would take more than `maxBytes` (its summary then goes to a blob). */
export function inlineCallEntity(record: CallHistoryRecord, maxBytes: number, zipped?: Uint8Array): ReturnType<typeof callEntity> | undefined {
  try {
    const entity = callEntity(record, zipped && { zipped });
    return propertyBytes(entity) <= maxBytes ? entity : undefined;
  } catch (error) {
    // Over what one entity holds even gzipped.
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

/** The people of a call row (a row read with {@link CALL_ROW_HEAD} or whole); undefined when they are in parts not read. */
export function peopleOfRow(entity: Record<string, unknown>): string[] | undefined {
  // A scan selects `people` alone: people kept in parts (named by their count) are not in it.
  if (typeof entity.people !== 'string' && !(entity.people0 instanceof Uint8Array)) return undefined;
  return JSON.parse(readTextProperty(entity, 'people')!) as string[];
}

/** The record a whole call row holds; `summary` when it was read from the row's blob. */
export function recordOfRow(entity: Record<string, unknown>, summary?: string): CallHistoryRecord {
  return {
    tenantId: String(entity.tenantId),
    callId: String(entity.callId),
    version: numberOf(entity, 'version'),
    day: String(entity.day),
    startedAt: numberOrNull(entity, 'startedAt'),
    people: peopleOfRow(entity) ?? [],
    summary: summary ?? readTextProperty(entity, 'summary') ?? '',
  };
}

/** A call's index row: the day its row is on, the version kept, and its summary's blob if it has one (to delete when replaced). */
export function indexEntity(record: Pick<CallHistoryRecord, 'tenantId' | 'callId' | 'day' | 'version'>, summaryBlob: string | null = null) {
  const { tenantId, callId, day, version } = record;
  return { partitionKey: historyPartition(tenantId), rowKey: indexRowKey(callId), tenantId, callId, day, version, ...(summaryBlob === null ? {} : { summaryBlob }) };
}

/** Merged into a day's row when a call of the day changed: its aggregate is no longer believed. */
export function staleDayEntity(tenantId: string, day: string) {
  return { partitionKey: historyPartition(tenantId), rowKey: dayRowKey(day), tenantId, day, fresh: false };
}

/** A day's row with a freshly computed aggregate. */
export function freshDayEntity(tenantId: string, day: string, rollup: string) {
  return { ...staleDayEntity(tenantId, day), fresh: true, ...textProperties('rollup', rollup, `aggregate of ${day}`) };
}
