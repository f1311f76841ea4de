import { odata, type TableClient } from '@azure/data-tables';
import type { SentCard, SentCardStore } from '../types';
import { contention, hasStatus } from './azure-store-error';
import { callPartitionKey, tableKey } from './table-keys';
import { numberOf, stringOrNull, withoutNulls } from './table-properties';
import { listRows, readRow } from './table-rows';

const MAX_WRITE_ATTEMPTS = 8;

/** Sent cards, in the call's partition (RowKey = the escaped conversation key). */
export function createAzureSentCardStore(table: TableClient): SentCardStore {
  return {
    async putSentCard(card) {
      const partitionKey = callPartitionKey(card.tenantId, card.callId);
      const rowKey = tableKey(card.conversationKey);
      const entity = (sentAt: number) => ({ partitionKey, rowKey, ...withoutNulls({ ...card, sentAt }) });
      for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt += 1) {
        const existing = await readRow(table, partitionKey, rowKey);
        try {
          // An update keeps the first send time: `countSentSince` counts sends, not edits.
          if (existing) await table.updateEntity(entity(numberOf(existing, 'sentAt')), 'Replace', { etag: existing.etag });
          else await table.createEntity(entity(card.sentAt));
          return;
        } catch (error) {
          if (!hasStatus(error, 404, 409, 412)) throw error;
        }
      }
      throw contention('sentCards.putSentCard', MAX_WRITE_ATTEMPTS);
    },
    async getSentCard(tenantId, callId, conversationKey) {
      const entity = await readRow(table, callPartitionKey(tenantId, callId), tableKey(conversationKey));
      return entity ? toSentCard(entity) : undefined;
    },
    async listSentCards(tenantId, callId) {
      const rows = await listRows(table, odata`PartitionKey eq ${callPartitionKey(tenantId, callId)}`);
      return rows.map(toSentCard).sort((a, b) => a.sentAt - b.sentAt);
    },
    async countSentSince(since) {
      // Number filters only match literals of the stored EDM type, so the comparison happens here.
      const rows = await listRows(table, undefined, ['sentAt']);
      return rows.filter((row) => numberOf(row, 'sentAt') >= since).length;
    },
  };
}

function toSentCard(entity: Record<string, unknown>): SentCard {
  return {
    tenantId: String(entity.tenantId),
    callId: String(entity.callId),
    conversationKey: String(entity.conversationKey),
    activityId: String(entity.activityId),
    version: numberOf(entity, 'version'),
    cardType: String(entity.cardType),
    sentAt: numberOf(entity, 'sentAt'),
    updatedAt: numberOf(entity, 'updatedAt'),
    acknowledgedBy: stringOrNull(entity, 'acknowledgedBy'),
  };
}
