import type { TableClient } from '@azure/data-tables';
import type { SettingsStore } from '../types';
import { tableKey } from './table-keys';
import { jsonProperties, readJsonProperties } from './table-properties';
import { deleteRow, readRow } from './table-rows';
import { landed } from './ignore-status';

function entityOf(scope: string, key: string, value: unknown) {
  return { partitionKey: tableKey(scope), rowKey: tableKey(key), scope, key, ...jsonProperties('value', value, `setting ${key} of ${scope}`) };
}

/** Settings (PartitionKey = escaped scope, RowKey = escaped key, the value as JSON). */
export function createAzureSettingsStore(table: TableClient): SettingsStore {
  return {
    async getSetting<T = unknown>(scope: string, key: string): Promise<T | undefined> {
      const entity = await readRow(table, tableKey(scope), tableKey(key));
      return entity ? (readJsonProperties(entity, 'value') as T) : undefined;
    },
    async setSetting(scope, key, value) {
      await table.upsertEntity(entityOf(scope, key, value), 'Replace');
    },
    async addSetting(scope, key, value) {
      return landed(table.createEntity(entityOf(scope, key, value)), [409]);
    },
    async deleteSetting(scope, key) {
      await deleteRow(table, tableKey(scope), tableKey(key));
    },
  };
}
