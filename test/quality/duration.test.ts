import assert from 'node:assert/strict';
import { durationToMilliseconds } from '../../src/quality';

describe('durationToMilliseconds', () => {
  it('reads the formats Graph uses', () => {
    assert.equal(durationToMilliseconds('PT0S'), 0);
    assert.equal(durationToMilliseconds('PT0.016S'), 16);
    assert.equal(durationToMilliseconds('PT1M2.5S'), 62_500);
    assert.equal(durationToMilliseconds('PT0.030S'), 30);
  });
  it('treats anything else as not reported', () => {
    for (const value of [null, undefined, 12, '', 'garbage', 'PT', '-PT1S', 'P1Y']) {
      assert.equal(durationToMilliseconds(value), undefined, String(value));
    }
  });
});
