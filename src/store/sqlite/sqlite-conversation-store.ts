import type { SQLInputValue } from 'node:sqlite';
import { CONVERSATION_FIELDS } from '../record-fields';
import type { ConversationStore } from '../types';
import type { SqliteDatabase } from './sqlite-database';
import { SqliteRecords, type Row } from './sqlite-rows';

const CONVERSATIONS = new SqliteRecords('conversations', CONVERSATION_FIELDS, ['key']);
const SAVE = CONVERSATIONS.upsertSql();

/** Conversation references, one row per conversation key. */
export function createSqliteConversationStore(db: SqliteDatabase): ConversationStore {
  return {
    async putConversation(record) {
      db.sql(SAVE).run(...CONVERSATIONS.values(record));
    },
    async getConversation(key) {
      const row = db.sql('SELECT * FROM conversations WHERE key = ?').get(key) as Row | undefined;
      return row ? CONVERSATIONS.fromRow(row) : undefined;
    },
    async removeConversation(key) {
      db.sql('DELETE FROM conversations WHERE key = ?').run(key);
    },
    async markConversationDead(key, reason) {
      // An update needs the row to exist: a removed conversation stays removed.
      db.sql('UPDATE conversations SET dead_reason = ? WHERE key = ?').run(reason, key);
    },
    async findPersonalConversation(tenantId, userAadId) {
      const row = db
        .sql(
          `SELECT * FROM conversations WHERE kind = 'personal' AND user_aad_id = ? AND dead_reason IS NULL
           AND (? IS NULL OR tenant_id IS NULL OR tenant_id = ?) ORDER BY installed_at DESC LIMIT 1`,
        )
        .get(userAadId, tenantId, tenantId) as Row | undefined;
      return row ? CONVERSATIONS.fromRow(row) : undefined;
    },
    async listConversations(filter = {}) {
      const where: string[] = [];
      const params: SQLInputValue[] = [];
      if (filter.kind) (where.push('kind = ?'), params.push(filter.kind));
      if (filter.tenantId) (where.push('tenant_id = ?'), params.push(filter.tenantId));
      if (!filter.includeDead) where.push('dead_reason IS NULL');
      const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
      return (db.sql(`SELECT * FROM conversations ${clause} ORDER BY installed_at`).all(...params) as Row[]).map((row) => CONVERSATIONS.fromRow(row));
    },
  };
}
