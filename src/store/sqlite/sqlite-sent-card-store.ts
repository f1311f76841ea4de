import { SENT_CARD_FIELDS } from '../record-fields';
import type { SentCardStore } from '../types';
import type { SqliteDatabase } from './sqlite-database';
import { SqliteRecords, type Row } from './sqlite-rows';

const SENT_CARDS = new SqliteRecords('sent_cards', SENT_CARD_FIELDS, ['tenantId', 'callId', 'conversationKey']);
/** An update keeps the first send time: `countSentSince` counts sends, not edits. */
const SAVE = SENT_CARDS.upsertSql(['sentAt']);

/** Sent cards, one row per call and conversation. */
export function createSqliteSentCardStore(db: SqliteDatabase): SentCardStore {
  return {
    // One upsert whether or not the card is new (`isNew` saves Azure a read; here there is none to save).
    async putSentCard(card) {
      db.sql(SAVE).run(...SENT_CARDS.values(card));
    },
    async getSentCard(tenantId, callId, conversationKey) {
      const row = db.sql('SELECT * FROM sent_cards WHERE tenant_id = ? AND call_id = ? AND conversation_key = ?').get(tenantId, callId, conversationKey) as Row | undefined;
      return row ? SENT_CARDS.fromRow(row) : undefined;
    },
    async listSentCards(tenantId, callId) {
      return (db.sql('SELECT * FROM sent_cards WHERE tenant_id = ? AND call_id = ? ORDER BY sent_at').all(tenantId, callId) as Row[]).map((row) => SENT_CARDS.fromRow(row));
    },
    async countSentSince(since) {
      const row = db.sql('SELECT COUNT(*) AS n FROM sent_cards WHERE sent_at >= ?').get(since) as Row;
      return Number(row.n);
    },
  };
}
