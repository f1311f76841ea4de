import { mkdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { StartupError, type AppConfig } from './config';
import { openSqliteStore, SQLITE_FILE_NAME, type Store } from './store';
import type { AzureStorageConnection } from './store/azure/index.js';

/**
 * Opens the store the configuration names (`STORE`). The Azure engine and `@azure/identity` are
 * loaded only when chosen, so the embedded default starts without them. A data folder or an SQLite
 * file the bot cannot use is a {@link StartupError} that names it and says what to do.
 */
export async function openConfiguredStore(config: AppConfig, options: { onWarning?: (message: string) => void } = {}): Promise<Store> {
  if (config.store === 'sqlite') return openSqliteStoreIn(config.dataDir, options.onWarning);
  const { openAzureStore } = await import('./store/azure/index.js');
  return openAzureStore(await azureConnectionOf(config), { prefix: config.azureStorage.prefix });
}

/** The Azure Storage account the configuration names: a connection string, or on App Service an account URL and the managed identity. */
export async function azureConnectionOf(config: AppConfig): Promise<AzureStorageConnection> {
  const { connectionString, accountUrl } = config.azureStorage;
  if (connectionString) return { connectionString };
  // On App Service: the user-assigned identity named by AZURE_CLIENT_ID, no account keys anywhere.
  const { DefaultAzureCredential } = await import('@azure/identity');
  return { accountUrl: accountUrl!, credential: new DefaultAzureCredential() };
}

/** Opens the SQLite store in `dataDir` after checking that the folder can hold it. */
function openSqliteStoreIn(dataDir: string, onWarning?: (message: string) => void): Store {
  prepareDataFolder(dataDir);
  try {
    const onFailure = onWarning && ((message: string) => onWarning(`SQLite's checkpoint thread failed (${message}); the bot checkpoints on its own writes instead, which slows the webhook.`));
    return openSqliteStore({ dataDir }, { checkpoints: { onFailure } });
  } catch (error) {
    throw sqliteOpenError(error, dataDir) ?? error;
  }
}

const NOT_WRITABLE = new Set(['EACCES', 'EPERM', 'EROFS']);

/**
 * Creates the data folder when missing and proves it writable. SQLite alone says "unable to open
 * database file" for all of these, without naming the folder.
 */
function prepareDataFolder(dataDir: string): void {
  const blocking = firstNonFolder(dataDir);
  if (blocking === dataDir) {
    throw new StartupError(`DATA_DIR=${dataDir} is a file, not a folder: set DATA_DIR to a folder (it is created when missing), or move the file away.`);
  }
  if (blocking) {
    throw new StartupError(`DATA_DIR=${dataDir} cannot be created because ${blocking} is a file, not a folder: set DATA_DIR to a folder elsewhere.`);
  }
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (NOT_WRITABLE.has(code)) {
      throw new StartupError(`The data folder ${dataDir} (DATA_DIR) cannot be created (${code}): create it and make it writable for the user the bot runs as, or set DATA_DIR to a writable folder.`);
    }
    throw error;
  }
  // SQLite writes the database and, in WAL mode, two files beside it: the folder itself must be writable.
  const probe = path.join(dataDir, `.write-check-${process.pid}`);
  try {
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (NOT_WRITABLE.has(code) || code === 'ENOSPC') {
      const why = code === 'ENOSPC' ? 'its disk is full' : code === 'EROFS' ? 'it is on a read-only file system' : `permission denied, ${code}`;
      throw new StartupError(`The data folder ${dataDir} (DATA_DIR) is not writable (${why}): make it writable for the user the bot runs as, or set DATA_DIR to a writable folder.`);
    }
    throw error;
  }
}

/** The first of `folder` and its parents that exists but is not a folder, if any. */
function firstNonFolder(folder: string): string | undefined {
  for (let at = path.resolve(folder); ; at = path.dirname(at)) {
    try {
      if (!statSync(at).isDirectory()) return at;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // ENOTDIR: a parent further up is a file; keep walking to name it.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return undefined;
    }
    if (path.dirname(at) === at) return undefined;
  }
}

/** SQLite's primary result codes (the low byte of an extended code) that start-up can explain. */
const SQLITE_PERM = 3;
const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_READONLY = 8;
const SQLITE_CORRUPT = 11;
const SQLITE_FULL = 13;
const SQLITE_CANTOPEN = 14;
const SQLITE_NOTADB = 26;

/** A {@link StartupError} for an SQLite failure the operator can fix; `undefined` for anything else (a bug). */
function sqliteOpenError(error: unknown, dataDir: string): StartupError | undefined {
  const { code, errcode, errstr } = error as { code?: string; errcode?: number; errstr?: string };
  if (code !== 'ERR_SQLITE_ERROR' || typeof errcode !== 'number') return undefined;
  const file = path.join(dataDir, SQLITE_FILE_NAME);
  const said = errstr ?? (error as Error).message;
  switch (errcode & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return new StartupError(
        `The SQLite file ${file} is damaged or is not a database (${said}): restore it from a backup, or move it aside (with any ${SQLITE_FILE_NAME}-wal and ${SQLITE_FILE_NAME}-shm beside it) to start with an empty store.`,
      );
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
      return new StartupError(`The SQLite file ${file} cannot be opened for writing (${said}): make it and the data folder ${dataDir} (DATA_DIR) writable for the user the bot runs as.`);
    case SQLITE_FULL:
      return new StartupError(`The disk that holds ${file} is full: free some space, or set DATA_DIR to a folder on another disk.`);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return new StartupError(`The SQLite file ${file} is locked by another process: with STORE=sqlite only one bot process may use a DATA_DIR; stop the other one, or use STORE=azure for several instances.`);
    default:
      return undefined;
  }
}
