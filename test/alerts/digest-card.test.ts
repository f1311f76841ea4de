import assert from 'node:assert/strict';
import { buildDigestCard, buildRecentCallsCard, digestItemOf, summarizeCall, validateCard, type AdaptiveCardDocument } from '../../src/alerts';
import { resolveScoringOptions, scoreCallRecord, type JsonObject } from '../../src/quality';
import { loadFixture } from '../support/graph-fixtures';
import { elementsOfType } from './card-inspection';

const CQD = resolveScoringOptions();

/** The 2024 fixture under another id (Abbie calls Owen; good under cqd; Owen rated it poor), changed by `edit`. */
function item(id: string, edit: (session: any) => void = () => {}) {
  const record = structuredClone(loadFixture('callrecord-v1-expanded-2024.json')) as any;
  delete record['sessions@odata.nextLink'];
  record.id = id;
  edit(record.sessions[0]);
  return digestItemOf(scoreCallRecord(record as JsonObject, CQD), summarizeCall(record));
}

/** Each row's verdict and why, in order. */
function rows(card: AdaptiveCardDocument): [string, string][] {
  const verdicts = elementsOfType(card, 'TextBlock').filter((block) => ['Failed', 'Poor', 'Rated low', 'Good', 'Not judged'].includes(String(block.text)));
  const whys = elementsOfType(card, 'RichTextBlock').map((block) => String((block.inlines as { text: string }[])[0]!.text)).filter((text) => !/^(\d+\. )?Abbie Wilkins$/.test(text));
  assert.equal(verdicts.length, whys.length);
  return verdicts.map((verdict, index) => [String(verdict.text), whys[index]!]);
}

const dropped = (session: any) => (session.failureInfo = { stage: 'midcall', reason: 'r' });
const poorUnrated = (session: any) => {
  Object.assign(session.segments[0].media[0].streams[0], { packetUtilization: 5000, averageJitter: 'PT0.090S' });
  delete session.callee.feedback;
};

describe('recent and digest rows: failures and mismatches', () => {
  it('marks a failed call as Failed with what failed first, and each mismatch with its short marker', () => {
    const card = buildRecentCallsCard([item('c1', dropped), item('c2'), item('c3', poorUnrated)]);
    assert.deepEqual(validateCard(card).errors, []);
    assert.deepEqual(rows(card), [
      // Dropped, good streams, Owen rated poor: also a mismatch.
      ['Failed', 'dropped · rated poor · ≠ rated low, measured good'],
      ['Rated low', 'rated poor · ≠ rated low, measured good'],
      // Jitter 90 ms against 30 ms, and nobody rated it.
      ['Poor', 'Jitter 90 ms (poor above 30 ms) · ≠ poor, nobody rated'],
    ]);
  });

  it('ranks a failed call with the poor ones in a digest, before a complaint alone', () => {
    const card = buildDigestCard({ audience: 'admins', items: [item('c2'), item('c1', dropped)], totalCount: 2 });
    assert.deepEqual(rows(card).map(([verdict]) => verdict), ['Failed', 'Rated low']);
  });
});
