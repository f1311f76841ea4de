import assert from 'node:assert/strict';
import { buildAlertCard, summarizeCall, validateCard, type AdaptiveCardDocument } from '../../src/alerts';
import { resolveScoringOptions, scoreCallRecord, type JsonObject } from '../../src/quality';
import { loadFixture } from '../support/graph-fixtures';
import { cardText, elementsOfType } from './card-inspection';

const CQD = resolveScoringOptions();

/** The 2024 fixture (Abbie calls Owen; two good audio streams under cqd; Owen rated it poor), changed by `edit`. */
function record(edit: (session: any, record: any) => void = () => {}): JsonObject {
  const copy = structuredClone(loadFixture('callrecord-v1-expanded-2024.json')) as any;
  delete copy['sessions@odata.nextLink'];
  edit(copy.sessions[0], copy);
  return copy;
}

function card(graphRecord: JsonObject, audience: 'organizer' | 'admins' = 'admins'): AdaptiveCardDocument {
  const built = buildAlertCard({ report: scoreCallRecord(graphRecord, CQD), summary: summarizeCall(graphRecord), audience, tenantId: 't' });
  assert.deepEqual(validateCard(built).errors, []);
  assert.doesNotMatch(JSON.stringify(built), /\$\{/);
  return built;
}

/** The first TextBlock: the card's title. */
function title(built: AdaptiveCardDocument): string {
  return String(elementsOfType(built, 'TextBlock')[0]!.text);
}

/** The failures section's sentences (TextRuns of the RichTextBlocks under "What failed"). */
function failureLines(built: AdaptiveCardDocument): string[] {
  const text = cardText(built).split('\n');
  const start = text.findIndex((line) => line.startsWith('What failed ('));
  return start < 0 ? [] : text.slice(start, start + 1 + text.slice(start + 1).findIndex((line) => !line.startsWith('The session between') && !line.startsWith('…and')));
}

const poorJitter = (session: any) => {
  const stream = session.segments[0].media[0].streams[0];
  stream.packetUtilization = 5000;
  stream.averageJitter = 'PT0.090S';
};

describe('the alert card of a failed call', () => {
  it('a drop: the title says so, the verdict starts with it, and the failure is a sentence with both people and Graph\'s reason', () => {
    const built = card(record((session) => (session.failureInfo = { stage: 'midcall', reason: 'MediaTimeout' })));
    assert.equal(title(built), 'Call dropped');
    assert.match(cardText(built), /\nA session dropped during the call\. The measured quality was good \(2 streams, none poor\), but 1 participant rated the call poor\.\n/);
    assert.deepEqual(failureLines(built), ['What failed (1)', 'The session between Abbie Wilkins and Owen Franklin dropped during the call. Graph\'s reason: “MediaTimeout”.']);
  });

  it('a session that could not be set up, without media: says no stream could be judged, without promising metrics later', () => {
    const built = card(record((session) => {
      session.failureInfo = { stage: 'callSetup', reason: 'Firewall blocked media' };
      session.segments = [];
      delete session.callee.feedback;
    }));
    assert.equal(title(built), 'Call could not be set up');
    assert.match(cardText(built), /\nA session could not be set up\. No stream could be judged\.\n/);
    assert.deepEqual(failureLines(built), ['What failed (1)', 'The session between Abbie Wilkins and Owen Franklin could not be set up. Graph\'s reason: “Firewall blocked media”.']);
  });

  for (const stage of ['unknown', 'unknownFutureValue']) {
    it(`a failure at stage ${stage}: "Call failed", at a stage Graph does not name`, () => {
      const built = card(record((session) => (session.failureInfo = { stage, reason: 'Unexpected' })));
      assert.equal(title(built), 'Call failed');
      assert.deepEqual(failureLines(built).slice(1), ['The session between Abbie Wilkins and Owen Franklin failed, at a stage Graph does not name. Graph\'s reason: “Unexpected”.']);
    });
  }

  it('lists at most 12 failed sessions, then says how many more', () => {
    const built = card(record((session, whole) => {
      whole.sessions = Array.from({ length: 15 }, (_, index) => ({ ...structuredClone(session), id: `s${index}`, failureInfo: { stage: 'midcall', reason: `r${index}` } }));
    }));
    const lines = failureLines(built);
    assert.equal(lines[0], 'What failed (15)');
    assert.equal(lines.filter((line) => line.startsWith('The session between')).length, 12);
    assert.equal(lines.at(-1), '…and 3 more failed sessions.');
  });

  it('has no failures section when no session failed', () => {
    const built = card(record());
    assert.equal(failureLines(built).length, 0);
    assert.doesNotMatch(cardText(built), /What failed/);
  });
});

describe('the alert card\'s mismatch line', () => {
  it('rated poor while every stream was good: says the thresholds or the network data may miss what people experienced', () => {
    const lines = cardText(card(record())).split('\n');
    const verdict = lines.findIndex((line) => line.startsWith('The measured quality was good'));
    assert.match(lines[verdict + 1]!, /^Mismatch: rated bad or poor, yet every measured stream was within the thresholds\./, 'right under the verdict');
  });

  it('poor while nobody rated: says so', () => {
    const built = card(record((session) => {
      poorJitter(session);
      delete session.callee.feedback;
    }));
    assert.match(cardText(built), /\nMismatch: the streams were poor, yet nobody rated the call\./);
  });

  it('says nothing when the rating and the measurements agree', () => {
    const built = card(record(poorJitter));
    assert.equal(title(built), 'Poor call quality');
    assert.doesNotMatch(cardText(built), /Mismatch/);
  });
});
