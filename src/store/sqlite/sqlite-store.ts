import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { withSettingsCache } from '../cached-settings';
import type { PreviousReport } from '../record-fields';
import type { KeptCall, ScoredCall, Store } from '../types';
import type { EncodedReport } from './sqlite-report-store';
import { GroupCommit } from './group-commit';
import { SQLITE_SCHEMA } from './schema';
import { createSqliteConversationStore } from './sqlite-conversation-store';
import { SqliteDatabase } from './sqlite-database';
import { createSqliteDocumentStore } from './sqlite-document-store';
import { createSqliteHistoryStore } from './sqlite-history-store';
import { createSqliteInbox } from './sqlite-inbox';
import { createSqliteReportStore } from './sqlite-report-store';
import { createSqliteRunStore } from './sqlite-run-store';
import { createSqliteSentCardStore } from './sqlite-sent-card-store';
import { createSqliteSettingsStore } from './sqlite-settings-store';
import { createSqliteSubscriptionStore } from './sqlite-subscription-store';
import { WalCheckpointer, type WalCheckpointerOptions } from './wal-checkpointer';

/** Where the SQLite engine keeps its database: a data directory, or an explicit file (`:memory:` for tests). */
export type SqliteStoreLocation = { dataDir: string } | { path: string };

/** The database file inside a data directory. */
export const SQLITE_FILE_NAME = 'call-quality-bot.sqlite';

/** Options of the SQLite engine. */
export interface SqliteStoreOptions {
  /** Rows per page when the history is listed (default 500); tests use a small one to cross pages. */
  historyPageSize?: number;
  /** Hears the text of every statement run (including `BEGIN IMMEDIATE` and `COMMIT`): tests and benchmarks count them. */
  onStatement?: (text: string) => void;
  /** The WAL checkpointer's thread (`false`: the writer checkpoints itself, as SQLite does by default). */
  checkpoints?: WalCheckpointerOptions | false;
}

/**
 * With the checkpointer's thread, the writer's own automatic checkpoint is a backstop: at this many
 * WAL pages (about 40 MB) it copies what the thread has not yet copied, and the WAL starts over.
 */
const BACKSTOP_CHECKPOINT_PAGES = 10_000;
/** SQLite's own automatic checkpoint, which the writer goes back to when the thread fails. */
const WRITER_CHECKPOINT_PAGES = 1_000;

/**
 * Opens (creating when needed) the embedded SQLite engine of the {@link Store}: one file in WAL
 * mode, so a crash at any point leaves every transaction either whole or absent. Each sub-store
 * has its own file here, as in the Azure engine.
 */
export function openSqliteStore(location: SqliteStoreLocation, options: SqliteStoreOptions = {}): Store {
  const file = 'path' in location ? location.path : path.join(location.dataDir, SQLITE_FILE_NAME);
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  // Loaded on first use, so that commands that never open the store don't load SQLite at all.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DatabaseSync } = require('node:sqlite') as typeof import('node:sqlite');
  const connection = new DatabaseSync(file);
  connection.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;');
  connection.exec(SQLITE_SCHEMA);
  let closed = false;
  const checkpoints = options.checkpoints === false ? undefined : options.checkpoints;
  const checkpointer =
    file === ':memory:' || options.checkpoints === false
      ? undefined
      : new WalCheckpointer(file, {
          ...checkpoints,
          // Without the thread the writer checkpoints as SQLite does by default, not only at the backstop's 10,000 pages.
          onFailure: (message) => {
            if (!closed) connection.exec(`PRAGMA wal_autocheckpoint = ${WRITER_CHECKPOINT_PAGES};`);
            checkpoints?.onFailure?.(message);
          },
        });
  const db = new SqliteDatabase(connection, options.onStatement);
  // The webhook's first journaled write starts the checkpointer's thread: a bot that only prunes
  // and sweeps (every start-up commits) does not carry it.
  const startCheckpoints = () => {
    if (checkpointer === undefined || checkpointer.running) return;
    connection.exec(`PRAGMA wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES};`);
    checkpointer.started();
  };
  const inbox = createSqliteInbox(db, { onJournal: startCheckpoints });
  const reports = createSqliteReportStore(db);
  const history = createSqliteHistoryStore(db, { pageSize: options.historyPageSize });
  // The history, the report and its alert job, the item completed: one transaction, shared with the other calls kept in the same turn.
  /** The report bodies being encoded for keepScoredCall, which close waits for. */
  const encoding = new Set<Promise<EncodedReport>>();
  const kept = new GroupCommit<ScoredCall & { encoded: EncodedReport }, KeptCall>(db, (call) => {
    history.putCallNow(call.history, { likelyNew: call.processed?.version === null });
    const result = reports.recordReportNow(call.encoded, call.queueAlert, call.processed);
    const completed = inbox.completeNow(call.item, call.now);
    // Taking the next items here saves the claim its own commit.
    return call.claimNext ? { ...result, completed, next: inbox.claimNow(call.now, call.claimNext.limit, call.claimNext.leaseMs) } : { ...result, completed };
  });
  return {
    engine: 'sqlite',
    inbox,
    reports,
    subscriptions: createSqliteSubscriptionStore(db),
    conversations: createSqliteConversationStore(db),
    sentCards: createSqliteSentCardStore(db),
    settings: withSettingsCache(createSqliteSettingsStore(db)),
    documents: createSqliteDocumentStore(db),
    history,
    runs: createSqliteRunStore(db),
    // The report's body is encoded first (a big call's gzip runs off the event loop), outside the transaction.
    async keepScoredCall(call) {
      const encoded = reports.encodeReport(call.report);
      encoding.add(encoded);
      try {
        return await kept.run({ ...call, encoded: await encoded });
      } finally {
        encoding.delete(encoded);
      }
    },
    async close() {
      // A call whose body is being encoded joins the last commit (its wait resumes before this one).
      await Promise.allSettled(encoding);
      closed = true;
      kept.flush();
      // The thread's connection first: the last one to close checkpoints and removes the WAL.
      await checkpointer?.stop();
      db.close();
    },
  };
}
