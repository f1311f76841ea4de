import assert from 'node:assert/strict';
import { compactReport, compactStreamPositions, scoreCallRecord, streamCountsOf, streamTotalsOf, STREAMS_KEPT_OF_ANY_CLASS } from '../../src/quality';
import { callRecord, media, session } from './records';

// CQD audio: poor when a metric crosses and more than 500 packets were sent; video: the first reported metric decides.
const poorAudio = { packetUtilization: 900, averageJitter: 'PT0.090S' };
const goodAudio = { packetUtilization: 900, averageJitter: 'PT0.010S' };
const unjudgedAudio = { packetUtilization: 900 };
const poorVideo = { averageVideoFrameLossPercentage: 80 };
const goodVideo = { averageVideoFrameLossPercentage: 1 };

/**
 * Record order: s1 audio [good, poor, unjudged], s1 data [good-looking but unscored], s2 video
 * [good, poor], s3 audio [good, good, poor]. So positions 0..8 are: 0 good audio, 1 poor audio,
 * 2 unclassified audio, 3 unscored data, 4 good video, 5 poor video, 6 good audio, 7 good audio, 8 poor audio.
 */
function sampleRecord() {
  return callRecord([
    session('s1', [media('main-audio', [goodAudio, poorAudio, unjudgedAudio]), media('data', [goodAudio])]),
    session('s2', [media('main-video', [goodVideo, poorVideo])], { modalities: ['video'] }),
    session('s3', [media('main-audio', [goodAudio, goodAudio, poorAudio])]),
  ]);
}

describe('compact report', () => {
  it('counts every stream per kind and class', () => {
    const counts = streamCountsOf(scoreCallRecord(sampleRecord()));
    assert.deepEqual(counts, {
      audio: { poor: 2, good: 3, unclassified: 1 },
      video: { poor: 1, good: 1, unclassified: 0 },
      vbss: { poor: 0, good: 0, unclassified: 0 },
      other: { poor: 0, good: 0, unclassified: 1 },
    });
    assert.deepEqual(streamTotalsOf(scoreCallRecord(sampleRecord())), { poor: 3, judged: 7, scored: 8 });
  });

  it('keeps every poor stream and the first scored streams of any class, in record order', () => {
    const report = scoreCallRecord(sampleRecord());
    // The first two scored streams are positions 0 and 1; the unscored data stream (3) never counts among them.
    assert.deepEqual(compactStreamPositions(report.streams, 2), [0, 1, 5, 8]);
    assert.deepEqual(compactStreamPositions(report.streams, 0), [1, 5, 8]);
    assert.deepEqual(compactStreamPositions(report.streams), [0, 1, 2, 4, 5, 6, 7, 8], `the first ${STREAMS_KEPT_OF_ANY_CLASS} scored streams are all of them here`);
  });

  it('leaves the verdicts alone and keeps the counts of what it left out', () => {
    const full = scoreCallRecord(sampleRecord());
    const compact = compactReport(full, compactStreamPositions(full.streams, 0));
    assert.equal(compact.quality, 'poor');
    assert.equal(compact.alert, true);
    assert.deepEqual(compact.streams.map((stream) => [stream.sessionId, stream.kind, stream.classification]), [
      ['s1', 'audio', 'poor'],
      ['s2', 'video', 'poor'],
      ['s3', 'audio', 'poor'],
    ]);
    assert.deepEqual(compact.streams[0]!.reasons, [{ metric: 'averageJitter', value: 90, threshold: 30, comparison: '>' }]);
    assert.deepEqual(streamCountsOf(compact), streamCountsOf(full));
    assert.deepEqual(streamTotalsOf(compact), { poor: 3, judged: 7, scored: 8 });
    assert.equal(compactReport(compact), compact, 'a compact report is not compacted again');
  });

  it('survives being stored as JSON', () => {
    const full = scoreCallRecord(sampleRecord());
    const stored = JSON.parse(JSON.stringify(compactReport(full, [1])));
    assert.deepEqual(streamTotalsOf(stored), { poor: 3, judged: 7, scored: 8 });
    assert.equal(stored.streams.length, 1);
  });
});
