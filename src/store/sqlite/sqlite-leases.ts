import { randomUUID } from 'node:crypto';
import { holdsLease, isClaimable, type Leasable } from '../lease-rules';
import type { SqliteDatabase } from './sqlite-database';
import { columnOf, type Row, type SqliteRecords } from './sqlite-rows';

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

  constructor(
    private readonly db: SqliteDatabase,
    private readonly records: SqliteRecords<R>,
    /** Which due rows go first. */
    order: keyof R & string,
  ) {
    this.dueSql = `SELECT * FROM ${records.table} WHERE (state = 'pending' AND next_attempt_at <= ?) OR (state = 'leased' AND lease_until <= ?)
      ORDER BY ${columnOf(order)} LIMIT ?`;
    this.readSql = `SELECT * FROM ${records.table} WHERE ${records.whereKey()}`;
    this.insertSql = records.insertSql();
    this.updateSql = records.updateSql();
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

  /** Leases up to `limit` claimable rows, `lease` (a shared rule) making the leased row. */
  claim(now: number, limit: number, lease: (row: R, token: string) => R): R[] {
    return this.db.transaction(() =>
      (this.db.sql(this.dueSql).all(now, now, limit) as Row[])
        .map((row) => this.records.fromRow(row))
        .filter((row) => isClaimable(row, now))
        .map((row) => {
          const claimed = lease(row, randomUUID());
          this.update(claimed);
          return claimed;
        }),
    );
  }

  /** Writes `next(row)` when `record`'s lease still holds; false when it was lost. */
  settle(record: Partial<R> & { leaseToken: string | null }, next: (row: R) => R): boolean {
    return this.db.transaction(() => {
      const row = this.read(record);
      if (!row || !holdsLease(row, record.leaseToken)) return false;
      this.update(next(row));
      return true;
    });
  }
}
