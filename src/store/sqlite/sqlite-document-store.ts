import { randomUUID } from 'node:crypto';
import { ETagMismatchError, type DocumentStore } from '../types';
import type { SqliteDatabase } from './sqlite-database';
import type { Row } from './sqlite-rows';

/**
 * JSON documents (the bot's turn state), one row per key with a random ETag that changes on
 * every write. A write of several documents is one transaction: all land, or none when one
 * conditional write lost.
 */
export function createSqliteDocumentStore(db: SqliteDatabase): DocumentStore {
  return {
    async readDocuments(keys) {
      const found: Record<string, { value: unknown; eTag: string }> = {};
      for (const key of keys) {
        const row = db.sql('SELECT value, etag FROM documents WHERE key = ?').get(key) as Row | undefined;
        if (row) found[key] = { value: JSON.parse(row.value as string), eTag: row.etag as string };
      }
      return found;
    },
    async writeDocuments(changes) {
      db.transaction(() => {
        for (const [key, change] of Object.entries(changes)) {
          const eTag = randomUUID();
          const value = JSON.stringify(change.value);
          if (change.expectedETag === undefined || change.expectedETag === '*') {
            db.sql('INSERT INTO documents (key, value, etag) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, etag = excluded.etag').run(key, value, eTag);
          } else {
            const result = db.sql('UPDATE documents SET value = ?, etag = ? WHERE key = ? AND etag = ?').run(value, eTag, key, change.expectedETag);
            if (Number(result.changes) === 0) throw new ETagMismatchError(key);
          }
        }
      });
    },
    async deleteDocuments(keys) {
      for (const key of keys) db.sql('DELETE FROM documents WHERE key = ?').run(key);
    },
  };
}
