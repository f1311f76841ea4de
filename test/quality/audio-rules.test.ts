import assert from 'node:assert/strict';
import { resolveScoringOptions } from '../../src/quality';
import { reasonSet, scoreStream } from './records';

const classic = resolveScoringOptions({ profile: 'cqd-classic' });

describe('audio under the cqd profile', () => {
  describe('the packet gate (packetUtilization > 500)', () => {
    it('500 packets do not meet the gate: the stream is good however bad the metrics', () => {
      const verdict = scoreStream('main-audio', { packetUtilization: 500, averageJitter: 'PT0.031S', averagePacketLossRate: 0.5 });
      assert.equal(verdict.classification, 'good');
      assert.deepEqual(verdict.reasons, []);
    });
    it('501 packets meet the gate', () => {
      const verdict = scoreStream('main-audio', { packetUtilization: 501, averageJitter: 'PT0.031S' });
      assert.equal(verdict.classification, 'poor');
      assert.deepEqual(verdict.reasons, [{ metric: 'averageJitter', value: 31, threshold: 30, comparison: '>' }]);
    });
    it('a missing or null packetUtilization does not meet the gate: good when a metric is reported', () => {
      assert.equal(scoreStream('main-audio', { averageRoundTripTime: 'PT0.900S' }).classification, 'good');
      assert.equal(scoreStream('main-audio', { packetUtilization: null, averagePacketLossRate: 0.9 }).classification, 'good');
    });
    it('unclassified when all three metrics are missing, even past the gate', () => {
      const verdict = scoreStream('main-audio', {
        packetUtilization: 5000,
        averageRoundTripTime: null,
        averageJitter: null,
        averageAudioDegradation: 3,
        averageRatioOfConcealedSamples: 0.5,
      });
      assert.equal(verdict.classification, 'unclassified');
      assert.deepEqual(verdict.reasons, []);
    });
  });

  describe('each metric at its boundary (past the gate)', () => {
    const cases: Array<{ metric: string; equal: unknown; above: unknown; value: number; threshold: number }> = [
      { metric: 'averageRoundTripTime', equal: 'PT0.5S', above: 'PT0.501S', value: 501, threshold: 500 },
      { metric: 'averagePacketLossRate', equal: 0.1, above: 0.1001, value: 0.1001, threshold: 0.1 },
      { metric: 'averageJitter', equal: 'PT0.030S', above: 'PT0.0301S', value: 30.1, threshold: 30 },
    ];
    for (const { metric, equal, above, value, threshold } of cases) {
      it(`${metric}: equal to ${threshold} is not poor, just above is`, () => {
        assert.equal(scoreStream('main-audio', { packetUtilization: 501, [metric]: equal }).classification, 'good');
        const poor = scoreStream('main-audio', { packetUtilization: 501, [metric]: above });
        assert.equal(poor.classification, 'poor');
        assert.deepEqual(poor.reasons, [{ metric, value, threshold, comparison: '>' }]);
      });
    }
  });

  it('lists every metric that crossed its threshold', () => {
    const verdict = scoreStream('main-audio', {
      packetUtilization: 700,
      averageRoundTripTime: 'PT0.600S',
      averagePacketLossRate: 0.2,
      averageJitter: 'PT0.040S',
    });
    assert.equal(verdict.classification, 'poor');
    assert.deepEqual(reasonSet(verdict), [
      'averageJitter 40 > 30',
      'averagePacketLossRate 0.2 > 0.1',
      'averageRoundTripTime 600 > 500',
    ]);
  });

  it('lists only the crossed metrics when some are fine', () => {
    const verdict = scoreStream('main-audio', {
      packetUtilization: 700,
      averageRoundTripTime: 'PT0.100S',
      averagePacketLossRate: 0.25,
      averageJitter: 'PT0.045S',
    });
    assert.deepEqual(reasonSet(verdict), ['averageJitter 45 > 30', 'averagePacketLossRate 0.25 > 0.1']);
  });

  it('averageAudioNetworkJitter is not averageJitter', () => {
    const onlyNetworkJitter = scoreStream('main-audio', { packetUtilization: 900, averageAudioNetworkJitter: 'PT0.500S' });
    assert.equal(onlyNetworkJitter.classification, 'unclassified');
    const withJitter = scoreStream('main-audio', {
      packetUtilization: 900,
      averageJitter: 'PT0.010S',
      averageAudioNetworkJitter: 'PT0.500S',
    });
    assert.equal(withJitter.classification, 'good');
  });

  it('does not look at the classic-only metrics', () => {
    const verdict = scoreStream('main-audio', {
      packetUtilization: 900,
      averageJitter: 'PT0.010S',
      averageAudioDegradation: 4,
      averageRatioOfConcealedSamples: 0.9,
    });
    assert.equal(verdict.classification, 'good');
  });

  it('treats a string where a number is expected as not reported', () => {
    assert.equal(scoreStream('main-audio', { packetUtilization: '900', averageJitter: 'PT0.040S' }).classification, 'good');
    assert.equal(scoreStream('main-audio', { packetUtilization: 900, averagePacketLossRate: '0.9' }).classification, 'unclassified');
    assert.equal(scoreStream('main-audio', { packetUtilization: 900, averageJitter: 40 }).classification, 'unclassified');
  });
});

describe('audio under the cqd-classic profile', () => {
  const cases: Array<{ metric: string; equal: unknown; above: unknown; value: number; threshold: number }> = [
    { metric: 'averageAudioDegradation', equal: 1.0, above: 1.01, value: 1.01, threshold: 1.0 },
    { metric: 'averageRoundTripTime', equal: 'PT0.500S', above: 'PT0.501S', value: 501, threshold: 500 },
    { metric: 'averagePacketLossRate', equal: 0.1, above: 0.11, value: 0.11, threshold: 0.1 },
    { metric: 'averageJitter', equal: 'PT0.03S', above: 'PT0.031S', value: 31, threshold: 30 },
    { metric: 'averageRatioOfConcealedSamples', equal: 0.07, above: 0.0701, value: 0.0701, threshold: 0.07 },
  ];
  for (const { metric, equal, above, value, threshold } of cases) {
    it(`${metric}: equal to ${threshold} is not poor, just above is, with no packet gate`, () => {
      // 10 packets would not pass the cqd gate; classic has none.
      assert.equal(scoreStream('main-audio', { packetUtilization: 10, [metric]: equal }, classic).classification, 'good');
      const poor = scoreStream('main-audio', { packetUtilization: 10, [metric]: above }, classic);
      assert.equal(poor.classification, 'poor');
      assert.deepEqual(poor.reasons, [{ metric, value, threshold, comparison: '>' }]);
    });
  }

  it('is poor without any packetUtilization', () => {
    assert.equal(scoreStream('main-audio', { averageAudioDegradation: 2 }, classic).classification, 'poor');
  });

  it('lists every one of the five metrics when all cross', () => {
    const verdict = scoreStream(
      'main-audio',
      {
        averageAudioDegradation: 2.5,
        averageRoundTripTime: 'PT1S',
        averagePacketLossRate: 0.3,
        averageJitter: 'PT0.050S',
        averageRatioOfConcealedSamples: 0.2,
      },
      classic,
    );
    assert.deepEqual(reasonSet(verdict), [
      'averageAudioDegradation 2.5 > 1',
      'averageJitter 50 > 30',
      'averagePacketLossRate 0.3 > 0.1',
      'averageRatioOfConcealedSamples 0.2 > 0.07',
      'averageRoundTripTime 1000 > 500',
    ]);
  });

  it('is judged on any one reported metric', () => {
    assert.equal(scoreStream('main-audio', { averageRatioOfConcealedSamples: 0.01 }, classic).classification, 'good');
    assert.equal(scoreStream('main-audio', { averageAudioDegradation: 0.2 }, classic).classification, 'good');
  });

  it('is unclassified when all five metrics are missing, whatever packetUtilization says', () => {
    const verdict = scoreStream('main-audio', { packetUtilization: 9000, averageAudioNetworkJitter: 'PT0.9S' }, classic);
    assert.equal(verdict.classification, 'unclassified');
    assert.deepEqual(verdict.reasons, []);
  });
});
