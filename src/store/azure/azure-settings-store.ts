import type { TableClient } from '@azure/data-tables';
import type { SettingsStore } from '../types';
import { tableKey } from './table-keys';
import { jsonProperties, readJsonProperties } from './table-properties';
import { deleteRow, readRow } from './table-rows';

/** Settings (PartitionKey = escaped scope, RowKey = escaped key, the value as JSON). */
export function createAzureSettingsStore(table: TableClient): SettingsStore {
  return {
    async getSetting<T = unknown>(scope: string, key: string): Promise<T | undefined> {
      const entity = await readRow(table, tableKey(scope), tableKey(key));
      return entity ? (readJsonProperties(entity, 'value') as T) : undefined;
    },
    async setSetting(scope, key, value) {
      await table.upsertEntity({ partitionKey: tableKey(scope), rowKey: tableKey(key), scope, key, ...jsonProperties('value', value, `setting ${key} of ${scope}`) }, 'Replace');
    },
    async deleteSetting(scope, key) {
      await deleteRow(table, tableKey(scope), tableKey(key));
    },
  };
}
