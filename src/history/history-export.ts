import { Readable, Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { CallHistoryEncodingError, decodeCallHistory, EXPORT_COLUMNS, exportRowsOf, utcDay, type ExportRow } from '../insights';
import type { CallHistoryRecord, HistoryStore } from '../store';

/** The file formats of an export: CSV with a header row, or one JSON object per line. */
export type ExportFormat = 'csv' | 'jsonl';

/** What to export: the calls of some tenants that started in `[since, until)`. */
export interface ExportRequest {
  tenants: readonly string[];
  /** Epoch ms, inclusive. */
  since: number;
  /** Epoch ms, exclusive. */
  until: number;
  /** Told of a stored call whose summary cannot be read; it is left out and the export goes on. Without it, the export stops. */
  onUnreadable?: (record: CallHistoryRecord, error: CallHistoryEncodingError) => void;
}

/**
 * One row per stream of every call in the range, read page by page as the consumer pulls: nothing
 * is read ahead of what is written, so a 90-day export holds one page in memory, not the range.
 * A call without a start time counts by the day it was kept under.
 */
export async function* exportRows(history: HistoryStore, request: ExportRequest): AsyncGenerator<ExportRow> {
  const { since, until } = request;
  if (until <= since) return;
  for (const tenantId of request.tenants) {
    for await (const record of history.listCalls(tenantId, utcDay(since), utcDay(until - 1))) {
      if (record.startedAt !== null && (record.startedAt < since || record.startedAt >= until)) continue;
      let rows: ExportRow[];
      try {
        rows = exportRowsOf(decodeCallHistory(record.summary));
      } catch (error) {
        if (!(error instanceof CallHistoryEncodingError) || !request.onUnreadable) throw error;
        request.onUnreadable(record, error);
        continue;
      }
      yield* rows;
    }
  }
}

/**
 * Writes rows to `output` in a format, through streams that respect back-pressure (a slow reader
 * slows the store reads down). CSV cells that a spreadsheet would run as a formula are escaped;
 * yes/no cells are TRUE/FALSE as CQD exports write them. Resolves to how many rows were written.
 * `end: false` leaves `output` open (standard output); `bom` starts a CSV with a byte order mark,
 * without which Excel reads UTF-8 names (Zoë, Łukasz) as another code page.
 */
export async function writeExport(rows: AsyncIterable<ExportRow>, format: ExportFormat, output: Writable, options: { end?: boolean; bom?: boolean } = {}): Promise<number> {
  let count = 0;
  async function* counted() {
    for await (const row of rows) {
      count += 1;
      yield row;
    }
  }
  const source = Readable.from(counted(), { objectMode: true, highWaterMark: 1 });
  const formatter = format === 'csv' ? csvFormatter(options.bom ?? false) : jsonLines();
  await pipeline(source, formatter, output, { end: options.end ?? true });
  return count;
}

function csvFormatter(bom: boolean): Transform {
  return stringify({
    bom,
    header: true,
    columns: [...EXPORT_COLUMNS],
    cast: { boolean: (value) => (value ? 'TRUE' : 'FALSE') },
    escape_formulas: true,
  });
}

function jsonLines(): Transform {
  return new Transform({
    writableObjectMode: true,
    transform(row: ExportRow, _encoding, done) {
      done(null, `${JSON.stringify(row)}\n`);
    },
  });
}
