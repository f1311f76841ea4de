import { assertDay, assertHistoryRecord, assertLimit, daysFrom, peopleKeys, personKey, scrubbedRecord } from '../history-rules';
import { CALL_HISTORY_FIELDS } from '../record-fields';
import type { CallHistoryRecord, DayRollup, HistoryStore } from '../types';
import type { SqliteDatabase } from './sqlite-database';
import { SqliteRecords, type Row } from './sqlite-rows';

/** Rows per page of `listCalls` (and per transaction of `prune`) unless the engine is told otherwise. */
export const DEFAULT_HISTORY_PAGE_SIZE = 500;

const CALLS = new SqliteRecords('history_calls', CALL_HISTORY_FIELDS, ['tenantId', 'callId']);
const SAVE_CALL = CALLS.upsertSql();
const READ_CALL = 'SELECT * FROM history_calls WHERE tenant_id = ? AND call_id = ?';
/** Keyset paging over the (tenant_id, day, call_id) index: no OFFSET, so page n costs what page 1 does. */
const CALL_PAGE = 'SELECT * FROM history_calls WHERE tenant_id = ? AND (day, call_id) > (?, ?) AND day <= ? ORDER BY day, call_id LIMIT ?';
/** A new call's first summary, when there is no row yet (a row there: nothing written). The day's generation is bumped by a trigger (`schema.ts`). */
const CREATE_CALL = CALLS.insertSql({ orIgnore: true });
/** People per INSERT: 4 parameters each, far below SQLite's 32,766 parameters per statement. */
const PEOPLE_PER_INSERT = 500;
/** A call's people, up to {@link PEOPLE_PER_INSERT} in one statement. */
const addPeople = (count: number) => `INSERT OR IGNORE INTO history_people (person, day, tenant_id, call_id) VALUES ${Array.from({ length: count }, () => '(?, ?, ?, ?)').join(', ')}`;
const REMOVE_PERSON = 'DELETE FROM history_people WHERE person = ? AND day = ? AND tenant_id = ? AND call_id = ?';
const NEXT_TENANT = 'SELECT tenant_id FROM history_calls WHERE tenant_id > ? ORDER BY tenant_id LIMIT 1';
const CALLS_OF = `SELECT c.* FROM history_people p JOIN history_calls c ON c.tenant_id = p.tenant_id AND c.call_id = p.call_id
  WHERE p.person = ? AND p.day >= ? AND (? IS NULL OR p.tenant_id = ?)
  ORDER BY c.day DESC, c.started_at DESC NULLS LAST, c.call_id DESC, c.tenant_id DESC LIMIT ?`;

/** Options of the SQLite history. */
export interface SqliteHistoryOptions {
  /** Rows per page of `listCalls`; default {@link DEFAULT_HISTORY_PAGE_SIZE}. */
  pageSize?: number;
}

/** The SQLite history, with `putCall` also as a synchronous step for a transaction that writes more. */
export type SqliteHistoryStore = HistoryStore & { putCallNow(record: CallHistoryRecord, options?: { likelyNew?: boolean }): boolean };

/**
 * The history of scored calls on SQLite (tables in `schema.ts`): one row per call with its newest
 * summary, its people in an index table, and a generation per day that every change bumps, in
 * the same transaction as the change. An aggregate is kept with the generation it was computed
 * at, so `readRollups` can tell a stale one, and `writeRollup` refuses one computed before a change.
 */
export function createSqliteHistoryStore(db: SqliteDatabase, options: SqliteHistoryOptions = {}): SqliteHistoryStore {
  const pageSize = options.pageSize ?? DEFAULT_HISTORY_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError(`The history page size is ${pageSize}; give a whole number of rows, 1 or more.`);

  /** Replaces a call's people rows: those of `before` (as kept, on its day) by those of `after` (on its day). */
  const setPeople = (tenantId: string, callId: string, before: { day: string; people: readonly string[] }, after: { day: string; people: readonly string[] }) => {
    for (const person of peopleKeys(before.people)) db.sql(REMOVE_PERSON).run(person, before.day, tenantId, callId);
    const added = peopleKeys(after.people);
    // A large meeting's thousands of people in statements of at most PEOPLE_PER_INSERT (SQLite caps the parameters of one).
    for (let start = 0; start < added.length; start += PEOPLE_PER_INSERT) {
      const chunk = added.slice(start, start + PEOPLE_PER_INSERT);
      db.sql(addPeople(chunk.length)).run(...chunk.flatMap((person) => [person, after.day, tenantId, callId]));
    }
  };
  const tenants = (): string[] => {
    // Skip from tenant to tenant along the primary key: one lookup per tenant, not a scan of every call.
    const found: string[] = [];
    for (let row = db.sql(NEXT_TENANT).get('') as Row | undefined; row; row = db.sql(NEXT_TENANT).get(found[found.length - 1]!) as Row | undefined) {
      found.push(row.tenant_id as string);
    }
    return found;
  };
  const readCall = (tenantId: string, callId: string): CallHistoryRecord | undefined => {
    const row = db.sql(READ_CALL).get(tenantId, callId) as Row | undefined;
    return row ? CALLS.fromRow(row) : undefined;
  };

  const putCallNow = (record: CallHistoryRecord, options: { likelyNew?: boolean } = {}): boolean => {
    assertHistoryRecord(record);
    return db.transaction(() => {
      const none = { day: record.day, people: [] };
      // A call without a report most likely has no history row either: try the insert without reading first.
      if (options.likelyNew === true && Number(db.sql(CREATE_CALL).run(...CALLS.values(record)).changes) === 1) {
        setPeople(record.tenantId, record.callId, none, record);
        return true;
      }
      const kept = readCall(record.tenantId, record.callId);
      if (kept && kept.version >= record.version) return false;
      db.sql(SAVE_CALL).run(...CALLS.values(record));
      setPeople(record.tenantId, record.callId, kept ?? none, record);
      return true;
    });
  };

  return {
    putCallNow,

    async putCall(record, options) {
      return putCallNow(record, options);
    },

    async getCall(tenantId, callId) {
      return readCall(tenantId, callId);
    },

    listCalls(tenantId, fromDay, toDay) {
      assertDay(fromDay, 'first day');
      assertDay(toDay, 'last day');
      return {
        async *[Symbol.asyncIterator]() {
          let after: [string, string] = [fromDay, ''];
          for (;;) {
            const rows = db.sql(CALL_PAGE).all(tenantId, after[0], after[1], toDay, pageSize) as Row[];
            for (const row of rows) yield CALLS.fromRow(row);
            if (rows.length < pageSize) return;
            const last = rows[rows.length - 1]!;
            after = [last.day as string, last.call_id as string];
          }
        },
      };
    },

    async callsOf(tenantId, person, fromDay, limit) {
      assertDay(fromDay, 'first day');
      assertLimit(limit);
      if (limit === 0) return [];
      const rows = db.sql(CALLS_OF).all(personKey(person), fromDay, tenantId, tenantId, limit) as Row[];
      return rows.map((row) => CALLS.fromRow(row));
    },

    async readRollups(tenantId, fromDay, toDay) {
      const days = daysFrom(fromDay, toDay);
      const rows = db
        .sql('SELECT day, generation, rollup, rollup_generation FROM history_days WHERE tenant_id = ? AND day >= ? AND day <= ?')
        .all(tenantId, fromDay, toDay) as Row[];
      const byDay = new Map(rows.map((row) => [row.day as string, row]));
      return days.map((day): DayRollup => {
        const row = byDay.get(day);
        const generation = row ? Number(row.generation) : 0;
        const current = row !== undefined && row.rollup !== null && Number(row.rollup_generation) === generation;
        return { day, rollup: current ? (row.rollup as string) : null, tag: String(generation) };
      });
    },

    async writeRollup(tenantId, day, rollup, tag) {
      assertDay(day, 'day of the aggregate');
      return db.transaction(() => {
        const row = db.sql('SELECT generation FROM history_days WHERE tenant_id = ? AND day = ?').get(tenantId, day) as Row | undefined;
        const generation = row ? Number(row.generation) : 0;
        // A tag that is not a generation read from this engine matches nothing.
        if (String(generation) !== tag) return false;
        db.sql(
          `INSERT INTO history_days (tenant_id, day, generation, rollup, rollup_generation) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (tenant_id, day) DO UPDATE SET rollup = excluded.rollup, rollup_generation = excluded.rollup_generation`,
        ).run(tenantId, day, generation, rollup, generation);
        return true;
      });
    },

    async tenants() {
      return tenants();
    },

    async prune(beforeDay) {
      assertDay(beforeDay, 'first day to keep');
      let removed = 0;
      for (const tenantId of tenants()) {
        // A transaction per page, so a big prune never holds the write lock for long.
        for (;;) {
          const count = db.transaction(() => {
            const rows = db.sql('SELECT call_id, day, people FROM history_calls WHERE tenant_id = ? AND day < ? LIMIT ?').all(tenantId, beforeDay, pageSize) as Row[];
            for (const row of rows) {
              const day = row.day as string;
              setPeople(tenantId, row.call_id as string, { day, people: JSON.parse(row.people as string) as string[] }, { day, people: [] });
              db.sql('DELETE FROM history_calls WHERE tenant_id = ? AND call_id = ?').run(tenantId, row.call_id as string);
            }
            return rows.length;
          });
          removed += count;
          if (count < pageSize) break;
        }
      }
      // Also the days of tenants without calls left (an aggregate of an empty day).
      db.sql('DELETE FROM history_days WHERE day < ?').run(beforeDay);
      return removed;
    },

    async forgetPerson(person, scrub) {
      const key = personKey(person);
      // One transaction: the person is gone from every call, or (when a scrub throws) from none.
      return db.transaction(() => {
        const rows = db
          .sql('SELECT c.* FROM history_people p JOIN history_calls c ON c.tenant_id = p.tenant_id AND c.call_id = p.call_id WHERE p.person = ?')
          .all(key) as Row[];
        for (const row of rows) {
          const record = CALLS.fromRow(row);
          const scrubbed = scrubbedRecord(record, key, scrub);
          db.sql(SAVE_CALL).run(...CALLS.values(scrubbed));
          setPeople(record.tenantId, record.callId, record, scrubbed);
        }
        return rows.length;
      });
    },
  };
}
