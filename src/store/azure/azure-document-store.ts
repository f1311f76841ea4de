import { createHash } from 'node:crypto';
import { text } from 'node:stream/consumers';
import type { ContainerClient } from '@azure/storage-blob';
import { ETagMismatchError, type DocumentStore } from '../types';
import { ignoreStatus, landed } from './ignore-status';

/** Azure refuses blob names longer than 1,024 characters. */
const MAX_BLOB_NAME_LENGTH = 1_024;

/**
 * JSON documents (the bot's turn state) on `@azure/storage-blob`: one blob per key, holding
 * `{ "value": … }` (the layout botbuilder's `BlobsStorage` used, so turn state written before
 * stays readable), the blob's ETag being the document's. A write with `expectedETag` is an
 * `If-Match` upload: of two instances writing the same conversation state only the first wins,
 * the other gets {@link ETagMismatchError}, as it does when the document was deleted meanwhile.
 * Writes of several keys are not atomic together (blobs have no transactions).
 */
export function createAzureDocumentStore(container: ContainerClient): DocumentStore {
  return {
    async readDocuments(keys) {
      const unique = [...new Set(keys)];
      const found = new Map(await Promise.all(unique.map(async (key) => [key, await readDocument(container, key)] as const)));
      // Keys in the order asked for, missing ones left out.
      const documents: Record<string, { value: unknown; eTag: string }> = {};
      for (const key of keys) {
        const document = found.get(key);
        if (document) documents[key] = document;
      }
      return documents;
    },

    async writeDocuments(changes) {
      await Promise.all(
        Object.entries(changes).map(async ([key, change]) => {
          const body = JSON.stringify({ value: change.value ?? null });
          const conditional = change.expectedETag !== undefined && change.expectedETag !== '*';
          const upload = container.getBlockBlobClient(documentBlobName(key)).upload(body, Buffer.byteLength(body), {
            conditions: conditional ? { ifMatch: change.expectedETag } : {},
            blobHTTPHeaders: { blobContentType: 'application/json' },
          });
          // 412: changed since it was read; 404: deleted since.
          if (!(await landed(upload, conditional ? [404, 412] : []))) throw new ETagMismatchError(key);
        }),
      );
    },

    async deleteDocuments(keys) {
      await Promise.all([...new Set(keys)].map((key) => container.getBlobClient(documentBlobName(key)).deleteIfExists()));
    },
  };
}

/** One document with the ETag of the blob version read; undefined when there is no blob. */
async function readDocument(container: ContainerClient, key: string): Promise<{ value: unknown; eTag: string } | undefined> {
  const response = await ignoreStatus(container.getBlobClient(documentBlobName(key)).download(), [404]);
  if (!response?.readableStreamBody) return undefined;
  const stored = JSON.parse(await text(response.readableStreamBody)) as { value?: unknown };
  return { value: stored.value ?? null, eTag: response.etag ?? '' };
}

/**
 * The blob of a document key: the key URI-encoded (as `BlobsStorage` named it, so `/` never makes
 * virtual folders); a key whose encoded form is empty or too long for a blob name becomes `%H` and
 * its SHA-256 (encoding never produces `%H`, so no other key shares the name).
 */
export function documentBlobName(key: string): string {
  const encoded = encodeURIComponent(key);
  return encoded !== '' && encoded.length <= MAX_BLOB_NAME_LENGTH ? encoded : `%H${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}
