import assert from 'node:assert/strict';
import { scoreCallRecord, streamKindOf } from '../../src/quality';
import { callRecord, media, session } from './records';

describe('stream kinds from media labels', () => {
  const labelled: Array<[string, 'audio' | 'video' | 'vbss' | null]> = [
    ['main-audio', 'audio'],
    ['main-video', 'video'],
    ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((n): [string, 'video'] => [`main-video${n}`, 'video']),
    ['panoramic-video', 'video'],
    ['applicationsharing-video', 'vbss'],
    ['data', null],
    ['main-video10', null],
    ['main-hologram', null],
    ['unknownFutureValue', null],
  ];
  for (const [label, kind] of labelled) {
    it(`"${label}" is ${kind ?? 'not scored'}`, () => {
      // The label decides even when the session's single modality says otherwise.
      assert.equal(streamKindOf(label, ['audio']), kind);
      assert.equal(streamKindOf(label, ['audio', 'video']), kind);
    });
  }

  it('a missing label takes the kind of a single-modality session', () => {
    assert.equal(streamKindOf(undefined, ['audio']), 'audio');
    assert.equal(streamKindOf(null, ['video']), 'video');
    assert.equal(streamKindOf(undefined, ['videoBasedScreenSharing']), 'vbss');
    assert.equal(streamKindOf(undefined, ['data']), null);
    assert.equal(streamKindOf(undefined, ['unknownFutureValue']), null);
  });

  it('a missing label in a multi-modality session, or with no modalities, is not scored', () => {
    assert.equal(streamKindOf(undefined, ['audio', 'video']), null);
    assert.equal(streamKindOf(null, ['audio', 'videoBasedScreenSharing']), null);
    assert.equal(streamKindOf(undefined, []), null);
    assert.equal(streamKindOf(undefined, undefined), null);
    assert.equal(streamKindOf(undefined, null), null);
    assert.equal(streamKindOf(undefined, 'audio'), null);
  });

  it('an unscored stream is unclassified with no reasons however bad its metrics', () => {
    const terrible = { packetUtilization: 5000, averageJitter: 'PT1S', averageRoundTripTime: 'PT2S', averagePacketLossRate: 0.9 };
    const report = scoreCallRecord(
      callRecord([
        session('s1', [media('data', [terrible]), media(undefined, [terrible])], { modalities: ['audio', 'data'] }),
      ]),
    );
    assert.equal(report.streams.length, 2);
    for (const stream of report.streams) {
      assert.equal(stream.kind, null);
      assert.equal(stream.classification, 'unclassified');
      assert.deepEqual(stream.reasons, []);
    }
    assert.equal(report.quality, 'unclassified');
  });

  it('a stream with a missing label in an audio-only session is judged as audio', () => {
    const report = scoreCallRecord(
      callRecord([session('s1', [media(undefined, [{ packetUtilization: 600, averageJitter: 'PT0.040S' }])], { modalities: ['audio'] })]),
    );
    assert.equal(report.streams[0]?.kind, 'audio');
    assert.equal(report.streams[0]?.label, null);
    assert.equal(report.streams[0]?.classification, 'poor');
  });
});
