import assert from 'node:assert/strict';
import { resolveScoringOptions, type ScoringOptions } from '../../src/quality';
import { scoreStream } from './records';

const profiles: Array<[string, ScoringOptions]> = [
  ['cqd', resolveScoringOptions()],
  ['cqd-classic', resolveScoringOptions({ profile: 'cqd-classic' })],
];

for (const [profileName, options] of profiles) {
  describe(`video under the ${profileName} profile (ordered: frame loss, frame rate, loss after FEC)`, () => {
    const video = (stream: Record<string, unknown>, label = 'main-video') => scoreStream(label, stream, options);

    it('frame loss reported and good decides, though frame rate and FEC loss are terrible', () => {
      const verdict = video({
        averageVideoFrameLossPercentage: 10,
        averageVideoFrameRate: 1,
        postForwardErrorCorrectionPacketLossRate: 0.9,
      });
      assert.equal(verdict.classification, 'good');
      assert.deepEqual(verdict.reasons, []);
    });
    it('frame loss: 50 is not poor, just above is, and only frame loss is the reason', () => {
      assert.equal(video({ averageVideoFrameLossPercentage: 50, averageVideoFrameRate: 2 }).classification, 'good');
      const poor = video({ averageVideoFrameLossPercentage: 50.01, averageVideoFrameRate: 2, postForwardErrorCorrectionPacketLossRate: 0.9 });
      assert.equal(poor.classification, 'poor');
      assert.deepEqual(poor.reasons, [{ metric: 'averageVideoFrameLossPercentage', value: 50.01, threshold: 50, comparison: '>' }]);
    });
    it('frame loss poor decides though the frame rate is fine', () => {
      assert.equal(video({ averageVideoFrameLossPercentage: 80, averageVideoFrameRate: 30 }).classification, 'poor');
    });
    it('frame loss missing: a frame rate of 5 is poor even when FEC loss is fine', () => {
      const verdict = video({ averageVideoFrameLossPercentage: null, averageVideoFrameRate: 5, postForwardErrorCorrectionPacketLossRate: 0 });
      assert.equal(verdict.classification, 'poor');
      assert.deepEqual(verdict.reasons, [{ metric: 'averageVideoFrameRate', value: 5, threshold: 7, comparison: '<' }]);
    });
    it('frame loss missing: a good frame rate decides though FEC loss is terrible', () => {
      assert.equal(video({ averageVideoFrameRate: 24, postForwardErrorCorrectionPacketLossRate: 0.9 }).classification, 'good');
    });
    it('frame rate: 7 is not poor, just below is', () => {
      assert.equal(video({ averageVideoFrameRate: 7 }).classification, 'good');
      assert.equal(video({ averageVideoFrameRate: 6.99 }).classification, 'poor');
    });
    it('FEC loss decides when neither frame metric is reported: 0.15 is not poor, just above is', () => {
      assert.equal(video({ postForwardErrorCorrectionPacketLossRate: 0.15 }).classification, 'good');
      const poor = video({ averageVideoFrameRate: null, postForwardErrorCorrectionPacketLossRate: 0.1501 });
      assert.equal(poor.classification, 'poor');
      assert.deepEqual(poor.reasons, [{ metric: 'postForwardErrorCorrectionPacketLossRate', value: 0.1501, threshold: 0.15, comparison: '>' }]);
    });
    it('unclassified when none of the three is reported (audio metrics are not looked at)', () => {
      const verdict = video({ averageVideoFrameLossPercentage: null, averageJitter: 'PT1S', averagePacketLossRate: 0.9, packetUtilization: 900 });
      assert.equal(verdict.classification, 'unclassified');
      assert.deepEqual(verdict.reasons, []);
    });
    it('a string where a number is expected is not reported and the next step decides', () => {
      assert.equal(video({ averageVideoFrameLossPercentage: '90', averageVideoFrameRate: 30 }).classification, 'good');
    });
    it('applies to every video label', () => {
      for (const label of ['main-video', 'main-video1', 'main-video9', 'panoramic-video']) {
        const verdict = video({ averageVideoFrameRate: 3 }, label);
        assert.equal(verdict.kind, 'video', label);
        assert.equal(verdict.classification, 'poor', label);
      }
    });
  });
}

describe('screen sharing (VBSS) under the cqd profile', () => {
  const vbss = (stream: Record<string, unknown>) => scoreStream('applicationsharing-video', stream);

  it('h264s skips frame loss: bad frame loss with a fine frame rate is good', () => {
    const verdict = vbss({ videoCodec: 'h264s', averageVideoFrameLossPercentage: 90, averageVideoFrameRate: 5 });
    assert.equal(verdict.kind, 'vbss');
    assert.equal(verdict.classification, 'good');
  });
  it('h264s is judged on frame rate: below 1 is poor', () => {
    const verdict = vbss({ videoCodec: 'h264s', averageVideoFrameLossPercentage: 0, averageVideoFrameRate: 0.5 });
    assert.equal(verdict.classification, 'poor');
    assert.deepEqual(verdict.reasons, [{ metric: 'averageVideoFrameRate', value: 0.5, threshold: 1, comparison: '<' }]);
  });
  it('h264s is matched in any case, and only whole', () => {
    for (const codec of ['H264S', 'H264s', 'h264S']) {
      assert.equal(vbss({ videoCodec: codec, averageVideoFrameLossPercentage: 90, averageVideoFrameRate: 5 }).classification, 'good', codec);
    }
    // Same length, another codec; and h264s with more after it: frame loss decides.
    for (const codec of ['h264t', 'H264X', 'h264s ', 'h264\u015F']) {
      assert.equal(vbss({ videoCodec: codec, averageVideoFrameLossPercentage: 90, averageVideoFrameRate: 5 }).classification, 'poor', codec);
    }
  });
  it('h264s with only frame loss reported is unclassified', () => {
    assert.equal(vbss({ videoCodec: 'h264s', averageVideoFrameLossPercentage: 90 }).classification, 'unclassified');
  });
  it('other codecs use frame loss first, and it decides over the frame rate', () => {
    const poor = vbss({ videoCodec: 'h264', averageVideoFrameLossPercentage: 90, averageVideoFrameRate: 30 });
    assert.equal(poor.classification, 'poor');
    assert.deepEqual(poor.reasons, [{ metric: 'averageVideoFrameLossPercentage', value: 90, threshold: 50, comparison: '>' }]);
    assert.equal(vbss({ videoCodec: 'rtVideo', averageVideoFrameLossPercentage: 10, averageVideoFrameRate: 0.1 }).classification, 'good');
    assert.equal(vbss({ videoCodec: 'unknownFutureValue', averageVideoFrameLossPercentage: 51 }).classification, 'poor');
  });
  it('a missing codec uses frame loss: 50 is not poor, just above is', () => {
    assert.equal(vbss({ averageVideoFrameLossPercentage: 50, averageVideoFrameRate: 0.1 }).classification, 'good');
    assert.equal(vbss({ videoCodec: null, averageVideoFrameLossPercentage: 50.5 }).classification, 'poor');
  });
  it('frame rate: 1 is not poor, just below is', () => {
    assert.equal(vbss({ averageVideoFrameRate: 1 }).classification, 'good');
    assert.equal(vbss({ averageVideoFrameRate: 0.99 }).classification, 'poor');
  });
  it('loss after FEC is not a VBSS metric', () => {
    assert.equal(vbss({ postForwardErrorCorrectionPacketLossRate: 0.9 }).classification, 'unclassified');
  });
});

describe('screen sharing (VBSS) under the cqd-classic profile', () => {
  const classic = resolveScoringOptions({ profile: 'cqd-classic' });
  const vbss = (stream: Record<string, unknown>) => scoreStream('applicationsharing-video', stream, classic);

  it('ignores the codec: h264s is judged on frame loss', () => {
    const verdict = vbss({ videoCodec: 'h264s', averageVideoFrameLossPercentage: 90, averageVideoFrameRate: 30 });
    assert.equal(verdict.classification, 'poor');
    assert.deepEqual(verdict.reasons, [{ metric: 'averageVideoFrameLossPercentage', value: 90, threshold: 50, comparison: '>' }]);
    assert.equal(vbss({ videoCodec: 'h264s', averageVideoFrameLossPercentage: 40, averageVideoFrameRate: 0.5 }).classification, 'good');
  });
  it('frame rate threshold is 2: 2 is not poor, 1.5 is (it would be good under cqd)', () => {
    assert.equal(vbss({ averageVideoFrameRate: 2 }).classification, 'good');
    const poor = vbss({ averageVideoFrameRate: 1.5 });
    assert.equal(poor.classification, 'poor');
    assert.deepEqual(poor.reasons, [{ metric: 'averageVideoFrameRate', value: 1.5, threshold: 2, comparison: '<' }]);
  });
  it('unclassified with neither metric', () => {
    assert.equal(vbss({ videoCodec: 'h264' }).classification, 'unclassified');
  });
});
