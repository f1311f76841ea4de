import type { TableClient } from '@azure/data-tables';
import { ignoreStatus } from './ignore-status';

/** A row as read, with its ETag. */
export type Entity = Record<string, unknown> & { etag: string };

/** A point read that is undefined for a missing row; `select` reads only those properties. */
export async function readRow(table: TableClient, partitionKey: string, rowKey: string, select?: string[]): Promise<Entity | undefined> {
  return ignoreStatus(table.getEntity<Record<string, unknown>>(partitionKey, rowKey, select ? { queryOptions: { select } } : undefined), [404]);
}

/** A delete that ignores a missing row. */
export async function deleteRow(table: TableClient, partitionKey: string, rowKey: string): Promise<void> {
  await ignoreStatus(table.deleteEntity(partitionKey, rowKey), [404]);
}

/** Every row matching a filter (all pages). */
export async function listRows(table: TableClient, filter?: string, select?: string[]): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for await (const entity of table.listEntities<Record<string, unknown>>({ queryOptions: { filter, select } })) rows.push(entity);
  return rows;
}

/** The rows matching a filter, a page (at most `pageSize` rows) at a time, each page read when the caller asks for it. */
export async function* rowPages(table: TableClient, filter: string | undefined, pageSize: number, select?: string[]): AsyncGenerator<Entity[]> {
  for await (const page of table.listEntities<Record<string, unknown>>({ queryOptions: { filter, select } }).byPage({ maxPageSize: pageSize })) {
    // The service may answer a page with no rows and a continuation: skip it rather than end.
    if (page.length > 0) yield page as Entity[];
  }
}

/** The first row matching a filter (in key order), or undefined. */
export async function firstRow(table: TableClient, filter: string | undefined, select?: string[]): Promise<Entity | undefined> {
  for await (const page of rowPages(table, filter, 1, select)) return page[0];
  return undefined;
}
