import type { SQLInputValue, SQLOutputValue } from 'node:sqlite';
import { storedNumber, type FieldKind, type RecordFields } from '../record-fields';

/** A row as SQLite returns it. */
export type Row = Record<string, SQLOutputValue>;

/** The column of a record field: its name in snake case (`nextAttemptAt` → `next_attempt_at`). */
export function columnOf(field: string): string {
  return field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/**
 * One table holding one kind of record, read and written through the record's field list:
 * numbers as INTEGER, flags as 0/1, JSON as TEXT.
 */
export class SqliteRecords<T> {
  private readonly columns: readonly { field: string; column: string; kind: FieldKind }[];

  constructor(
    readonly table: string,
    fields: RecordFields<T>,
  ) {
    this.columns = (Object.entries(fields) as [string, FieldKind][]).map(([field, kind]) => ({ field, column: columnOf(field), kind }));
  }

  /** The record a row holds. */
  fromRow(row: Row): T {
    const record: Record<string, unknown> = {};
    for (const { field, column, kind } of this.columns) record[field] = fromColumn(row[column], kind);
    return record as T;
  }

  /** The record's values, in the column order of {@link insertSql} and {@link upsertSql}. */
  values(record: T): SQLInputValue[] {
    return this.columns.map(({ field, kind }) => toColumn((record as Record<string, unknown>)[field], kind));
  }

  /** `INSERT` of a whole record; with `orIgnore`, a record whose key exists is left as it is. */
  insertSql(options: { orIgnore?: boolean } = {}): string {
    const names = this.columns.map((column) => column.column);
    return `INSERT ${options.orIgnore ? 'OR IGNORE ' : ''}INTO ${this.table} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`;
  }

  /** Inserts a whole record or, when its key exists, replaces every column but the key and `keep`. */
  upsertSql(key: readonly (keyof T & string)[], keep: readonly (keyof T & string)[] = []): string {
    const fixed = new Set<string>([...key, ...keep]);
    const updates = this.columns.filter((column) => !fixed.has(column.field)).map(({ column }) => `${column} = excluded.${column}`);
    return `${this.insertSql()} ON CONFLICT (${key.map(columnOf).join(', ')}) DO UPDATE SET ${updates.join(', ')}`;
  }
}

function fromColumn(value: SQLOutputValue | undefined, kind: FieldKind): unknown {
  switch (kind) {
    case 'number':
      return Number(value);
    case 'number?':
      return storedNumber(value);
    case 'flag':
      return Number(value) === 1;
    case 'json':
      return JSON.parse(value as string);
    default:
      return value ?? null;
  }
}

function toColumn(value: unknown, kind: FieldKind): SQLInputValue {
  if (kind === 'json') return JSON.stringify(value);
  if (kind === 'flag') return value ? 1 : 0;
  return (value ?? null) as SQLInputValue;
}
