import type { SqliteDatabase } from './sqlite-database';

interface Waiting<I, O> {
  input: I;
  resolve: (output: O) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: the writes asked for in the same turn of the event loop (the worker's items
 * whose records arrived together) share one transaction, so a busy drain makes fewer commits
 * than records. Each caller still resolves only after its write is committed. When the shared
 * transaction fails (one bad write), it is rolled back whole and each write is tried in its own,
 * so one caller's failure never becomes another's.
 */
export class GroupCommit<I, O> {
  private waiting: Waiting<I, O>[] = [];

  constructor(
    private readonly db: SqliteDatabase,
    /** One caller's writes; runs inside the shared transaction. */
    private readonly write: (input: I) => O,
  ) {}

  /** Writes `input` with the others of this turn; resolves once committed. */
  run(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      // The first of a turn schedules the commit after every callback of the turn has had its say.
      if (this.waiting.length === 1) setImmediate(() => this.flush());
    });
  }

  /** Commits what waits now (also before the database closes). */
  flush(): void {
    const batch = this.waiting;
    this.waiting = [];
    if (batch.length === 0) return;
    let outputs: O[] | undefined;
    try {
      outputs = this.db.transaction(() => batch.map(({ input }) => this.write(input)));
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
    }
    if (outputs) return batch.forEach((waiting, index) => waiting.resolve(outputs[index]!));
    for (const waiting of batch) {
      try {
        waiting.resolve(this.db.transaction(() => this.write(waiting.input)));
      } catch (error) {
        waiting.reject(error);
      }
    }
  }
}
