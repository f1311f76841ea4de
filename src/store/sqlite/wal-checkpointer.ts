import type { Worker } from 'node:worker_threads';

/**
 * The checkpointer's thread: its own connection to the same file, a PASSIVE checkpoint every
 * `intervalMs` (it copies committed WAL pages into the database file and never blocks the writer),
 * and a clean close when told to stop. Plain JavaScript, so it runs the same from `src` (tsx) and
 * `dist`.
 */
const CHECKPOINT_THREAD = `
// The thread writes to the bot's stderr (a stderr piped to the bot, once written to, would keep the
// process alive however unreferenced the thread is), without node:sqlite's ExperimentalWarning
// again: its failures reach the bot as messages.
process.removeAllListeners('warning');
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
// Opened at the first tick, and again at the next one after a failed open (the file busy or locked
// for a moment): a passing error must not end the thread's checkpoints for the life of the process.
let db;
let checkpoint;
const open = () => {
  const connection = new DatabaseSync(workerData.file);
  try {
    checkpoint = connection.prepare('PRAGMA wal_checkpoint(PASSIVE)');
    db = connection;
  } catch (error) {
    connection.close();
    throw error;
  }
};
const run = () => {
  try {
    if (!checkpoint) open();
    const result = checkpoint.get();
    if (workerData.report) parentPort.postMessage({ checkpointed: Number(result.checkpointed) });
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message) });
  }
};
const timer = setInterval(run, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  if (db) db.close();
  parentPort.close();
});
`;

/** Options of {@link WalCheckpointer}. */
export interface WalCheckpointerOptions {
  /** How often the thread checkpoints (default 100 ms). */
  intervalMs?: number;
  /** Hears each checkpoint's outcome: the frames copied so far, or why it failed (tests and diagnostics). */
  onCheckpoint?: (outcome: { checkpointed: number } | { error: string }) => void;
  /**
   * Hears the first failure of the thread (a checkpoint that failed, or the thread itself), once:
   * the writer's own backstop checkpoint still holds, so it is a warning, not an outage.
   */
  onFailure?: (message: string) => void;
}

/**
 * Moves SQLite's WAL checkpoints off the event loop. By default the connection that commits
 * checkpoints itself once the WAL passes 1,000 pages: it copies them into the database file and
 * waits for two fsyncs inside that commit, which was about 60 % of the webhook's inbox write (the
 * notifications' random call ids dirty a page each). A second connection on a worker thread
 * copies them instead, on the other core; the writer only appends to the WAL. The writer keeps a
 * (large) automatic checkpoint of its own as a backstop, which finds the pages mostly copied.
 *
 * The thread (its own isolate and connection) starts at the first {@link started} call (the store makes it at the
 * webhook's first write), so a bot that gets no notifications does not carry it; it never keeps
 * the process alive.
 */
export class WalCheckpointer {
  private worker: Worker | undefined;
  private exited: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly file: string,
    private readonly options: WalCheckpointerOptions = {},
  ) {}

  /** Whether the thread runs (started and not stopped). */
  get running(): boolean {
    return this.worker !== undefined;
  }

  /** Starts the thread unless it runs already (or was stopped). Cheap to call on every write. */
  started(): void {
    if (this.worker !== undefined || this.stopped) return;
    // Loaded here, so that a process that never writes never loads worker_threads for this.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Worker: WorkerThread } = require('node:worker_threads') as typeof import('node:worker_threads');
    const worker = new WorkerThread(CHECKPOINT_THREAD, {
      eval: true,
      workerData: { file: this.file, intervalMs: this.options.intervalMs ?? 100, report: this.options.onCheckpoint !== undefined },
      // The thread holds one prepared statement; a small heap is plenty.
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
    });
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    let failed = false;
    const hear = (outcome: { checkpointed: number } | { error: string }) => {
      this.options.onCheckpoint?.(outcome);
      if ('error' in outcome && !failed) {
        failed = true;
        this.options.onFailure?.(outcome.error);
      }
    };
    worker.on('message', hear);
    worker.on('error', (error: Error) => hear({ error: error.message }));
    // After the listeners: adding a 'message' listener references the thread again.
    worker.unref();
    this.worker = worker;
  }

  /** Stops the thread after its current checkpoint and closes its connection; resolves when it has exited. */
  async stop(): Promise<void> {
    this.stopped = true;
    const worker = this.worker;
    this.worker = undefined;
    if (worker === undefined) return;
    // Referenced again while it stops: an unreferenced thread's exit would not keep the process
    // alive, and a caller awaiting close() would see the process end under it.
    worker.ref();
    worker.postMessage('stop');
    await this.exited;
  }
}
