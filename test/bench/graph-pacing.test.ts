import assert from 'node:assert/strict';
import { sustainedShare } from '../../bench/graph-pacing';

describe('sustainedShare', () => {
  it('is 1 for a client at the ceiling: a burst, then each request one window after its predecessor by the limit', () => {
    // Limit 3 per 1,000 ms: three at once at 0 ms, then three at 1,000 ms, then three at 2,000 ms.
    const times = [0, 0, 0, 1000, 1000, 1000, 2000, 2000, 2000];
    assert.equal(sustainedShare(times, 3, 1000), 1);
  });

  it('is below 1 for a client slower than the ceiling', () => {
    // One request every 500 ms against 3 per 1,000 ms: request n + 3 comes 1,500 ms after request n.
    const times = [0, 500, 1000, 1500, 2000, 2500, 3000];
    assert.equal(sustainedShare(times, 3, 1000), 1000 / 1500);
  });

  it('does not charge the free first window, in any order of the times', () => {
    // Limit 2 per 100 ms: a slow first burst (0 and 60 ms), then the window's pace (100, 160, 200, 260).
    assert.equal(sustainedShare([260, 0, 160, 60, 200, 100], 2, 100), 1);
  });

  it('has no answer with no more requests than the limit', () => {
    assert.ok(Number.isNaN(sustainedShare([0, 1, 2], 3, 1000)));
  });
});
