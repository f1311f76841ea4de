import assert from 'node:assert/strict';
import { IdleWait } from '../src/idle-wait';

describe('IdleWait (between rounds of the worker and the delivery)', function () {
  // The idle period is a minute: a wake that were lost would leave the wait to mocha's timeout.
  this.timeout(5_000);

  it('ends a wait in progress when woken', async () => {
    const idle = new IdleWait(60_000);
    let ended = false;
    const waiting = idle.wait().then(() => (ended = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(ended, false, 'still waiting before the wake');
    idle.wake();
    await waiting;
    assert.equal(ended, true);
  });

  it('keeps a wake that came while nobody waited, for the next wait only', async () => {
    const idle = new IdleWait(60_000);
    idle.wake();
    await idle.wait();
    let ended = false;
    void idle.wait().then(() => (ended = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(ended, false, 'the kept wake is used up by one wait');
    idle.wake();
  });
});
