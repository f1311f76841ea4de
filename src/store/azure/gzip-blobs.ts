import type { ContainerClient } from '@azure/storage-blob';
import { ignoreStatus } from './ignore-status';

/**
 * Gzipped bodies too big for a table row, as block blobs in one container: each written under a
 * name unique to its write, BEFORE the row that points at it (so a reader never finds a pointer
 * without its blob), and discarded once no row points at it any more.
 */
export class GzipBlobs {
  constructor(private readonly container: ContainerClient) {}

  /** Writes the gzipped bytes under `name`. */
  async put(name: string, zipped: Uint8Array): Promise<void> {
    await this.container.getBlockBlobClient(name).uploadData(zipped, { blobHTTPHeaders: { blobContentType: 'application/gzip' } });
  }

  /** The gzipped bytes, or undefined when the blob is gone (a newer write replaced its row meanwhile). */
  async get(name: string): Promise<Buffer | undefined> {
    return ignoreStatus(this.container.getBlockBlobClient(name).downloadToBuffer(), [404]);
  }

  /** Deletes a blob no row points at any more (best effort: a leftover blob only costs space). */
  async discard(name: string | null | undefined): Promise<void> {
    if (!name) return;
    await this.container.deleteBlob(name).catch(() => undefined);
  }
}
