import { randomUUID } from 'node:crypto';
import { holdsLease, isClaimable, type Leasable } from '../lease-rules';
import type { SqliteDatabase } from './sqlite-database';
import { columnOf, type Row, type SqliteRecords } from './sqlite-rows';

/** Rows per claim UPDATE: with a dozen columns each, well below SQLite's 32,766 parameters per statement. */
const ROWS_PER_UPDATE = 1_000;
/** Leases remembered for settling in one statement; past this many (holders that never settled) the oldest are forgotten. */
const MAX_HELD = 4_096;

/**
 * Leased rows on SQLite (inbox work items and alert jobs), the counterpart of the Azure engine's
 * `QueueLeases`: the `(state, next_attempt_at)` index finds the candidates, the shared lease rules
 * (`lease-rules.ts`) decide, and every claim or settling reads and writes in one transaction.
 */
export class SqliteLeases<R extends Leasable> {
  private readonly dueSql: string;
  private readonly readSql: string;
  private readonly insertSql: string;
  private readonly updateSql: string;
  private readonly settleHeldSql: string;
  private readonly guard: readonly (keyof R & string)[];
  /**
   * The rows this instance leased, as written, by lease token: settling writes over that row in
   * one guarded statement instead of a read and a write in a transaction. A row changed since (a
   * lease lost, a notification during the lease) matches no row and is read as before.
   */
  private readonly held = new Map<string, R>();

  constructor(
    private readonly db: SqliteDatabase,
    private readonly records: SqliteRecords<R>,
    /** Which due rows go first. */
    order: keyof R & string,
    /** The fields another writer may change while a row is leased (besides taking the lease). */
    changedWhileLeased: readonly (keyof R & string)[] = [],
    /** Columns of another table read with the due rows (`LEFT JOIN … AS j ON …`, and the `j.` columns), for {@link claim}'s `seen`. */
    joined?: { join: string; columns: string },
  ) {
    const table = records.table;
    this.dueSql = `SELECT ${table}.*${joined ? `, ${joined.columns}` : ''} FROM ${table} ${joined?.join ?? ''}
      WHERE (${table}.state = 'pending' AND ${table}.next_attempt_at <= ?) OR (${table}.state = 'leased' AND ${table}.lease_until <= ?)
      ORDER BY ${table}.${columnOf(order)} LIMIT ?`;
    this.readSql = `SELECT * FROM ${records.table} WHERE ${records.whereKey()}`;
    this.insertSql = records.insertSql();
    this.updateSql = records.updateSql();
    this.guard = ['state', 'leaseToken', ...changedWhileLeased];
    this.settleHeldSql = `${this.updateSql} AND ${records.whereFields(this.guard)}`;
  }

  /** The row with the key of `record`, or undefined. */
  read(record: Partial<R>): R | undefined {
    const row = this.db.sql(this.readSql).get(...this.records.keyValues(record)) as Row | undefined;
    return row ? this.records.fromRow(row) : undefined;
  }

  /** Writes a new row. */
  insert(row: R): void {
    this.db.sql(this.insertSql).run(...this.records.values(row));
  }

  /** Writes a row that exists (read in the same transaction). */
  update(row: R): void {
    this.db.sql(this.updateSql).run(...this.records.updateValues(row));
  }

  /**
   * Leases up to `limit` claimable rows, `lease` (a shared rule) making the leased row: one read
   * and one write however many. `handOut` makes what the caller gets of each leased row, from the
   * row as read (with any joined columns); the row itself by default.
   */
  claim(now: number, limit: number, lease: (row: R, token: string) => R): R[];
  claim<C>(now: number, limit: number, lease: (row: R, token: string) => R, handOut: (claimed: R, read: Row) => C): C[];
  claim<C>(now: number, limit: number, lease: (row: R, token: string) => R, handOut?: (claimed: R, read: Row) => C): Array<R | C> {
    return this.db.transaction(() => {
      const due = (this.db.sql(this.dueSql).all(now, now, limit) as Row[]).map((read) => ({ read, row: this.records.fromRow(read) })).filter(({ row }) => isClaimable(row, now));
      if (due.length === 0) return [];
      const claimed = due.map(({ row }) => lease(row, randomUUID()));
      // In statements of at most ROWS_PER_UPDATE rows: SQLite caps the parameters of one (a large `limit` would pass it).
      for (let start = 0; start < claimed.length; start += ROWS_PER_UPDATE) {
        const chunk = claimed.slice(start, start + ROWS_PER_UPDATE);
        this.db.sql(this.records.updateManySql(chunk.length)).run(...chunk.flatMap((row) => this.records.updateValues(row)));
      }
      for (const row of claimed) this.hold(row);
      return handOut ? claimed.map((row, index) => handOut(row, due[index]!.read)) : claimed;
    });
  }

  private hold(row: R): void {
    if (row.leaseToken === null) return;
    if (this.held.size >= MAX_HELD) this.held.delete(this.held.keys().next().value!);
    this.held.set(row.leaseToken, row);
  }

  /** Writes `next(row)` when `record`'s lease still holds; false when it was lost. */
  settle(record: Partial<R> & { leaseToken: string | null }, next: (row: R) => R): boolean {
    const held = record.leaseToken === null ? undefined : this.held.get(record.leaseToken);
    if (record.leaseToken !== null) this.held.delete(record.leaseToken);
    if (held && Number(this.db.sql(this.settleHeldSql).run(...this.records.updateValues(next(held)), ...this.records.fieldValues(held, this.guard)).changes) === 1) return true;
    return this.db.transaction(() => {
      const row = this.read(record);
      if (!row || !holdsLease(row, record.leaseToken)) return false;
      this.update(next(row));
      return true;
    });
  }
}
