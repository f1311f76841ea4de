import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/**
 * How a report row keeps a big call's stream lists. A row keeps every poor stream (a 6,000-session
 * meeting has some 8,700) in the report and again, who sent it to whom, in the cards' summary: 5.6 MB
 * as plain JSON, over Azure's 1 MB entity and costly to read back for every card. So each engine
 * writes the two lists as columns instead of one object per stream (repeated keys gone), the fields
 * the summary's entries share with the report's kept once, and each distinct value of the id columns
 * (session and segment GUIDs, which gzip cannot shrink) written once and referred to by index; the
 * engine then gzips the row's body once, off the event loop (`report-body.ts` of each engine).
 * Rows of small calls stay plain. Everything outside the store sees plain `streams`:
 * {@link plainReportBody} reads every form ever written, rows packed by the report's own
 * `packedStreams` text (gzip, base64) before the engines packed included.
 */
export const STREAM_COLUMNS_FORMAT = 'cqb-stream-columns-2';

/** What rows written before the engines packed hold in `report.packedStreams.data` (base64 of gzip of the columns). */
export const PACKED_STREAMS_GZIP_FORMAT = 'cqb-streams-gzip-1';

/** From how many kept streams on a row's lists are packed (a small call's row stays plain JSON). */
export const PACK_FROM_STREAMS = 200;

/** The report and the cards' summary a report row keeps (the store keeps both as JSON, untyped). */
export interface ReportBody {
  report: unknown;
  summary: unknown;
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

/** The report's field holding the packed lists in a packed body (its `streams` is then empty). */
type PackedStreams = { format: typeof STREAM_COLUMNS_FORMAT; columns: PackedPayload } | { format: typeof PACKED_STREAMS_GZIP_FORMAT; data: string };

type Entry = Record<string, unknown>;

/**
 * Keys whose values repeat across entries, kept once in the dictionary: ids, names, places, and the
 * few labels, kinds, directions and classes (and which fields an entry shares, one list for most).
 * A payload names its own indexed keys, so rows written with fewer read the same.
 */
const INDEXED_KEYS = new Set(['sessionId', 'segmentId', 'from', 'to', 'fromWhere', 'toWhere', 'label', 'kind', 'direction', 'classification', '$shared']);

/**
 * The body as a row keeps it before the engine's gzip: undefined when the report keeps fewer than
 * {@link PACK_FROM_STREAMS} streams (the row stays plain), else with both stream lists as columns in
 * the report's `packedStreams` (the summary's only when it lists as many streams as the report).
 * The report's columns and the summary's are made in separate turns of the event loop.
 */
async function packedReportBody(body: ReportBody): Promise<ReportBody | undefined> {
  const report = objectOf(body.report);
  const reportEntries = report?.streams;
  if (!report || !Array.isArray(reportEntries) || reportEntries.length < PACK_FROM_STREAMS) return undefined;
  const summary = objectOf(body.summary);
  const summaryEntries = summary && Array.isArray(summary.streams) && summary.streams.length === reportEntries.length ? (summary.streams as Entry[]) : undefined;
  await nextTurn();
  const columns: PackedPayload = { report: toColumns(reportEntries as Entry[]) };
  await nextTurn();
  if (summaryEntries) columns.summary = toColumns(summaryEntries.map((entry, index) => withoutShared(entry, reportEntries[index] as Entry)));
  const packedStreams: PackedStreams = { format: STREAM_COLUMNS_FORMAT, columns };
  return { report: { ...report, streams: [], packedStreams }, summary: summaryEntries ? { ...summary, streams: [] } : body.summary };
}

/**
 * The body with its stream lists as objects again, whichever way the row kept them: plain (small
 * calls, rows written before packing), as columns ({@link packedReportBodyText}), or as the gzipped
 * base64 text rows held before the engines packed (unzipped off the event loop).
 */
export async function plainReportBody(body: ReportBody): Promise<ReportBody> {
  const report = objectOf(body.report);
  const packed = objectOf(report?.packedStreams) as PackedStreams | undefined;
  if (!report || !packed) return body;
  let columns: PackedPayload;
  if (packed.format === STREAM_COLUMNS_FORMAT) {
    columns = packed.columns;
    await nextTurn();
  } else if (packed.format === PACKED_STREAMS_GZIP_FORMAT) columns = JSON.parse((await gunzipAsync(Buffer.from(packed.data, 'base64'))).toString('utf8')) as PackedPayload;
  else return body;
  const reportEntries = fromColumns(columns.report);
  const { packedStreams: _packed, ...plain } = report;
  const unpacked = { ...plain, streams: reportEntries };
  const summary = objectOf(body.summary);
  if (!columns.summary || !summary) return { report: unpacked, summary: body.summary };
  const streams = fromColumns(columns.summary, (index, shared) => sharedOf(shared, reportEntries[index]!));
  return { report: unpacked, summary: { ...summary, streams } };
}

/**
 * The JSON text of a big call's body as a row keeps it ({@link packedReportBody}); undefined when
 * the body stays plain. Packing and writing the text out are each some tens of milliseconds for a
 * 6,000-session meeting: they run in separate turns of the event loop, so their waits do not add up.
 */
export async function packedReportBodyText(body: ReportBody): Promise<string | undefined> {
  const packed = await packedReportBody(body);
  if (packed === undefined) return undefined;
  await nextTurn();
  return JSON.stringify(packed);
}

/** The body a row's JSON text holds, its stream lists plain (parsed and unpacked in separate turns of the event loop). */
export async function reportBodyOfText(text: string): Promise<ReportBody> {
  return plainReportBody(JSON.parse(text) as ReportBody);
}

/** gzip of a row body's JSON text, on the thread pool (both engines keep a big body so). */
export async function gzipText(text: string): Promise<Buffer> {
  return gzipAsync(Buffer.from(text, 'utf8'));
}

/** The body of a gzipped row body ({@link gzipText}), its stream lists plain. */
export async function reportBodyOfGzip(zipped: Uint8Array): Promise<ReportBody> {
  return reportBodyOfText((await gunzipAsync(zipped)).toString('utf8'));
}

/** Lets whatever else waits on the event loop run before the next step of a big body. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function objectOf(value: unknown): Entry | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Entry) : undefined;
}

/** The summary entry without the fields whose value equals the report entry's (recorded in `shared`). */
function withoutShared(entry: Entry, verdict: Entry): Entry {
  const own: Entry = {};
  const shared: string[] = [];
  for (const [key, value] of Object.entries(entry)) {
    if (key in verdict && isSameValue(value, verdict[key])) shared.push(key);
    else own[key] = value;
  }
  own[SHARED] = shared.join(',');
  return own;
}

/** A summary entry's fields taken from the report's entry (`shared`: their names, comma-separated), to which its own are added. */
function sharedOf(shared: unknown, verdict: Entry): Entry {
  const entry: Entry = {};
  if (typeof shared === 'string' && shared !== '') for (const key of shared.split(',')) entry[key] = verdict[key];
  return entry;
}

/** The field listing what a summary entry takes from the report's (not a summary field name). */
const SHARED = '$shared';

function isSameValue(a: unknown, b: unknown): boolean {
  return a === b || (a !== null && b !== null && typeof a !== 'object' && typeof b !== 'object' && Object.is(a, b));
}

function toColumns(entries: readonly Entry[]): Columns {
  const keySet = new Set<string>();
  for (const entry of entries) for (const key in entry) keySet.add(key);
  const keys = [...keySet];
  const dictionary: unknown[] = [];
  const positions = new Map<unknown, number>();
  const indexed = keys.filter((key) => INDEXED_KEYS.has(key));
  const values: unknown[][] = [];
  const absent: number[][] = [];
  for (const key of keys) {
    const isIndexed = INDEXED_KEYS.has(key);
    const column: unknown[] = new Array(entries.length);
    const missing: number[] = [];
    for (let index = 0; index < entries.length; index += 1) {
      const value = entries[index]![key];
      // JSON drops undefined fields, so a stored entry never has them: absent either way.
      if (value === undefined) {
        column[index] = null;
        missing.push(index);
      } else if (!isIndexed) {
        column[index] = value;
      } else {
        let position = positions.get(value);
        if (position === undefined) {
          position = dictionary.push(value) - 1;
          positions.set(value, position);
        }
        column[index] = position;
      }
    }
    values.push(column);
    absent.push(missing);
  }
  return { keys, values, absent, indexed, dictionary };
}

/**
 * The entries again, built one entry at a time (objects of one shape, fast to build), each from
 * `start` (given the entry's {@link SHARED} value) when given, then its own columns.
 */
function fromColumns(columns: Columns, start?: (index: number, shared: unknown) => Entry): Entry[] {
  const { keys, values, dictionary } = columns;
  const sharedColumn = keys.indexOf(SHARED);
  const count = values[0]?.length ?? 0;
  const missing = columns.absent.map((list) => (list.length > 0 ? new Set(list) : undefined));
  const indexed = keys.map((key) => columns.indexed.includes(key));
  const valueAt = (column: number, index: number): unknown => {
    const value = values[column]![index];
    return indexed[column] ? dictionary[value as number] : value;
  };
  const entries: Entry[] = new Array(count);
  for (let index = 0; index < count; index += 1) {
    const entry: Entry = start ? start(index, sharedColumn < 0 ? undefined : valueAt(sharedColumn, index)) : {};
    for (let column = 0; column < keys.length; column += 1) {
      if (column === sharedColumn || missing[column]?.has(index)) continue;
      entry[keys[column]!] = valueAt(column, index);
    }
    entries[index] = entry;
  }
  return entries;
}
