import assert from 'node:assert/strict';
import { resolveScoringOptions, scoreCallRecord } from '../../src/quality';
import { callRecord, endpointWithFeedback, media, session } from './records';

const poor = { packetUtilization: 900, averageJitter: 'PT0.090S' };
const good = { packetUtilization: 900, averageJitter: 'PT0.010S' };
const unjudged = { packetUtilization: 900 };

function recordOf(streams: object[], rating?: string) {
  const extra = rating ? { callee: endpointWithFeedback('u1', 'Ann', { rating }) } : {};
  return callRecord([session('s1', [media('main-audio', streams as Array<Record<string, unknown>>)], extra)]);
}

describe('whole-call quality', () => {
  it('is poor when any stream is poor', () => {
    assert.equal(scoreCallRecord(recordOf([good, unjudged, poor])).quality, 'poor');
  });
  it('is good when no stream is poor and one is good', () => {
    assert.equal(scoreCallRecord(recordOf([unjudged, good])).quality, 'good');
  });
  it('is unclassified when no stream is judged, or there are none', () => {
    assert.equal(scoreCallRecord(recordOf([unjudged])).quality, 'unclassified');
    assert.equal(scoreCallRecord(recordOf([])).quality, 'unclassified');
    assert.equal(scoreCallRecord(callRecord([])).quality, 'unclassified');
  });
  it('carries the call id, version and profile', () => {
    const report = scoreCallRecord(callRecord([], { id: 'abc', version: 7 }), resolveScoringOptions({ profile: 'cqd-classic' }));
    assert.equal(report.callId, 'abc');
    assert.equal(report.version, 7);
    assert.equal(report.profile, 'cqd-classic');
    assert.equal(scoreCallRecord(callRecord([])).profile, 'cqd');
  });
});

describe('alerts', () => {
  it('are due when the call is poor', () => {
    assert.equal(scoreCallRecord(recordOf([poor])).alert, true);
    assert.equal(scoreCallRecord(recordOf([good])).alert, false);
  });
  it('are due when someone rated the call bad or poor, whatever the quality', () => {
    assert.equal(scoreCallRecord(recordOf([good], 'bad')).alert, true);
    assert.equal(scoreCallRecord(recordOf([], 'poor')).alert, true);
    for (const rating of ['fair', 'good', 'excellent', 'notRated', 'unknownFutureValue']) {
      assert.equal(scoreCallRecord(recordOf([good], rating)).alert, false, rating);
    }
  });
  it('follow configured alert ratings', () => {
    const fairAlerts = resolveScoringOptions({ alertRatings: ['fair'] });
    assert.equal(scoreCallRecord(recordOf([good], 'fair'), fairAlerts).alert, true);
    assert.equal(scoreCallRecord(recordOf([good], 'bad'), fairAlerts).alert, false);
    assert.equal(scoreCallRecord(recordOf([good], 'bad'), resolveScoringOptions({ alertRatings: [] })).alert, false);
  });
  it('can be turned off for poor quality, leaving the ratings', () => {
    const ratingsOnly = resolveScoringOptions({ alertOnPoorQuality: false });
    const report = scoreCallRecord(recordOf([poor]), ratingsOnly);
    assert.equal(report.quality, 'poor');
    assert.equal(report.alert, false);
    assert.equal(scoreCallRecord(recordOf([poor], 'bad'), ratingsOnly).alert, true);
  });
});
