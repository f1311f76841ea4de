import { odata, type TableClient } from '@azure/data-tables';
import type { ConversationKind, ConversationRecord, ConversationStore } from '../types';
import { hasStatus } from './azure-store-error';
import { tableKey } from './table-keys';
import { jsonProperties, numberOf, readJsonProperties, stringOrNull, withoutNulls } from './table-properties';
import { deleteRow, listRows, readRow } from './table-rows';

/** All conversation references in one partition, so lookups by user or kind are single-partition queries. */
const CONVERSATIONS_PARTITION = 'conversation';

/** Conversation references (RowKey = the escaped conversation key). */
export function createAzureConversationStore(table: TableClient): ConversationStore {
  const list = async (filter: { kind?: ConversationKind; tenantId?: string; userAadId?: string }) => {
    const conditions = [odata`PartitionKey eq ${CONVERSATIONS_PARTITION}`];
    if (filter.kind) conditions.push(odata`kind eq ${filter.kind}`);
    if (filter.tenantId) conditions.push(odata`tenantId eq ${filter.tenantId}`);
    if (filter.userAadId) conditions.push(odata`userAadId eq ${filter.userAadId}`);
    const rows = await listRows(table, conditions.join(' and '));
    return rows.map(toConversation).sort((a, b) => a.installedAt - b.installedAt);
  };
  return {
    async putConversation(record) {
      await table.upsertEntity(
        {
          partitionKey: CONVERSATIONS_PARTITION,
          rowKey: tableKey(record.key),
          ...withoutNulls({
            key: record.key,
            kind: record.kind,
            tenantId: record.tenantId,
            userAadId: record.userAadId,
            teamId: record.teamId,
            channelId: record.channelId,
            serviceUrl: record.serviceUrl,
            installedAt: record.installedAt,
            deadReason: record.deadReason,
          }),
          ...jsonProperties('reference', record.reference, `conversation reference of ${record.key}`),
        },
        'Replace',
      );
    },
    async getConversation(key) {
      const entity = await readRow(table, CONVERSATIONS_PARTITION, tableKey(key));
      return entity ? toConversation(entity) : undefined;
    },
    async removeConversation(key) {
      await deleteRow(table, CONVERSATIONS_PARTITION, tableKey(key));
    },
    async markConversationDead(key, reason) {
      try {
        // A merge needs the row to exist: a removed conversation stays removed.
        await table.updateEntity({ partitionKey: CONVERSATIONS_PARTITION, rowKey: tableKey(key), deadReason: reason }, 'Merge');
      } catch (error) {
        if (!hasStatus(error, 404)) throw error;
      }
    },
    async findPersonalConversation(tenantId, userAadId) {
      const candidates = (await list({ kind: 'personal', userAadId })).filter(
        (record) => record.deadReason === null && (tenantId === null || record.tenantId === null || record.tenantId === tenantId),
      );
      return candidates.at(-1);
    },
    async listConversations(filter = {}) {
      const records = await list({ kind: filter.kind, tenantId: filter.tenantId });
      return filter.includeDead ? records : records.filter((record) => record.deadReason === null);
    },
  };
}

function toConversation(entity: Record<string, unknown>): ConversationRecord {
  return {
    key: String(entity.key),
    kind: entity.kind as ConversationKind,
    tenantId: stringOrNull(entity, 'tenantId'),
    userAadId: stringOrNull(entity, 'userAadId'),
    teamId: stringOrNull(entity, 'teamId'),
    channelId: stringOrNull(entity, 'channelId'),
    serviceUrl: String(entity.serviceUrl),
    reference: readJsonProperties(entity, 'reference'),
    installedAt: numberOf(entity, 'installedAt'),
    deadReason: stringOrNull(entity, 'deadReason'),
  };
}
