import assert from 'node:assert/strict';
import { InvalidScoringSettingError, parseScoringSettings, resolveScoringOptions } from '../../src/quality';
import { scoreStream } from './records';

/** Asserts that `action` is refused with an error whose message names `name`. */
function assertRefusedNaming(action: () => unknown, name: string): void {
  assert.throws(action, (error: unknown) => {
    assert.ok(error instanceof InvalidScoringSettingError, `expected InvalidScoringSettingError, got ${String(error)}`);
    assert.ok(error.message.includes(name), `"${error.message}" should name ${name}`);
    return true;
  });
}

describe('scoring options', () => {
  it('defaults to the cqd profile with the thresholds of quality-rules.md', () => {
    const options = resolveScoringOptions();
    assert.equal(options.profile, 'cqd');
    assert.deepEqual(options.thresholds, {
      audio: { packetUtilization: 500, averageRoundTripTime: 500, averagePacketLossRate: 0.1, averageJitter: 30 },
      video: { averageVideoFrameLossPercentage: 50, averageVideoFrameRate: 7, postForwardErrorCorrectionPacketLossRate: 0.15 },
      vbss: { averageVideoFrameLossPercentage: 50, averageVideoFrameRate: 1 },
    });
    assert.deepEqual(options.alertRatings, ['bad', 'poor']);
    assert.equal(options.alertOnPoorQuality, true);
  });

  it('has the cqd-classic thresholds of quality-rules.md', () => {
    assert.deepEqual(resolveScoringOptions({ profile: 'cqd-classic' }).thresholds, {
      audio: {
        averageAudioDegradation: 1.0,
        averageRoundTripTime: 500,
        averagePacketLossRate: 0.1,
        averageJitter: 30,
        averageRatioOfConcealedSamples: 0.07,
      },
      video: { averageVideoFrameLossPercentage: 50, averageVideoFrameRate: 7, postForwardErrorCorrectionPacketLossRate: 0.15 },
      vbss: { averageVideoFrameLossPercentage: 50, averageVideoFrameRate: 2 },
    });
  });

  describe('threshold overrides', () => {
    const jitter35 = { packetUtilization: 900, averageJitter: 'PT0.035S' };
    const jitter41 = { packetUtilization: 900, averageJitter: 'PT0.041S' };

    it('accept the flat form "audio.averageJitter"', () => {
      const options = resolveScoringOptions({ thresholds: { 'audio.averageJitter': 40 } });
      assert.equal(scoreStream('main-audio', jitter35).classification, 'poor', 'the default of 30 makes 35 ms poor');
      assert.equal(scoreStream('main-audio', jitter35, options).classification, 'good');
      assert.deepEqual(scoreStream('main-audio', jitter41, options).reasons, [
        { metric: 'averageJitter', value: 41, threshold: 40, comparison: '>' },
      ]);
    });
    it('accept the nested form { audio: { averageJitter } }', () => {
      const options = resolveScoringOptions({ thresholds: { audio: { averageJitter: 40 } } });
      assert.equal(scoreStream('main-audio', jitter35, options).classification, 'good');
      assert.equal(scoreStream('main-audio', jitter41, options).classification, 'poor');
    });
    it('override the packet gate, the video and the VBSS thresholds', () => {
      const options = resolveScoringOptions({
        thresholds: { 'audio.packetUtilization': 1000, video: { averageVideoFrameRate: 15 }, 'vbss.averageVideoFrameRate': 3 },
      });
      assert.equal(scoreStream('main-audio', jitter41, options).classification, 'good', '900 packets no longer pass the gate');
      assert.equal(scoreStream('main-video', { averageVideoFrameRate: 10 }, options).classification, 'poor');
      assert.equal(scoreStream('applicationsharing-video', { averageVideoFrameRate: 2.5 }, options).classification, 'poor');
    });
    it('accept a metric of the other profile, which applies when that profile is picked', () => {
      const overrides = { 'audio.averageAudioDegradation': 2 };
      assert.equal(resolveScoringOptions({ thresholds: overrides }).thresholds.audio.averageAudioDegradation, undefined);
      const classic = resolveScoringOptions({ profile: 'cqd-classic', thresholds: overrides });
      assert.equal(scoreStream('main-audio', { averageAudioDegradation: 1.5 }, classic).classification, 'good');
      assert.equal(scoreStream('main-audio', { averageAudioDegradation: 2.5 }, classic).classification, 'poor');
    });
    it('accept numbers written as strings (environment variables are strings)', () => {
      assert.equal(resolveScoringOptions({ thresholds: { 'audio.averageJitter': '40' } }).thresholds.audio.averageJitter, 40);
    });
    it('refuse an unknown kind, naming it', () => {
      assertRefusedNaming(() => resolveScoringOptions({ thresholds: { 'screen.averageJitter': 40 } }), 'screen.averageJitter');
      assertRefusedNaming(() => resolveScoringOptions({ thresholds: { sound: { averageJitter: 40 } } }), 'sound.averageJitter');
    });
    it('refuse an unknown metric, naming it', () => {
      assertRefusedNaming(() => resolveScoringOptions({ thresholds: { 'audio.maxJitter': 40 } }), 'audio.maxJitter');
      assertRefusedNaming(() => resolveScoringOptions({ thresholds: { video: { averageJitter: 40 } } }), 'video.averageJitter');
      assertRefusedNaming(() => resolveScoringOptions({ thresholds: { audio: 40 } }), 'audio');
    });
    it('refuse a value that is not a number, naming the key', () => {
      for (const value of ['fast', '', true, null, [], [40]]) {
        assertRefusedNaming(() => resolveScoringOptions({ thresholds: { 'audio.averageJitter': value } }), 'audio.averageJitter');
      }
      assertRefusedNaming(() => resolveScoringOptions({ thresholds: { video: { averageVideoFrameRate: 'slow' } } }), 'video.averageVideoFrameRate');
    });
    it('carry the refused key on the error', () => {
      try {
        resolveScoringOptions({ thresholds: { 'audio.averageJitter': 'fast' } });
        assert.fail('expected the override to be refused');
      } catch (error) {
        assert.ok(error instanceof InvalidScoringSettingError);
        assert.equal(error.key, 'thresholds.audio.averageJitter');
      }
    });
  });

  it('refuses an unknown profile, naming it', () => {
    assertRefusedNaming(() => resolveScoringOptions({ profile: 'cqd-2030' }), 'cqd-2030');
  });

  it('refuses an unknown alert rating, naming it', () => {
    assertRefusedNaming(() => resolveScoringOptions({ alertRatings: ['awful'] }), 'awful');
  });

  describe('settings documents (the --thresholds file)', () => {
    it('accept a profile, thresholds, alert ratings and the poor-quality switch', () => {
      const settings = parseScoringSettings({
        profile: 'cqd-classic',
        thresholds: { 'audio.averageJitter': 25 },
        alertRatings: ['bad'],
        alertOnPoorQuality: false,
      });
      const options = resolveScoringOptions(settings);
      assert.equal(options.profile, 'cqd-classic');
      assert.equal(options.thresholds.audio.averageJitter, 25);
      assert.deepEqual(options.alertRatings, ['bad']);
      assert.equal(options.alertOnPoorQuality, false);
    });
    it('refuse an unknown top-level key, naming it', () => {
      assertRefusedNaming(() => parseScoringSettings({ treshold: {} }), 'treshold');
    });
    it('refuse bad thresholds and profiles at parse time, naming them', () => {
      assertRefusedNaming(() => parseScoringSettings({ thresholds: { 'audio.maxJitter': 1 } }), 'audio.maxJitter');
      assertRefusedNaming(() => parseScoringSettings({ profile: 'nope' }), 'nope');
      assertRefusedNaming(() => parseScoringSettings({ alertOnPoorQuality: 'yes' }), 'alertOnPoorQuality');
    });
    it('refuse a document that is not an object', () => {
      for (const document of [[], 42, 'cqd', null]) {
        assert.throws(() => parseScoringSettings(document), InvalidScoringSettingError);
      }
    });
  });
});
