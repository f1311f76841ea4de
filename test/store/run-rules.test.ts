import assert from 'node:assert/strict';
import type { ScheduledRun } from '../../src/store';
import { assertRunClaim, claimedRun, finishedRun } from '../../src/store/run-rules';

const running = (holder: string, leaseUntil: number): ScheduledRun => ({ key: 'k', state: 'running', holder, leaseUntil, finishedAt: null });

describe('run rules', () => {
  it('claims a new run, a run whose lease ran out, and its own run again; not a done or held one', () => {
    assert.deepEqual(claimedRun(undefined, 'k', 'a', 100, 200), running('a', 200));
    assert.deepEqual(claimedRun(running('b', 100), 'k', 'a', 100, 200), running('a', 200), 'the lease ends at 100: at 100 it has run out');
    assert.equal(claimedRun(running('b', 101), 'k', 'a', 100, 200), undefined);
    assert.deepEqual(claimedRun(running('a', 150), 'k', 'a', 100, 300), running('a', 300));
    assert.equal(claimedRun({ ...running('a', 150), state: 'done', finishedAt: 120 }, 'k', 'b', 1_000, 2_000), undefined);
  });

  it('finishes only a running run of the holder, also after its lease ran out when nobody took it', () => {
    assert.deepEqual(finishedRun(running('a', 100), 'a', 500), { ...running('a', 100), state: 'done', finishedAt: 500 });
    assert.equal(finishedRun(running('b', 100), 'a', 50), undefined);
    assert.equal(finishedRun(undefined, 'a', 50), undefined);
    assert.equal(finishedRun({ ...running('a', 100), state: 'done', finishedAt: 60 }, 'a', 70), undefined);
  });

  it('refuses a claim without key or holder, or with a lease that has ended', () => {
    assert.throws(() => assertRunClaim('', 'a', 1, 2), /run key is empty/);
    assert.throws(() => assertRunClaim('k', '', 1, 2), /holder .* is empty/);
    assert.throws(() => assertRunClaim('k', 'a', 2, 2), /ends at 2, not after now \(2\)/);
    assertRunClaim('k', 'a', 1, 2);
  });
});
