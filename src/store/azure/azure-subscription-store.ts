import { odata, type TableClient } from '@azure/data-tables';
import { SUBSCRIPTION_FIELDS } from '../record-fields';
import type { SubscriptionStore } from '../types';
import { tableKey } from './table-keys';
import { entityProperties, fromEntity } from './table-records';
import { deleteRow, listRows, readRow } from './table-rows';

/** All subscriptions in one partition (one row per tenant: at most a few hundred). */
const SUBSCRIPTIONS_PARTITION = 'subscription';

/** Graph subscription state, one row per tenant. */
export function createAzureSubscriptionStore(table: TableClient): SubscriptionStore {
  return {
    async getSubscription(tenantId) {
      const entity = await readRow(table, SUBSCRIPTIONS_PARTITION, tableKey(tenantId));
      return entity ? fromEntity(SUBSCRIPTION_FIELDS, entity) : undefined;
    },
    async putSubscription(state) {
      await table.upsertEntity({ partitionKey: SUBSCRIPTIONS_PARTITION, rowKey: tableKey(state.tenantId), ...entityProperties(SUBSCRIPTION_FIELDS, state, `subscription of ${state.tenantId}`) }, 'Replace');
    },
    async deleteSubscription(tenantId) {
      await deleteRow(table, SUBSCRIPTIONS_PARTITION, tableKey(tenantId));
    },
    async listSubscriptions() {
      const rows = await listRows(table, odata`PartitionKey eq ${SUBSCRIPTIONS_PARTITION}`);
      return rows.map((row) => fromEntity(SUBSCRIPTION_FIELDS, row)).sort((a, b) => (a.tenantId < b.tenantId ? -1 : a.tenantId > b.tenantId ? 1 : 0));
    },
  };
}
