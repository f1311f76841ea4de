import type { TableClient } from '@azure/data-tables';
import { hasStatus } from './azure-store-error';

/** A row as read, with its ETag. */
export type Entity = Record<string, unknown> & { etag: string };

/** A point read that is undefined for a missing row. */
export async function readRow(table: TableClient, partitionKey: string, rowKey: string): Promise<Entity | undefined> {
  try {
    return await table.getEntity<Record<string, unknown>>(partitionKey, rowKey);
  } catch (error) {
    if (hasStatus(error, 404)) return undefined;
    throw error;
  }
}

/** A delete that ignores a missing row. */
export async function deleteRow(table: TableClient, partitionKey: string, rowKey: string): Promise<void> {
  try {
    await table.deleteEntity(partitionKey, rowKey);
  } catch (error) {
    if (!hasStatus(error, 404)) throw error;
  }
}

/** Every row matching a filter (all pages). */
export async function listRows(table: TableClient, filter?: string, select?: string[]): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for await (const entity of table.listEntities<Record<string, unknown>>({ queryOptions: { filter, select } })) rows.push(entity);
  return rows;
}
