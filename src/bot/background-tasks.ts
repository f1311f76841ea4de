import type { Logger } from '../logger';

/**
 * Work a handler starts and does not wait for (an export's upload, after Teams was answered), kept
 * so that stopping the bot waits for it instead of cutting it off. A task handles its own failures;
 * anything it lets through is logged.
 */
export class BackgroundTasks {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly logger: Logger) {}

  /** Starts a task now. */
  run(name: string, task: () => Promise<void>): void {
    const promise: Promise<void> = task()
      .catch((error: Error) => this.logger.error({ task: name, err: error.message }, 'a background task failed'))
      .finally(() => this.running.delete(promise));
    this.running.add(promise);
  }

  /** Resolves once every task started so far has ended. */
  async settle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
