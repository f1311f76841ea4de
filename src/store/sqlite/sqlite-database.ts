import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { LRUCache } from 'lru-cache';

/**
 * The SQL text of the statements kept prepared, at most. The engine's fixed statements take a few
 * tens of kilobytes; statements of many widths (a call's people in one INSERT, a claim's rows in
 * one UPDATE) take one text per width, and kept forever, 500 widths of the people's INSERT held
 * about 50 MB. The least recently run go first.
 */
export const STATEMENT_CACHE_CHARS = 256 * 1024;

/**
 * One open SQLite database: prepared statements kept per SQL text (each sub-store prepares
 * what it runs, once; see {@link STATEMENT_CACHE_CHARS}), and transactions. Every sub-store of the engine shares one.
 */
export class SqliteDatabase {
  /** By SQL text, the least recently run let go first once their texts pass {@link STATEMENT_CACHE_CHARS} (a statement let go is finalized once collected). */
  private readonly statements = new LRUCache<string, StatementSync>({ maxSize: STATEMENT_CACHE_CHARS, sizeCalculation: (_statement, text) => Math.max(1, text.length) });
  private closed = false;
  /** How deep in {@link transaction} the current (synchronous) call is. */
  private depth = 0;
  /** Told of every transaction rolled back (see {@link onRollback}). */
  private readonly rollbackListeners: Array<() => void> = [];

  /** `onStatement` hears the text of every statement about to run (tests count round trips with it). */
  constructor(
    private readonly db: DatabaseSync,
    private readonly onStatement?: (text: string) => void,
  ) {}

  /** The prepared statement for `text` (prepared on first use). Every caller runs it at once, so this is where statements are counted. */
  sql(text: string): StatementSync {
    this.onStatement?.(text);
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  /** How many statements are kept prepared, and the length of their texts (tests). */
  get cachedStatements(): { count: number; chars: number } {
    return { count: this.statements.size, chars: this.statements.calculatedSize };
  }

  /**
   * Runs `work` in one write transaction (`BEGIN IMMEDIATE`, so a read inside it is not
   * outdated by another process before the write): a crash leaves it whole or absent. Called
   * inside another, `work` joins it (several sub-stores' writes in one commit).
   */
  transaction<T>(work: () => T): T {
    // Inside another (synchronous, so nothing else runs in between): part of it, committed or rolled back with it.
    if (this.depth > 0) return work();
    // Prepared like any statement: a transaction wraps every claim and settling, so parsing these each time would show.
    this.sql('BEGIN IMMEDIATE').run();
    this.depth += 1;
    try {
      const result = work();
      this.depth -= 1;
      this.sql('COMMIT').run();
      return result;
    } catch (error) {
      this.depth = 0;
      try {
        this.sql('ROLLBACK').run();
      } catch (rollbackError) {
        // SQLite rolls back by itself on some errors (disk full, I/O error, out of memory): then
        // nothing is left to roll back, and the caller must hear that error, not ROLLBACK's.
        if (this.db.isTransaction === true) throw rollbackError;
      } finally {
        for (const listener of this.rollbackListeners) listener();
      }
      throw error;
    }
  }

  /**
   * `listener` hears every transaction rolled back, after the rollback: a sub-store that keeps in
   * memory what a transaction wrote (the inbox's "the journal is empty") forgets it there.
   */
  onRollback(listener: () => void): void {
    this.rollbackListeners.push(listener);
  }

  /** Closes the database; a second call does nothing. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.statements.clear();
    this.db.close();
  }
}
