import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { TableClient } from '@azure/data-tables';
import type { CallHistoryRecord } from '../types';
import { contention } from './azure-store-error';
import type { GzipBlobs } from './gzip-blobs';
import { callEntity, historyPartition, inlineCallEntity, recordOfRow } from './history-entities';
import { tableKey } from './table-keys';
import { MAX_STRING_CHARS, stringOrNull } from './table-properties';
import { readRow, type Entity } from './table-rows';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);
/** Reads of a row whose summary blob a newer version keeps replacing, before giving up. */
const MAX_READ_ATTEMPTS = 8;

/**
 * Where a call's summary is kept: in its row, or, when the row would then pass `maxInlineBytes`
 * (a meeting of roughly 8,000 sessions or more passes an entity's 1 MiB even gzipped), gzipped in
 * a blob written before the row that names it. Without blobs such a call cannot be kept, and its
 * write fails saying what was too big.
 */
export class HistorySummaries {
  constructor(
    private readonly table: TableClient,
    private readonly maxInlineBytes: number,
    private readonly blobs: GzipBlobs | undefined,
  ) {}

  /** The call's row, and the blob its summary was written to first, if any (unique per write: the caller discards it if its write loses). */
  async rowOf(record: CallHistoryRecord): Promise<{ entity: ReturnType<typeof callEntity>; blob: string | null }> {
    // A long summary is gzipped once, off the event loop, whether it then goes in the row or in a blob.
    const zipped = record.summary.length > MAX_STRING_CHARS ? await gzipAsync(Buffer.from(record.summary, 'utf8')) : undefined;
    const inline = inlineCallEntity(record, this.maxInlineBytes, zipped);
    if (inline) return { entity: inline, blob: null };
    if (!this.blobs) return { entity: callEntity(record, zipped && { zipped }), blob: null };
    const blob = `${historyPartition(record.tenantId)}/${tableKey(record.callId)}/${record.version}-${randomUUID()}.json.gz`;
    await this.blobs.put(blob, zipped ?? (await gzipAsync(Buffer.from(record.summary, 'utf8'))));
    return { entity: callEntity(record, { blob }), blob };
  }

  /**
   * The record a whole call row holds, its summary read from its blob when it has one; undefined
   * when the row is gone. A blob replaced by a newer version meanwhile means the row is read again.
   */
  async recordOf(row: Entity): Promise<CallHistoryRecord | undefined> {
    for (let attempt = 0; attempt < MAX_READ_ATTEMPTS; attempt += 1) {
      const blob = stringOrNull(row, 'summaryBlob');
      if (blob === null) return recordOfRow(row);
      const zipped = this.blobs && (await this.blobs.get(blob));
      if (zipped) return recordOfRow(row, (await gunzipAsync(zipped)).toString('utf8'));
      const again = await readRow(this.table, String(row.partitionKey), String(row.rowKey));
      if (!again) return undefined;
      row = again;
    }
    throw contention('history.read', MAX_READ_ATTEMPTS);
  }
}
