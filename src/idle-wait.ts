/**
 * The wait between rounds of a background loop (the inbox worker, the alert delivery): it ends
 * after `idleMs`, or at once when woken. A wake that comes while no wait is in progress (the loop
 * is busy claiming) ends the next wait at once, so new work never waits out a whole idle period.
 */
export class IdleWait {
  private wakeUp: (() => void) | undefined;
  private woken = false;

  constructor(private readonly idleMs: number) {}

  /** Ends the wait in progress, or the next one. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Resolves after `idleMs`, or as soon as {@link wake} is called (or was, since the last wait). */
  wait(): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(done, this.idleMs);
      this.wakeUp = done;
    });
  }
}
