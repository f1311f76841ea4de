import assert from 'node:assert/strict';
import { durationToMilliseconds } from '../../src/quality';
import { scoreStream } from './records';

describe('durationToMilliseconds', () => {
  it('reads the formats Graph uses', () => {
    assert.equal(durationToMilliseconds('PT0S'), 0);
    assert.equal(durationToMilliseconds('PT0.016S'), 16);
    assert.equal(durationToMilliseconds('PT1M2.5S'), 62_500);
    assert.equal(durationToMilliseconds('PT0.030S'), 30);
  });
  it('keeps fractions of a millisecond', () => {
    assert.equal(durationToMilliseconds('PT0.0305S'), 30.5);
    assert.equal(durationToMilliseconds('PT0.5001S'), 500.1);
  });
  it('reads hours, days, weeks and decimal commas', () => {
    assert.equal(durationToMilliseconds('PT1H'), 3_600_000);
    assert.equal(durationToMilliseconds('PT1H1M1S'), 3_661_000);
    assert.equal(durationToMilliseconds('PT1.5M'), 90_000);
    assert.equal(durationToMilliseconds('P1D'), 86_400_000);
    assert.equal(durationToMilliseconds('P1DT1H'), 90_000_000);
    assert.equal(durationToMilliseconds('P1W'), 604_800_000);
    assert.equal(durationToMilliseconds('PT0,5S'), 500);
  });
  it('reads any combination of hours, minutes and fractional seconds (seeded)', () => {
    let state = 7;
    const next = (n: number) => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state % n;
    };
    for (let index = 0; index < 300; index += 1) {
      const hours = next(3);
      const minutes = next(60);
      const seconds = next(60);
      const fraction = String(next(10_000)).padStart(1 + next(4), '0');
      const parts = [hours ? `${hours}H` : '', minutes ? `${minutes}M` : '', `${seconds}.${fraction}S`];
      const text = `PT${parts.join('')}`;
      // Whole milliseconds plus the fraction's digits beyond the third, as microseconds.
      const micros = Math.round(Number(`0.${fraction}`) * 1_000_000);
      const expected = (hours * 3600 + minutes * 60 + seconds) * 1000 + micros / 1000;
      assert.equal(durationToMilliseconds(text), expected, text);
    }
  });
  it('treats anything else as not reported', () => {
    for (const value of [null, undefined, 12, '', 'garbage', 'PT', 'P', '-PT1S', 'P1Y', 'P1M', 'pt1s', 'xPT1S', 'PT1S junk', 'PT1e3S', {}, []]) {
      assert.equal(durationToMilliseconds(value), undefined, JSON.stringify(value));
    }
  });
  it('compares durations in milliseconds when judging a stream', () => {
    // 62.5 s of round-trip time is far over 500 ms; 0 s of jitter is reported and good.
    const slow = scoreStream('main-audio', { packetUtilization: 501, averageRoundTripTime: 'PT1M2.5S' });
    assert.equal(slow.classification, 'poor');
    assert.deepEqual(slow.reasons, [{ metric: 'averageRoundTripTime', value: 62_500, threshold: 500, comparison: '>' }]);
    assert.equal(scoreStream('main-audio', { packetUtilization: 501, averageJitter: 'PT0S' }).classification, 'good');
    assert.equal(scoreStream('main-audio', { packetUtilization: 501, averageJitter: 'PT0.016S' }).classification, 'good');
  });
});
