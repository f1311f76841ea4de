import { IdleWait } from './idle-wait';

/**
 * A loop that runs rounds in the background (the inbox worker, the alert delivery): one round after
 * another while started, with an idle wait between them when a round says there is nothing to do
 * right now; a wake ends that wait at once. A round must not throw: it handles its own failures.
 */
export class BackgroundLoop {
  private readonly idleWait: IdleWait;
  private running = false;
  private loop: Promise<void> | undefined;

  /**
   * @param round One round of work; resolves to true when the loop should wait (`idleMs`, or until
   *   woken) before the next round, false to go on at once.
   */
  constructor(
    private readonly round: () => Promise<boolean>,
    idleMs: number,
  ) {
    this.idleWait = new IdleWait(idleMs);
  }

  /** Whether the loop is started (and not stopped). Rounds check it to stop early. */
  get isRunning(): boolean {
    return this.running;
  }

  /** Starts the loop (idempotent). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops the loop and waits for the round in progress. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  /** Ends the idle wait in progress, or the next one. */
  wake(): void {
    this.idleWait.wake();
  }

  private async run(): Promise<void> {
    while (this.running) {
      const idle = await this.round();
      if (this.running && idle) await this.idleWait.wait();
    }
  }
}
