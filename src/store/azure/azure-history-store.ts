import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import { assertDay, assertHistoryRecord, assertLimit, daysFrom, namesPerson, newestFirst, personKey, scrubbedRecord } from '../history-rules';
import type { CallHistoryRecord, DayRollup, HistoryStore } from '../types';
import { contention } from './azure-store-error';
import {
  CALL_ROW_HEAD,
  callEntity,
  callRowKey,
  dayRowKey,
  firstCallKey,
  freshDayEntity,
  historyPartition,
  indexEntity,
  indexRowKey,
  pastCallKeys,
  peopleOfRow,
  recordOfRow,
  staleDayEntity,
} from './history-entities';
import type { GzipBlobs } from './gzip-blobs';
import { landed } from './ignore-status';
import { HistorySummaries } from './history-summaries';
import { MAX_BYTES_IN_ENTITY, numberOf, readTextProperty, stringOrNull } from './table-properties';
import { deleteRow, firstRow, listRows, readRow, rowPages, type Entity } from './table-rows';

/** Rows per page of `listCalls` unless the engine is told otherwise (the service's most). */
export const DEFAULT_AZURE_HISTORY_PAGE_SIZE = 1_000;
const MAX_WRITE_ATTEMPTS = 8;
/** Calls removed per entity group transaction by `prune` (two rows each; a transaction holds 100). */
const PRUNE_BATCH = 50;
/** Days read at once when looking for a person's calls, newest first. */
const DAYS_AT_ONCE = 4;
/** Every call row of a partition: `c|…` up to `c}`. */
const ALL_CALLS = { from: 'c|', past: 'c}' };

/** Options of the Azure history. */
export interface AzureHistoryOptions {
  /** Rows per page of `listCalls` (1 to 1,000); default {@link DEFAULT_AZURE_HISTORY_PAGE_SIZE}. */
  pageSize?: number;
  /**
   * Where the summaries of calls too big for one row go (a meeting of roughly 8,000 sessions or
   * more); without it such a call cannot be kept.
   */
  summaryBlobs?: GzipBlobs;
  /** A call row up to this many bytes keeps its summary in itself; a bigger one puts it in a blob. Default: what an entity holds. */
  maxInlineBytes?: number;
}

/** Where a call row is, with what `callsOf` orders by. */
type CallHead = CallHistoryRecord & { partitionKey: string; rowKey: string };

/**
 * The history of scored calls on Azure Tables, one partition per tenant (rows in
 * `history-entities.ts`). `putCall` reads the call's index row and then writes, in ONE entity
 * group transaction guarded by that row's ETag: the index row, the call row (moved when its day
 * changed), and `fresh=false` on the day (or both days). So a newer version replaces an older one
 * atomically, two writers of one call cannot both win, and a day's aggregate is never believed
 * after a call of the day changed. A write of a call is 2 requests; a 30-day `readRollups` is one
 * RowKey range query. `callsOf` and `forgetPerson` read the day rows' people (Tables have no
 * secondary index): `callsOf` day by day from the newest, stopping once it has enough.
 */
export function createAzureHistoryStore(table: TableClient, options: AzureHistoryOptions = {}): HistoryStore {
  const pageSize = options.pageSize ?? DEFAULT_AZURE_HISTORY_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1_000) throw new RangeError(`The history page size is ${pageSize}; give a whole number of rows from 1 to 1000.`);
  const summaries = new HistorySummaries(table, options.maxInlineBytes ?? MAX_BYTES_IN_ENTITY, options.summaryBlobs);
  const summaryBlobs = options.summaryBlobs;

  const callRange = (partitionKey: string, from: string, past: string) => odata`PartitionKey eq ${partitionKey} and RowKey ge ${from} and RowKey lt ${past}`;

  /** The tenants whose partition has a row matching `rows`: skipping from partition to partition, one query per tenant, not a scan of every row. */
  const tenantsWith = async (rows?: string): Promise<string[]> => {
    const found: string[] = [];
    for (let after: string | undefined; ; ) {
      const next = after === undefined ? undefined : odata`PartitionKey gt ${after}`;
      const row = await firstRow(table, [next, rows].filter(Boolean).join(' and ') || undefined, ['PartitionKey', 'tenantId']);
      if (!row) return found;
      found.push(String(row.tenantId));
      after = String(row.partitionKey);
    }
  };
  const tenants = () => tenantsWith(odata`RowKey ge ${ALL_CALLS.from} and RowKey lt ${ALL_CALLS.past}`);

  const readCall = async (tenantId: string, callId: string): Promise<Entity | undefined> => {
    const index = await readRow(table, historyPartition(tenantId), indexRowKey(callId), ['day']);
    return index && readRow(table, historyPartition(tenantId), callRowKey(String(index.day), callId));
  };

  /** The people of a row read with {@link CALL_ROW_HEAD}, reading the whole row when they are kept in parts. */
  const peopleIn = async (row: Entity): Promise<string[]> =>
    peopleOfRow(row) ?? peopleOfRow((await readRow(table, String(row.partitionKey), String(row.rowKey))) ?? {}) ?? [];

  const headOf = (row: Entity): CallHead => ({ ...recordOfRow({ ...row, summary: '', people: '[]' }), partitionKey: String(row.partitionKey), rowKey: String(row.rowKey) });

  /** A tenant's calls with the person from `fromDay` on: the newest `limit`, without their summaries. */
  const headsOf = async (tenantId: string, key: string, fromDay: string, limit: number): Promise<CallHead[]> => {
    const partitionKey = historyPartition(tenantId);
    const dayRows = await listRows(table, callRange(partitionKey, dayRowKey(fromDay), 'd}'), ['day']);
    const days = dayRows.map((row) => String(row.day)).reverse();
    const heads: CallHead[] = [];
    // Whole days, newest first: once enough are found, no older day can hold a newer call.
    for (let start = 0; start < days.length && heads.length < limit; start += DAYS_AT_ONCE) {
      const batch = days.slice(start, start + DAYS_AT_ONCE);
      const rows = (await Promise.all(batch.map((day) => listRows(table, callRange(partitionKey, firstCallKey(day), pastCallKeys(day)), CALL_ROW_HEAD)))).flat();
      for (const row of rows) if (namesPerson(await peopleIn(row as Entity), key)) heads.push(headOf(row as Entity));
    }
    return heads.sort(newestFirst).slice(0, limit);
  };

  /** Rewrites one call without the person; false when it no longer names them (or is gone). */
  const forgetIn = async (tenantId: string, callId: string, key: string, scrub: Parameters<HistoryStore['forgetPerson']>[1]): Promise<boolean> => {
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt += 1) {
      const row = await readCall(tenantId, callId);
      const record = row && (await summaries.recordOf(row));
      if (!row || !record) return false;
      if (!namesPerson(record.people, key)) return false;
      const scrubbed = scrubbedRecord(record, key, scrub);
      const { entity, blob } = await summaries.rowOf(scrubbed);
      // Guarded by the call row's ETag: a newer version written meanwhile is read again, not overwritten.
      const actions: TransactionAction[] = [
        ['update', entity, 'Replace', { etag: row.etag }],
        ['upsert', indexEntity(scrubbed, blob), 'Replace'],
        ['upsert', staleDayEntity(tenantId, record.day), 'Merge'],
      ];
      if (await landed(table.submitTransaction(actions))) {
        // The person's words are in the old blob too: it goes now, not at the next prune.
        await summaryBlobs?.discard(stringOrNull(row, 'summaryBlob'));
        return true;
      }
      await summaryBlobs?.discard(blob);
    }
    throw contention('history.forgetPerson', MAX_WRITE_ATTEMPTS);
  };

  return {
    async putCall(record, options = {}) {
      assertHistoryRecord(record);
      const partitionKey = historyPartition(record.tenantId);
      // The index row's ETag under which the old day's call row was found missing: trusted only while the index is unchanged,
      // since a writer that moves the call back to that day changes the index row in the same transaction.
      let oldRowGoneUnder: string | undefined;
      // A call likely new is written as new at once (one request, not two); if its index row exists after all, the create fails (409) and it is read.
      let assumeAbsent = options.likelyNew === true;
      const { entity, blob } = await summaries.rowOf(record);
      let kept = false;
      try {
        for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt += 1) {
          const index = assumeAbsent ? undefined : await readRow(table, partitionKey, indexRowKey(record.callId), ['day', 'version', 'summaryBlob']);
          assumeAbsent = false;
          if (index && numberOf(index, 'version') >= record.version) return false;
          const oldDay = index ? String(index.day) : record.day;
          const oldRowGone = index !== undefined && oldRowGoneUnder !== undefined && index.etag === oldRowGoneUnder;
          const actions: TransactionAction[] = [
            index ? ['update', indexEntity(record, blob), 'Replace', { etag: index.etag }] : ['create', indexEntity(record, blob)],
            ['upsert', entity, 'Replace'],
            ['upsert', staleDayEntity(record.tenantId, record.day), 'Merge'],
          ];
          if (oldDay !== record.day) {
            if (!oldRowGone) actions.push(['delete', { partitionKey, rowKey: callRowKey(oldDay, record.callId) }]);
            actions.push(['upsert', staleDayEntity(record.tenantId, oldDay), 'Merge']);
          }
          if (await landed(table.submitTransaction(actions))) {
            kept = true;
            // The version replaced had its summary in a blob: no row points at it now.
            await summaryBlobs?.discard(index && stringOrNull(index, 'summaryBlob'));
            return true;
          }
          // Lost to another writer of the call (read again), or the old day's row is missing (a crash in a prune): move without it.
          if (index && oldDay !== record.day && !oldRowGone && (await readRow(table, partitionKey, callRowKey(oldDay, record.callId), ['version'])) === undefined) oldRowGoneUnder = index.etag;
        }
        throw contention('history.putCall', MAX_WRITE_ATTEMPTS);
      } finally {
        // Not kept (an older version, lost races, a failure): the blob written for it has no row.
        if (!kept) await summaryBlobs?.discard(blob);
      }
    },

    async getCall(tenantId, callId) {
      const row = await readCall(tenantId, callId);
      return row && summaries.recordOf(row);
    },

    listCalls(tenantId, fromDay, toDay) {
      assertDay(fromDay, 'first day');
      assertDay(toDay, 'last day');
      const filter = callRange(historyPartition(tenantId), firstCallKey(fromDay), pastCallKeys(toDay));
      return {
        async *[Symbol.asyncIterator]() {
          for await (const page of rowPages(table, filter, pageSize)) {
            for (const row of page) {
              const record = await summaries.recordOf(row);
              // Gone since the page was read (pruned, or moved to another day by a newer version).
              if (record) yield record;
            }
          }
        },
      };
    },

    async callsOf(tenantId, person, fromDay, limit) {
      assertDay(fromDay, 'first day');
      const key = personKey(person);
      assertLimit(limit);
      if (limit === 0) return [];
      const inTenants = tenantId === null ? await tenants() : [tenantId];
      const heads = (await Promise.all(inTenants.map((tenant) => headsOf(tenant, key, fromDay, limit)))).flat().sort(newestFirst).slice(0, limit);
      const rows = await Promise.all(heads.map((head) => readRow(table, head.partitionKey, head.rowKey)));
      // A call moved or pruned since the scan is left out rather than shown from an old row.
      const records = await Promise.all(rows.map((row) => row && summaries.recordOf(row)));
      return records.filter((record): record is CallHistoryRecord => record !== undefined);
    },

    async readRollups(tenantId, fromDay, toDay): Promise<DayRollup[]> {
      const days = daysFrom(fromDay, toDay);
      if (days.length === 0) return [];
      const rows = await listRows(table, odata`PartitionKey eq ${historyPartition(tenantId)} and RowKey ge ${dayRowKey(fromDay)} and RowKey le ${dayRowKey(toDay)}`);
      const byDay = new Map(rows.map((row) => [String(row.day), row as Entity]));
      return days.map((day) => {
        const row = byDay.get(day);
        if (!row) return { day, rollup: null, tag: '' };
        return { day, rollup: row.fresh === true ? (readTextProperty(row, 'rollup') ?? null) : null, tag: row.etag };
      });
    },

    async writeRollup(tenantId, day, rollup, tag) {
      assertDay(day, 'day of the aggregate');
      const entity = freshDayEntity(tenantId, day, rollup);
      // No tag: the day had no row, so create it (a call kept meanwhile created it: 409). Else only over the row as it was read.
      return tag === '' ? landed(table.createEntity(entity), [409]) : landed(table.updateEntity(entity, 'Replace', { etag: tag }), [404, 412]);
    },

    tenants,

    async prune(beforeDay) {
      assertDay(beforeDay, 'first day to keep');
      let removed = 0;
      // Every partition, also one left with day rows alone (an aggregate of an empty day).
      for (const tenantId of await tenantsWith()) {
        const partitionKey = historyPartition(tenantId);
        for await (const page of rowPages(table, callRange(partitionKey, ALL_CALLS.from, firstCallKey(beforeDay)), PRUNE_BATCH, ['RowKey', 'callId', 'summaryBlob'])) {
          const actions = page.flatMap((row): TransactionAction[] => [
            ['delete', { partitionKey, rowKey: String(row.rowKey) }],
            ['delete', { partitionKey, rowKey: indexRowKey(String(row.callId)) }],
          ]);
          if (!(await landed(table.submitTransaction(actions), [404]))) {
            // A row of the batch is gone already: one by one, the index row first so a crash leaves no index without its call.
            for (const row of page) {
              await deleteRow(table, partitionKey, indexRowKey(String(row.callId)));
              await deleteRow(table, partitionKey, String(row.rowKey));
            }
          }
          if (summaryBlobs) await Promise.all(page.map((row) => summaryBlobs.discard(stringOrNull(row, 'summaryBlob'))));
          removed += page.length;
        }
        for await (const page of rowPages(table, callRange(partitionKey, 'd|', dayRowKey(beforeDay)), 100, ['RowKey'])) {
          await table.submitTransaction(page.map((row): TransactionAction => ['delete', { partitionKey, rowKey: String(row.rowKey) }]));
        }
      }
      return removed;
    },

    async forgetPerson(person, scrub) {
      const key = personKey(person);
      let forgotten = 0;
      for (const tenantId of await tenants()) {
        const partitionKey = historyPartition(tenantId);
        for await (const page of rowPages(table, callRange(partitionKey, ALL_CALLS.from, ALL_CALLS.past), 1_000, CALL_ROW_HEAD)) {
          for (const row of page) {
            if (namesPerson(await peopleIn(row), key) && (await forgetIn(tenantId, String(row.callId), key, scrub))) forgotten += 1;
          }
        }
      }
      return forgotten;
    },
  };
}
