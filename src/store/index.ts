/** Storage: one interface ({@link Store}), two engines (SQLite by default, Azure Storage for several instances). */
export * from './types';
export { openSqliteStore, SQLITE_FILE_NAME, type SqliteStoreLocation, type SqliteStoreOptions } from './sqlite';
