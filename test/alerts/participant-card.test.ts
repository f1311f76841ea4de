import assert from 'node:assert/strict';
import { assessCall, buildParticipantCard, HINT_FIXES, oneFixFor, participantSideOf, validateCard } from '../../src/alerts';
import { resolveScoringOptions } from '../../src/quality';
import { meetingPerson, meetingRecord } from '../support/group-call-record';
import { cardStrings } from '../bot/card-inspection';

const HOST = meetingPerson('00000000-0000-4000-8000-00000000000a', 'Hosta');
const WIFI_CPU = meetingPerson('00000000-0000-4000-8000-00000000000b', 'Bertil', { connectionType: 'wifi', cpuRatio: 0.5, sentJitterMs: 75 });
const RATER = meetingPerson('00000000-0000-4000-8000-00000000000c', 'Cora', { rating: 'bad' });
const assessment = assessCall(meetingRecord({ id: 'p1', organizer: HOST, people: [HOST, WIFI_CPU, RATER] }), resolveScoringOptions({}));

describe("a participant's card about their own side", () => {
  it('shows their poor stream, their own hints and the fix for the most direct cause', () => {
    const side = participantSideOf(assessment, WIFI_CPU.id)!;
    const card = buildParticipantCard({ assessment, side });
    assert.deepEqual(validateCard(card).errors, []);
    const strings = cardStrings(card);
    assert.ok(strings.includes('Your connection or device had trouble in a call'));
    assert.ok(strings.includes('• Audio you sent: Jitter 75 ms (poor above 30 ms)'));
    // Hints come most direct cause first, and Wi-Fi is listed before CPU.
    assert.equal(oneFixFor(side), HINT_FIXES.wifi);
    assert.ok(strings.includes(HINT_FIXES.wifi));
    assert.ok(!strings.includes(HINT_FIXES.cpu), 'one fix only');
    assert.ok(strings.some((text) => text.includes('short of CPU')), 'the CPU hint is still shown');
  });

  it('tells a rater whose side shows nothing that the trouble was likely elsewhere', () => {
    const side = participantSideOf(assessment, RATER.id)!;
    const card = buildParticipantCard({ assessment, side });
    assert.deepEqual(validateCard(card).errors, []);
    const strings = cardStrings(card);
    assert.ok(strings.includes('You rated a call bad'));
    assert.ok(strings.includes('★☆☆☆☆ bad'), 'their own rating');
    assert.ok(strings.some((text) => text.startsWith('Nothing on your side points at a cause')));
    assert.ok(!strings.some((text) => /Bertil|Hosta/.test(text)), 'nobody else is named');
  });

  it('says when a newer version no longer puts anything on their side, and when it may be a copy', () => {
    const side = { ...participantSideOf(assessment, WIFI_CPU.id)!, poorStreams: [], hints: [] };
    const strings = cardStrings(buildParticipantCard({ assessment, side, resentAfterRestart: true }));
    assert.ok(strings.includes('Your side of this call looks fine now'));
    assert.ok(strings.some((text) => text.startsWith('Sent again after the bot restarted')));
  });
});
