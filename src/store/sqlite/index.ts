/** The SQLite engine of the store (`node:sqlite`, one file in WAL mode), the default. */
export { openSqliteStore, SQLITE_FILE_NAME, type SqliteStoreLocation } from './sqlite-store';
