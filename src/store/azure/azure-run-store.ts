import type { TableClient } from '@azure/data-tables';
import { SCHEDULED_RUN_FIELDS } from '../record-fields';
import { runStoreOver } from '../run-rules';
import type { RunStore } from '../types';
import { landed } from './ignore-status';
import { tableKey } from './table-keys';
import { entityProperties, fromEntity } from './table-records';
import { readRow } from './table-rows';

/** Every run is alone in its partition, in this row. */
const RUN_ROW = 'run';

/**
 * Runs that must happen once, on Azure Tables: one row per run key (PartitionKey the escaped key).
 * A claim or finish reads the row and writes it only as read (If-Match its ETag, or a create that
 * fails when someone created it first): of any number of instances claiming at once, exactly one
 * wins. The shared rules (`run-rules.ts`) decide what the new row is.
 */
export function createAzureRunStore(table: TableClient): RunStore {
  return runStoreOver({
    async read(key) {
      const entity = await readRow(table, tableKey(key), RUN_ROW);
      return entity && fromEntity(SCHEDULED_RUN_FIELDS, entity);
    },
    async change(key, next) {
      const entity = await readRow(table, tableKey(key), RUN_ROW);
      const run = next(entity && fromEntity(SCHEDULED_RUN_FIELDS, entity));
      if (!run) return false;
      const row = { partitionKey: tableKey(key), rowKey: RUN_ROW, ...entityProperties(SCHEDULED_RUN_FIELDS, run, `run ${key}`) };
      // A lost race (created, changed or deleted since the read) is a refusal: someone else has the run.
      return landed(entity ? table.updateEntity(row, 'Replace', { etag: entity.etag }) : table.createEntity(row));
    },
  });
}
