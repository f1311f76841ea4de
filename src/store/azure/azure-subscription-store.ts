import { odata, type TableClient } from '@azure/data-tables';
import type { SubscriptionState, SubscriptionStore } from '../types';
import { tableKey } from './table-keys';
import { numberOf } from './table-properties';
import { deleteRow, listRows, readRow } from './table-rows';

/** All subscriptions in one partition (one row per tenant: at most a few hundred). */
const SUBSCRIPTIONS_PARTITION = 'subscription';

/** Graph subscription state, one row per tenant. */
export function createAzureSubscriptionStore(table: TableClient): SubscriptionStore {
  return {
    async getSubscription(tenantId) {
      const entity = await readRow(table, SUBSCRIPTIONS_PARTITION, tableKey(tenantId));
      return entity ? toSubscription(entity) : undefined;
    },
    async putSubscription(state) {
      await table.upsertEntity({ partitionKey: SUBSCRIPTIONS_PARTITION, rowKey: tableKey(state.tenantId), ...state }, 'Replace');
    },
    async deleteSubscription(tenantId) {
      await deleteRow(table, SUBSCRIPTIONS_PARTITION, tableKey(tenantId));
    },
    async listSubscriptions() {
      const rows = await listRows(table, odata`PartitionKey eq ${SUBSCRIPTIONS_PARTITION}`);
      return rows.map(toSubscription).sort((a, b) => (a.tenantId < b.tenantId ? -1 : a.tenantId > b.tenantId ? 1 : 0));
    },
  };
}

function toSubscription(entity: Record<string, unknown>): SubscriptionState {
  return {
    tenantId: String(entity.tenantId),
    subscriptionId: String(entity.subscriptionId),
    resource: String(entity.resource),
    expiresAt: numberOf(entity, 'expiresAt'),
    notificationUrl: String(entity.notificationUrl),
    updatedAt: numberOf(entity, 'updatedAt'),
  };
}
