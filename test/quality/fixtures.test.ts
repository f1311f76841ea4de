import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { notACallRecordReason, resolveScoringOptions, scoreCallRecord } from '../../src/quality';
import { GRAPH_FIXTURES, loadFixture as load } from '../support/graph-fixtures';
import { assertReportShape } from './report-shape';

const cqd = resolveScoringOptions();
const classic = resolveScoringOptions({ profile: 'cqd-classic' });

const CALL_ID = 'e523d2ed-2966-4b6b-925b-754a88034cc5';
/** Owen Franklin rated the seed call "poor" with only the Noisy token set. */
const SEED_FEEDBACK = [
  {
    sessionId: CALL_ID,
    userId: 'f69e2c00-0000-0000-0000-185e5f5f5d8a',
    displayName: 'Owen Franklin',
    rating: 'poor',
    tokens: ['Noisy'],
    text: null,
  },
];

const EXPANDED = ['callrecord-v1-expanded-2024.json', 'callrecord-beta-expanded.json', 'callrecord-v1-expanded-lowercase-nextlink.json'];
const BASIC = ['callrecord-v1-basic.json', 'callrecord-beta-basic.json'];
const PAGES = ['sessions-page.json', 'sessions-page-with-segments.json'];

describe('the Graph fixtures', () => {
  it('are all covered by these tests', () => {
    const files = readdirSync(GRAPH_FIXTURES).filter((name) => name.endsWith('.json')).sort();
    assert.deepEqual(files, [...EXPANDED, ...BASIC, ...PAGES].sort());
  });

  for (const name of EXPANDED) {
    describe(name, () => {
      const record = load(name);

      it('is a call record', () => {
        assert.equal(notACallRecordReason(record), undefined);
      });

      it('is good under cqd: one stream is under the packet gate, the other is within every threshold', () => {
        // Stream 1504545584: 67 packets (gate not met). Stream 1785122252: 709 packets, but
        // 64 ms round trip, 1.4 % loss and 7 ms jitter are all within their thresholds.
        const report = scoreCallRecord(record, cqd);
        assertReportShape(report);
        assert.equal(report.callId, CALL_ID);
        assert.equal(report.version, 1);
        assert.equal(report.profile, 'cqd');
        assert.equal(report.quality, 'good');
        assert.deepEqual(
          report.streams.map((s) => [s.sessionId, s.segmentId, s.label, s.kind, s.streamId, s.direction, s.classification]),
          [
            [CALL_ID, CALL_ID, 'main-audio', 'audio', '1504545584', 'callerToCallee', 'good'],
            [CALL_ID, CALL_ID, 'main-audio', 'audio', '1785122252', 'calleeToCaller', 'good'],
          ],
        );
      });

      it('is poor under cqd-classic through averageAudioDegradation only', () => {
        // 1.160898 > 1.0; its concealed-samples ratio 0.0623 is under 0.07 and the rest is fine.
        const report = scoreCallRecord(record, classic);
        assertReportShape(report);
        assert.equal(report.quality, 'poor');
        const poor = report.streams.filter((s) => s.classification === 'poor');
        assert.deepEqual(
          poor.map((s) => [s.streamId, s.reasons]),
          [['1785122252', [{ metric: 'averageAudioDegradation', value: 1.160898, threshold: 1.0, comparison: '>' }]]],
        );
        assert.equal(report.streams.find((s) => s.streamId === '1504545584')?.classification, 'good');
      });

      it('is due an alert because of the "poor" rating with the Noisy token', () => {
        const report = scoreCallRecord(record, cqd);
        assert.deepEqual(report.feedback, SEED_FEEDBACK);
        assert.equal(report.alert, true);
        // The quality is good, so the rating alone makes the alert: without alerting ratings there is none.
        assert.equal(scoreCallRecord(record, resolveScoringOptions({ alertRatings: [] })).alert, false);
      });
    });
  }

  for (const name of BASIC) {
    it(`${name} (no sessions) is unclassified with no streams and no alert`, () => {
      const record = load(name);
      assert.equal(notACallRecordReason(record), undefined);
      for (const options of [cqd, classic]) {
        const report = scoreCallRecord(record, options);
        assertReportShape(report);
        assert.equal(report.callId, CALL_ID);
        assert.equal(report.version, 1);
        assert.equal(report.quality, 'unclassified');
        assert.deepEqual(report.streams, []);
        assert.deepEqual(report.feedback, []);
        assert.equal(report.alert, false);
      }
    });
  }

  for (const name of PAGES) {
    it(`${name} is a page, not a call record, and scoring it anyway does not throw`, () => {
      const page = load(name);
      assert.match(notACallRecordReason(page) ?? '', /page of a collection/);
      const report = scoreCallRecord(page);
      assertReportShape(report);
      assert.deepEqual(report.streams, []);
      assert.equal(report.quality, 'unclassified');
    });
  }

  it('sessions-page-with-segments.json, put back into its record, scores like the expanded record', () => {
    const page = load('sessions-page-with-segments.json');
    const record = { ...load('callrecord-v1-basic.json'), sessions: page.value };
    const report = scoreCallRecord(record, classic);
    assertReportShape(report);
    assert.deepEqual(report, scoreCallRecord(load('callrecord-v1-expanded-2024.json'), classic));
  });

  it('sessions-page.json (sessions without segments) has no streams but keeps the feedback and its alert', () => {
    const page = load('sessions-page.json');
    const report = scoreCallRecord({ ...load('callrecord-beta-basic.json'), sessions: page.value });
    assertReportShape(report);
    assert.deepEqual(report.streams, []);
    assert.equal(report.quality, 'unclassified');
    assert.deepEqual(report.feedback, SEED_FEEDBACK);
    assert.equal(report.alert, true);
  });
});
