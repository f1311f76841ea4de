import type { SQLInputValue, SQLOutputValue } from 'node:sqlite';
import { storedNumber, type FieldKind, type RecordFields } from '../record-fields';

/** A row as SQLite returns it. */
export type Row = Record<string, SQLOutputValue>;

/** The column of a record field: its name in snake case (`nextAttemptAt` → `next_attempt_at`). */
export function columnOf(field: string): string {
  return field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

interface Column {
  field: string;
  column: string;
  kind: FieldKind;
}

/**
 * One table holding one kind of record, read and written through the record's field list:
 * numbers as INTEGER, flags as 0/1, JSON as TEXT. `key` is the table's primary key (for writes).
 */
export class SqliteRecords<T> {
  private readonly columns: readonly Column[];
  /** The columns an update sets, then those of its WHERE (the key). */
  private readonly updateOrder: readonly Column[];
  private readonly keyColumns: readonly Column[];

  constructor(
    readonly table: string,
    fields: RecordFields<T>,
    readonly key: readonly (keyof T & string)[] = [],
  ) {
    this.columns = (Object.entries(fields) as [string, FieldKind][]).map(([field, kind]) => ({ field, column: columnOf(field), kind }));
    const keyFields = new Set<string>(key);
    this.keyColumns = this.columns.filter((column) => keyFields.has(column.field));
    this.updateOrder = [...this.columns.filter((column) => !keyFields.has(column.field)), ...this.keyColumns];
  }

  /** The record a row holds. */
  fromRow(row: Row): T {
    const record: Record<string, unknown> = {};
    for (const { field, column, kind } of this.columns) record[field] = fromColumn(row[column], kind);
    return record as T;
  }

  /** The record's values for {@link insertSql} and {@link upsertSql}. */
  values(record: T): SQLInputValue[] {
    return valuesIn(this.columns, record);
  }

  /** The record's values for {@link updateSql}. */
  updateValues(record: T): SQLInputValue[] {
    return valuesIn(this.updateOrder, record);
  }

  /** The key values of a record, for a `WHERE` of {@link whereKey}. */
  keyValues(record: Partial<T>): SQLInputValue[] {
    return valuesIn(this.keyColumns, record);
  }

  /** The values of some fields of a record, for a `WHERE` of {@link whereFields}. */
  fieldValues(record: Partial<T>, fields: readonly (keyof T & string)[]): SQLInputValue[] {
    return valuesIn(this.columnsOf(fields), record);
  }

  /** `col = ? AND …` over some fields (with {@link fieldValues}); `IS` so that a null matches a null. */
  whereFields(fields: readonly (keyof T & string)[]): string {
    return this.columnsOf(fields)
      .map(({ column }) => `${column} IS ?`)
      .join(' AND ');
  }

  private columnsOf(fields: readonly string[]): Column[] {
    return fields.map((field) => {
      const column = this.columns.find((candidate) => candidate.field === field);
      if (!column) throw new RangeError(`The table ${this.table} has no field "${field}".`);
      return column;
    });
  }

  /** `col = ? AND …` over the key. */
  whereKey(): string {
    return this.keyColumns.map(({ column }) => `${column} = ?`).join(' AND ');
  }

  /** `INSERT` of a whole record; with `orIgnore`, a record whose key exists is left as it is. */
  insertSql(options: { orIgnore?: boolean } = {}): string {
    const names = this.columns.map((column) => column.column);
    return `INSERT ${options.orIgnore ? 'OR IGNORE ' : ''}INTO ${this.table} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`;
  }

  /** `UPDATE` of every column but the key, of an existing record (cheaper than an upsert when the row is known to be there). */
  updateSql(): string {
    const sets = this.updateOrder.slice(0, this.columns.length - this.keyColumns.length).map(({ column }) => `${column} = ?`);
    return `UPDATE ${this.table} SET ${sets.join(', ')} WHERE ${this.whereKey()}`;
  }

  /**
   * `UPDATE` of every column but the key of `count` existing records in one statement (values:
   * each record's {@link updateValues}, one after another), joined on the key to a `VALUES` list.
   */
  updateManySql(count: number): string {
    const width = this.updateOrder.length;
    const sets = this.updateOrder.slice(0, width - this.keyColumns.length).map(({ column }, index) => `${column} = v.column${index + 1}`);
    const keys = this.keyColumns.map(({ column }, index) => `${this.table}.${column} = v.column${width - this.keyColumns.length + index + 1}`);
    const row = `(${this.updateOrder.map(() => '?').join(', ')})`;
    return `UPDATE ${this.table} SET ${sets.join(', ')} FROM (VALUES ${Array.from({ length: count }, () => row).join(', ')}) AS v WHERE ${keys.join(' AND ')}`;
  }

  /** Inserts a whole record or, when its key exists, replaces every column but the key and `keep`. */
  upsertSql(keep: readonly (keyof T & string)[] = []): string {
    const fixed = new Set<string>([...this.key, ...keep]);
    const updates = this.columns.filter((column) => !fixed.has(column.field)).map(({ column }) => `${column} = excluded.${column}`);
    return `${this.insertSql()} ON CONFLICT (${this.keyColumns.map(({ column }) => column).join(', ')}) DO UPDATE SET ${updates.join(', ')}`;
  }
}

function valuesIn(columns: readonly Column[], record: unknown): SQLInputValue[] {
  return columns.map(({ field, kind }) => toColumn((record as Record<string, unknown>)[field], kind));
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
