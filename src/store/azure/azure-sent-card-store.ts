import { odata, type TableClient } from '@azure/data-tables';
import { SENT_CARD_FIELDS } from '../record-fields';
import type { SentCardStore } from '../types';
import { contention } from './azure-store-error';
import { landed } from './ignore-status';
import { callPartitionKey, tableKey } from './table-keys';
import { numberOf } from './table-properties';
import { entityProperties, fromEntity } from './table-records';
import { listRows, readRow } from './table-rows';

const MAX_WRITE_ATTEMPTS = 8;

/** Sent cards, in the call's partition (RowKey = the escaped conversation key). */
export function createAzureSentCardStore(table: TableClient): SentCardStore {
  return {
    async putSentCard(card, options = {}) {
      const partitionKey = callPartitionKey(card.tenantId, card.callId);
      const rowKey = tableKey(card.conversationKey);
      const entity = (sentAt: number) => ({ partitionKey, rowKey, ...entityProperties(SENT_CARD_FIELDS, { ...card, sentAt }, `sent card of ${card.callId}`) });
      // A card posted just now most often has no row yet: created at once, without a read first
      // (refused with 409 when the conversation had a card of the call: then read and updated).
      if (options.isNew === true && (await landed(table.createEntity(entity(card.sentAt))))) return;
      for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt += 1) {
        const existing = await readRow(table, partitionKey, rowKey);
        // An update keeps the first send time: `countSentSince` counts sends, not edits.
        const write = existing ? table.updateEntity(entity(numberOf(existing, 'sentAt')), 'Replace', { etag: existing.etag }) : table.createEntity(entity(card.sentAt));
        if (await landed(write)) return;
      }
      throw contention('sentCards.putSentCard', MAX_WRITE_ATTEMPTS);
    },
    async getSentCard(tenantId, callId, conversationKey) {
      const entity = await readRow(table, callPartitionKey(tenantId, callId), tableKey(conversationKey));
      return entity ? fromEntity(SENT_CARD_FIELDS, entity) : undefined;
    },
    async listSentCards(tenantId, callId) {
      const rows = await listRows(table, odata`PartitionKey eq ${callPartitionKey(tenantId, callId)}`);
      return rows.map((row) => fromEntity(SENT_CARD_FIELDS, row)).sort((a, b) => a.sentAt - b.sentAt);
    },
    async countSentSince(since) {
      // Number filters only match literals of the stored EDM type, so the comparison happens here.
      const rows = await listRows(table, undefined, ['sentAt']);
      return rows.filter((row) => numberOf(row, 'sentAt') >= since).length;
    },
  };
}
