import { BlobsStorage } from 'botbuilder-azure-blobs';
import type { AzureStorageConnection } from './storage-clients';
import { ETagMismatchError, type DocumentStore } from '../types';
import { hasStatus } from './azure-store-error';

/**
 * JSON documents (the bot's turn state) as blobs, through botbuilder's own `BlobsStorage`
 * (`botbuilder-azure-blobs`), one blob per key, with the blob's ETag as the document's: a write
 * with `expectedETag` is an `If-Match` upload, so of two instances writing the same conversation
 * state only the first wins and the other gets {@link ETagMismatchError}. Writes of several keys
 * are not atomic together (blobs have no transactions).
 */
export function createAzureDocumentStore(blobs: Pick<BlobsStorage, 'read' | 'write' | 'delete'>): DocumentStore {
  return {
    async readDocuments(keys) {
      const unique = [...new Set(keys)];
      const items = unique.length > 0 ? await blobs.read(unique) : {};
      // Keys in the order asked for. BlobsStorage stores objects: each document is wrapped as `{ value }`.
      const ordered: Record<string, { value: unknown; eTag: string }> = {};
      for (const key of keys) {
        const item = items[key] as { value?: unknown; eTag?: string } | undefined;
        if (item) ordered[key] = { value: item.value ?? null, eTag: item.eTag ?? '' };
      }
      return ordered;
    },

    async writeDocuments(changes) {
      await Promise.all(
        Object.entries(changes).map(async ([key, change]) => {
          const conditional = change.expectedETag !== undefined && change.expectedETag !== '*';
          try {
            await blobs.write({ [key]: { value: change.value ?? null, eTag: conditional ? change.expectedETag : '*' } });
          } catch (error) {
            // 412 (BlobsStorage says "eTag conflict"): changed or deleted since it was read.
            if (conditional && (hasStatus(error, 404, 412) || /eTag conflict/i.test((error as Error).message))) throw new ETagMismatchError(key);
            throw error;
          }
        }),
      );
    },

    async deleteDocuments(keys) {
      const unique = [...new Set(keys)];
      if (unique.length > 0) await blobs.delete(unique);
    },
  };
}

/** botbuilder's `BlobsStorage` on the documents container, from the store's connection. */
export function documentBlobs(connection: AzureStorageConnection, container: { containerName: string; url: string }): BlobsStorage {
  return 'connectionString' in connection
    ? new BlobsStorage(connection.connectionString.trim(), container.containerName)
    : new BlobsStorage('', '', undefined, container.url, connection.credential);
}
