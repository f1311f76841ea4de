import { gunzipSync, gzipSync } from 'node:zlib';
import { asObject, type CallQualityReport } from '../quality';

/**
 * The stored form of a big call's stream lists. A report row keeps every poor stream (a 6,000-session
 * meeting has some 8,700) in the report and again, who sent it to whom, in the cards' summary: 5.6 MB
 * as plain JSON, over Azure's 1 MB entity and costly to read back for every card. Packed, the two
 * lists go in the report as one gzip'd (node:zlib), base64 text: columns instead of one object per
 * stream (repeated keys gone), the fields the summary's entries share with the report's kept once,
 * and each distinct value of the id columns (session and segment GUIDs, which gzip cannot shrink)
 * written once and referred to by index. Rows of small calls, and rows written before, stay plain;
 * {@link unpackStreams} reads both.
 */
export const PACKED_STREAMS_FORMAT = 'cqb-streams-gzip-1';

/** From how many kept streams on a row's lists are packed (a card's call below it reads as plain JSON). */
export const PACK_FROM_STREAMS = 200;

/** The stored report's field holding the packed lists (its `streams` is then empty). */
export interface PackedStreams {
  format: typeof PACKED_STREAMS_FORMAT;
  /** base64 of gzip of the JSON of {@link PackedPayload}. */
  data: string;
}

interface Columns {
  keys: string[];
  /** Per key, each entry's value; a key some entries lack lists them in `absent`. */
  values: unknown[][];
  absent: number[][];
  /** Keys whose values are indexes into `dictionary` (values repeated across entries: GUIDs). */
  indexed: string[];
  dictionary: unknown[];
}

interface PackedPayload {
  report: Columns;
  /** The summary's entries without the fields equal to the report's entry at the same position; absent when the summary's streams were not packed. */
  summary?: Columns;
}

const INDEXED_KEYS = new Set(['sessionId', 'segmentId', 'from', 'to', 'fromWhere', 'toWhere']);

/**
 * The report and summary as a row keeps them: unchanged when the report keeps fewer than
 * {@link PACK_FROM_STREAMS} streams, else with both stream lists packed into the report's
 * `packedStreams` (the summary's only when it lists the same number of streams as the report).
 */
export function packStreams(report: CallQualityReport, summary: unknown): { report: CallQualityReport; summary: unknown } {
  if (report.streams.length < PACK_FROM_STREAMS) return { report, summary };
  const reportEntries = report.streams as unknown as Record<string, unknown>[];
  const fields = asObject(summary);
  const summaryEntries = fields && Array.isArray(fields.streams) && fields.streams.length === reportEntries.length ? (fields.streams as Record<string, unknown>[]) : undefined;
  const payload: PackedPayload = { report: toColumns(reportEntries) };
  if (summaryEntries) payload.summary = toColumns(summaryEntries.map((entry, index) => withoutShared(entry, reportEntries[index]!)));
  const packedStreams: PackedStreams = { format: PACKED_STREAMS_FORMAT, data: gzipSync(JSON.stringify(payload)).toString('base64') };
  return { report: { ...report, streams: [], packedStreams }, summary: summaryEntries ? { ...fields, streams: [] } : summary };
}

/**
 * The report and summary with their stream lists as objects again, whether the row packed them
 * ({@link packStreams}) or not (rows of small calls, rows written before packing existed).
 */
export function unpackStreams(report: CallQualityReport, summary: unknown): { report: CallQualityReport; summary: unknown } {
  const packed = report.packedStreams;
  if (!packed || packed.format !== PACKED_STREAMS_FORMAT) return { report, summary };
  const payload = JSON.parse(gunzipSync(Buffer.from(packed.data, 'base64')).toString('utf8')) as PackedPayload;
  const reportEntries = fromColumns(payload.report);
  const { packedStreams: _packed, ...plain } = report;
  const unpacked = { ...plain, streams: reportEntries as unknown as CallQualityReport['streams'] };
  const fields = asObject(summary);
  if (!payload.summary || !fields) return { report: unpacked, summary };
  const own = fromColumns(payload.summary);
  const streams = own.map((entry, index) => ({ ...sharedOf(entry, reportEntries[index]!), ...entry }));
  return { report: unpacked, summary: { ...fields, streams } };
}

/** The summary entry without the fields whose value equals the report entry's (recorded in `shared`). */
function withoutShared(entry: Record<string, unknown>, verdict: Record<string, unknown>): Record<string, unknown> {
  const own: Record<string, unknown> = {};
  const shared: string[] = [];
  for (const [key, value] of Object.entries(entry)) {
    if (key in verdict && isSameValue(value, verdict[key])) shared.push(key);
    else own[key] = value;
  }
  own[SHARED] = shared.join(',');
  return own;
}

function sharedOf(entry: Record<string, unknown>, verdict: Record<string, unknown>): Record<string, unknown> {
  const keys = typeof entry[SHARED] === 'string' && entry[SHARED] !== '' ? (entry[SHARED] as string).split(',') : [];
  delete entry[SHARED];
  return Object.fromEntries(keys.map((key) => [key, verdict[key]]));
}

/** The field listing what a summary entry takes from the report's (not a summary field name). */
const SHARED = '$shared';

function isSameValue(a: unknown, b: unknown): boolean {
  return a === b || (a !== null && b !== null && typeof a !== 'object' && typeof b !== 'object' && Object.is(a, b));
}

function toColumns(entries: readonly Record<string, unknown>[]): Columns {
  const keys = [...new Set(entries.flatMap((entry) => Object.keys(entry)))];
  const dictionary: unknown[] = [];
  const positions = new Map<unknown, number>();
  const indexed = keys.filter((key) => INDEXED_KEYS.has(key));
  const values = keys.map((key) =>
    entries.map((entry) => {
      const value = entry[key];
      if (value === undefined) return null;
      if (!indexed.includes(key)) return value;
      let position = positions.get(value);
      if (position === undefined) {
        position = dictionary.push(value) - 1;
        positions.set(value, position);
      }
      return position;
    }),
  );
  // JSON drops undefined fields, so a stored entry never has them: absent either way.
  const absent = keys.map((key) => entries.flatMap((entry, index) => (entry[key] === undefined ? [index] : [])));
  return { keys, values, absent, indexed, dictionary };
}

function fromColumns(columns: Columns): Record<string, unknown>[] {
  const count = columns.values[0]?.length ?? 0;
  const entries = Array.from({ length: count }, (): Record<string, unknown> => ({}));
  columns.keys.forEach((key, column) => {
    const missing = new Set(columns.absent[column]);
    const indexed = columns.indexed.includes(key);
    columns.values[column]!.forEach((value, index) => {
      if (missing.has(index)) return;
      entries[index]![key] = indexed ? columns.dictionary[value as number] : value;
    });
  });
  return entries;
}
