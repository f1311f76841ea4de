import { randomUUID } from 'node:crypto';
import type { ContainerClient } from '@azure/storage-blob';
import { gzipText, packedReportBodyText, reportBodyOfGzip, type ReportBody } from '../report-streams';
import { GzipBlobs } from './gzip-blobs';
import { bytesProperties, readBytesProperties, stringOrNull, type PropertyValue } from './table-properties';

/** Gzipped bodies up to this size stay in the table row (split over 60 KB Binary properties). */
export const DEFAULT_MAX_INLINE_REPORT_BYTES = 256 * 1024;

/** Where one encoded body went: properties for the row, and the blob written for it, if any. */
export interface EncodedReportBody {
  properties: Record<string, PropertyValue>;
  blobName: string | null;
}

/**
 * Keeps report bodies of any size. A big meeting's report passes the 64 KiB property and 1 MiB
 * entity limits of Azure Tables, so the JSON (a big call's stream lists as columns, see
 * `report-streams.ts`) is gzipped, once and off the event loop; up to `maxInlineBytes` it goes into the
 * row itself (inside the row's transaction), beyond that into a blob named uniquely per write,
 * written before the row that points at it (so a reader never finds a pointer without its blob).
 */
export class ReportBodies {
  private readonly blobs: GzipBlobs;

  constructor(
    container: ContainerClient,
    private readonly maxInlineBytes: number,
  ) {
    this.blobs = new GzipBlobs(container);
  }

  async encode(partitionKey: string, version: number, body: ReportBody): Promise<EncodedReportBody> {
    const zipped = await gzipText((await packedReportBodyText(body)) ?? JSON.stringify(body));
    if (zipped.byteLength <= this.maxInlineBytes) {
      return { properties: { bodyEncoding: 'gzip-json', ...bytesProperties('body', zipped, 'report') }, blobName: null };
    }
    const blobName = `${partitionKey}/${version}-${randomUUID()}.json.gz`;
    await this.blobs.put(blobName, zipped);
    return { properties: { bodyEncoding: 'gzip-json', bodyBlob: blobName }, blobName };
  }

  /** Reads a row's body; undefined when its blob is gone (a newer version replaced it meanwhile). */
  async decode(entity: Record<string, unknown>): Promise<ReportBody | undefined> {
    const blobName = stringOrNull(entity, 'bodyBlob');
    let zipped: Buffer | undefined;
    if (blobName !== null) {
      zipped = await this.blobs.get(blobName);
      if (zipped === undefined) return undefined;
    } else {
      zipped = readBytesProperties(entity, 'body');
    }
    if (zipped === undefined) throw new Error('A stored report row has no body; the table was written by something else.');
    return reportBodyOfGzip(zipped);
  }

  /** Deletes a blob no row points at any more (best effort: a leftover blob only costs space). */
  async discard(blobName: string | null): Promise<void> {
    await this.blobs.discard(blobName);
  }
}
