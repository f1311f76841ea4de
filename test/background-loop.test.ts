import assert from 'node:assert/strict';
import { BackgroundLoop } from '../src/background-loop';

describe('BackgroundLoop (the inbox worker and the alert delivery)', function () {
  // The idle period is a minute: a wake that did not end the wait would leave it to mocha's timeout.
  this.timeout(5_000);

  it('runs rounds back to back until one is idle, then waits until woken', async () => {
    const rounds: number[] = [];
    let work = 3;
    const loop = new BackgroundLoop(async () => {
      rounds.push(work);
      if (work > 0) work--;
      return work === 0;
    }, 60_000);
    loop.start();
    while (rounds.length < 3) await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(rounds, [3, 2, 1], 'three busy rounds, then the loop sleeps');
    work = 1;
    loop.wake();
    while (rounds.length < 4) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.deepEqual(rounds, [3, 2, 1, 1]);
    await loop.stop();
    assert.equal(loop.isRunning, false);
  });

  it('stops during an idle wait at once, and waits for a round in progress', async () => {
    let finish!: () => void;
    let finished = false;
    const loop = new BackgroundLoop(async () => {
      await new Promise<void>((resolve) => (finish = resolve));
      finished = true;
      return true;
    }, 60_000);
    loop.start();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const stopped = loop.stop();
    setTimeout(() => finish(), 20);
    await stopped;
    assert.equal(finished, true, 'stop() resolved only after the round ended');
  });
});
