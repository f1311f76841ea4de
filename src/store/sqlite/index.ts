/** The SQLite engine of the store (`node:sqlite`, one file in WAL mode), the default. */
export { openSqliteStore, SQLITE_FILE_NAME, type SqliteStoreLocation, type SqliteStoreOptions } from './sqlite-store';
