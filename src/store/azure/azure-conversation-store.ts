import { odata, type TableClient } from '@azure/data-tables';
import { CONVERSATION_FIELDS } from '../record-fields';
import type { ConversationKind, ConversationStore } from '../types';
import { ignoreStatus } from './ignore-status';
import { tableKey } from './table-keys';
import { entityProperties, fromEntity } from './table-records';
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
    return rows.map((row) => fromEntity(CONVERSATION_FIELDS, row)).sort((a, b) => a.installedAt - b.installedAt);
  };
  return {
    async putConversation(record) {
      await table.upsertEntity(
        { partitionKey: CONVERSATIONS_PARTITION, rowKey: tableKey(record.key), ...entityProperties(CONVERSATION_FIELDS, record, `conversation ${record.key}`) },
        'Replace',
      );
    },
    async getConversation(key) {
      const entity = await readRow(table, CONVERSATIONS_PARTITION, tableKey(key));
      return entity ? fromEntity(CONVERSATION_FIELDS, entity) : undefined;
    },
    async removeConversation(key) {
      await deleteRow(table, CONVERSATIONS_PARTITION, tableKey(key));
    },
    async markConversationDead(key, reason) {
      // A merge needs the row to exist: a removed conversation stays removed.
      await ignoreStatus(table.updateEntity({ partitionKey: CONVERSATIONS_PARTITION, rowKey: tableKey(key), deadReason: reason }, 'Merge'), [404]);
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
