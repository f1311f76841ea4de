import { createHash } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import type { ContainerClient } from '@azure/storage-blob';
import { ETagMismatchError, type DocumentStore } from '../types';
import { hasStatus } from './azure-store-error';

/** Blob names may be up to 1,024 characters. */
const MAX_BLOB_NAME = 1_024;

/**
 * JSON documents (the bot's turn state) as blobs, one per key, with the blob's ETag as the
 * document's: a write with `expectedETag` is an `If-Match` upload, so of two instances writing
 * the same conversation state only the first wins and the other gets {@link ETagMismatchError}.
 * Writes of several keys are not atomic together (blobs have no transactions).
 */
export function createAzureDocumentStore(container: ContainerClient): DocumentStore {
  const blob = (key: string) => container.getBlockBlobClient(blobName(key));
  return {
    async readDocuments(keys) {
      const found: Record<string, { value: unknown; eTag: string }> = {};
      await Promise.all(
        [...new Set(keys)].map(async (key) => {
          try {
            // One download gives the content and the ETag of that same content.
            const response = await blob(key).download();
            const content = response.readableStreamBody ? await buffer(response.readableStreamBody) : Buffer.alloc(0);
            found[key] = { value: JSON.parse(content.toString('utf8')), eTag: response.etag ?? '' };
          } catch (error) {
            if (!hasStatus(error, 404)) throw error;
          }
        }),
      );
      // Keys in the order asked for.
      const ordered: Record<string, { value: unknown; eTag: string }> = {};
      for (const key of keys) if (found[key]) ordered[key] = found[key];
      return ordered;
    },

    async writeDocuments(changes) {
      await Promise.all(
        Object.entries(changes).map(async ([key, change]) => {
          const content = Buffer.from(JSON.stringify(change.value) ?? 'null', 'utf8');
          const conditional = change.expectedETag !== undefined && change.expectedETag !== '*';
          try {
            await blob(key).uploadData(content, {
              blobHTTPHeaders: { blobContentType: 'application/json; charset=utf-8' },
              conditions: conditional ? { ifMatch: change.expectedETag } : undefined,
            });
          } catch (error) {
            // 412: changed since it was read; 404: deleted since it was read.
            if (conditional && hasStatus(error, 404, 412)) throw new ETagMismatchError(key);
            throw error;
          }
        }),
      );
    },

    async deleteDocuments(keys) {
      await Promise.all([...new Set(keys)].map((key) => blob(key).deleteIfExists()));
    },
  };
}

/**
 * A document key as a flat blob name: percent-encoded (like botbuilder's `BlobsStorage`, so `/` in a
 * key makes no virtual folder), and a SHA-256 name for the rare key too long for a blob name.
 */
export function blobName(key: string): string {
  if (key === '') throw new RangeError('A document key is empty; give every document a key.');
  const encoded = encodeURIComponent(key);
  return encoded.length <= MAX_BLOB_NAME ? encoded : `sha256-${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}
