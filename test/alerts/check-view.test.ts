import assert from 'node:assert/strict';
import { assessCall, checkViewFor } from '../../src/alerts';
import { resolveScoringOptions } from '../../src/quality';
import { meetingPerson, meetingRecord } from '../support/group-call-record';

const ABBIE = meetingPerson('821809f5-0000-0000-0000-3b5136c0e777', 'Abbie Wilkins');
const OWEN = meetingPerson('f69e2c00-0000-0000-0000-185e5f5f5d8a', 'Owen Franklin', { connectionType: 'wifi', sentJitterMs: 80 });
const OLGA = meetingPerson('0a1a0000-0000-0000-0000-00000000a01a', 'Olga Ahlgren', { rating: 'poor' });
const NINA = '0b0b0b0b-0000-4000-8000-00000000000b';

describe('checkViewFor: what a check of a call shows the person who asked', () => {
  // Abbie organized a meeting with Owen (80 ms jitter sent over Wi-Fi) and Olga (rated it poor).
  const meeting = assessCall(meetingRecord({ id: 'm1', organizer: ABBIE, people: [ABBIE, OWEN, OLGA] }), resolveScoringOptions({}));

  it('shows an admin any call in full, even one they had nothing to do with', () => {
    assert.deepEqual(checkViewFor(meeting, { isAdmin: true, userAadId: NINA }), { kind: 'admins' });
  });

  it("shows the organizer the organizer's card, whatever the case of the id", () => {
    assert.deepEqual(checkViewFor(meeting, { isAdmin: false, userAadId: ABBIE.id.toUpperCase() }), { kind: 'organizer' });
  });

  it('shows a participant only their own side: their poor stream, or only their rating', () => {
    const owen = checkViewFor(meeting, { isAdmin: false, userAadId: OWEN.id });
    assert.equal(owen.kind, 'participant');
    assert.equal(owen.kind === 'participant' && owen.side.person.displayName, 'Owen Franklin');
    assert.deepEqual(owen.kind === 'participant' && owen.side.poorStreams.map((stream) => [stream.kind, stream.sent]), [['audio', true]]);
    const olga = checkViewFor(meeting, { isAdmin: false, userAadId: OLGA.id });
    assert.deepEqual(olga.kind === 'participant' && [olga.side.rating, olga.side.poorStreams.length], ['poor', 0]);
  });

  it('refuses someone who neither organized nor took part, and someone Teams did not name', () => {
    assert.deepEqual(checkViewFor(meeting, { isAdmin: false, userAadId: NINA }), { kind: 'refused' });
    assert.deepEqual(checkViewFor(meeting, { isAdmin: false, userAadId: null }), { kind: 'refused' });
  });
});
