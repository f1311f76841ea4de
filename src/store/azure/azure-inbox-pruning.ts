import { odata, type TableClient } from '@azure/data-tables';
import pLimit from 'p-limit';
import { LOST_RACE, ignoreStatus } from './ignore-status';
import { numberOf } from './table-properties';
import { rowPages } from './table-rows';

/** Rows per listed page. */
const PAGE_ROWS = 1_000;
/** Deletes in flight at once: pruning is background work and must leave the webhook its connections. */
const DELETE_CONCURRENCY = 8;

/**
 * Deletes the inbox table's done rows that finished before `before`, each under the ETag it was
 * listed with: a row revived by a notification since (pending again) answers 412 and stays. Only
 * `state` is filtered by the service; the time is compared here, because Azure Tables compares
 * numbers only with literals of the same EDM type. A done row's `nextAttemptAt` is when it became
 * done (`completeWork`). Dead, pending and leased rows are never listed. Resolves to how many went.
 */
export async function pruneDoneRows(table: TableClient, before: number): Promise<number> {
  const limit = pLimit(DELETE_CONCURRENCY);
  let removed = 0;
  for await (const page of rowPages(table, odata`state eq ${'done'}`, PAGE_ROWS, ['PartitionKey', 'RowKey', 'nextAttemptAt'])) {
    // Never a delete without an ETag: that one would remove a row revived since it was listed.
    const old = page.filter((entity) => typeof entity.etag === 'string' && entity.etag !== '' && numberOf(entity, 'nextAttemptAt') < before);
    const outcomes = await Promise.all(
      old.map((entity) =>
        limit(() => ignoreStatus(table.deleteEntity(String(entity.partitionKey), String(entity.rowKey), { etag: entity.etag }).then(() => true), LOST_RACE)),
      ),
    );
    removed += outcomes.filter((deleted) => deleted === true).length;
  }
  return removed;
}
