import type { Storage, StoreItems } from 'botbuilder';
import { ETagMismatchError, type DocumentStore } from '../store';

/**
 * botbuilder's `Storage` over the store's JSON documents, so the Teams AI turn state lives
 * wherever the rest of the state does (SQLite or Azure Storage).
 *
 * ETags follow botbuilder's contract: an item read from storage carries its `eTag`; writing it
 * back with that `eTag` fails when someone else wrote in between; `'*'` or no `eTag` overwrites.
 */
export class DocumentStorage implements Storage {
  constructor(private readonly documents: DocumentStore) {}

  async read(keys: string[]): Promise<StoreItems> {
    if (!Array.isArray(keys)) throw new TypeError('DocumentStorage.read needs an array of keys.');
    const found = await this.documents.readDocuments(keys);
    const items: StoreItems = {};
    for (const [key, document] of Object.entries(found)) {
      const value = document.value !== null && typeof document.value === 'object' ? document.value : { value: document.value };
      items[key] = { ...(value as Record<string, unknown>), eTag: document.eTag };
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes || typeof changes !== 'object') throw new TypeError('DocumentStorage.write needs an object of changes.');
    const writes: Record<string, { value: unknown; expectedETag?: string }> = {};
    const keys = Object.keys(changes);
    if (keys.length === 0) return;
    // A conditional write of a key that does not exist yet is a plain create (botbuilder's rule).
    const existing = await this.documents.readDocuments(keys);
    for (const key of keys) {
      const item = (changes[key] ?? {}) as Record<string, unknown>;
      const { eTag, ...value } = item;
      const conditional = typeof eTag === 'string' && eTag !== '*' && eTag !== '' && existing[key] !== undefined;
      writes[key] = conditional ? { value, expectedETag: eTag } : { value };
    }
    try {
      await this.documents.writeDocuments(writes);
    } catch (error) {
      if (error instanceof ETagMismatchError) {
        throw new Error(`Storage: error writing "${error.key}" due to eTag conflict; another turn changed it. Read it again and retry.`, { cause: error });
      }
      throw error;
    }
  }

  async delete(keys: string[]): Promise<void> {
    if (!Array.isArray(keys)) throw new TypeError('DocumentStorage.delete needs an array of keys.');
    await this.documents.deleteDocuments(keys);
  }
}
