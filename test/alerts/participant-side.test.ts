import assert from 'node:assert/strict';
import { assessCall, participantSideOf, participantsToTell, poorSidesOf, type CallAssessment } from '../../src/alerts';
import { resolveScoringOptions, type JsonObject } from '../../src/quality';
import { loadFixture } from '../support/graph-fixtures';
import { meetingPerson, meetingRecord } from '../support/group-call-record';

const ABBIE = meetingPerson('821809f5-0000-0000-0000-3b5136c0e777', 'Abbie Wilkins');
const OWEN = meetingPerson('f69e2c00-0000-0000-0000-185e5f5f5d8a', 'Owen Franklin', { connectionType: 'wifi', sentJitterMs: 80 });
const OLGA = meetingPerson('0a1a0000-0000-0000-0000-00000000a01a', 'Olga Ahlgren', { rating: 'poor' });

function assess(record: JsonObject): CallAssessment {
  return assessCall(record, resolveScoringOptions({}));
}

/** The 2024 peer-to-peer fixture with Abbie's audio to Owen poor (90 ms jitter): both ends show causes (relay, glitches, …). */
function peerToPeer(): JsonObject {
  const record = loadFixture('callrecord-v1-expanded-2024.json');
  const stream = (record.sessions as any[])[0].segments[0].media[0].streams[0];
  stream.packetUtilization = 5000;
  stream.averageJitter = 'PT0.090S';
  return record;
}

describe('participant sides: whose side a poor stream was on', () => {
  it('puts a meeting stream on the person, never on the conferencing server', () => {
    const assessment = assess(meetingRecord({ id: 'm1', organizer: ABBIE, people: [ABBIE, OWEN, OLGA] }));
    const sides = poorSidesOf(assessment);
    const people = assessment.summary.people;
    // Owen sent 80 ms jitter (poor above 30 ms); nobody else had a poor stream.
    assert.deepEqual([...sides.keys()].map((index) => people[index]!.displayName), ['Owen Franklin']);
    const [owenStream] = sides.get(people.findIndex((entry) => entry.id === OWEN.id))!;
    assert.equal(owenStream!.kind, 'audio');
    assert.equal(owenStream!.sent, true);
    assert.deepEqual(owenStream!.reasons.map((reason) => [reason.metric, reason.value]), [['averageJitter', 80]]);
    assert.equal(people.filter((entry) => entry.service).length, 1, 'the server is one entry, whatever the number of sessions');
  });

  it('puts a meeting stream on the person even when nothing on their side shows a cause', () => {
    const wired = { ...OWEN, connectionType: 'wired' as const };
    const assessment = assess(meetingRecord({ id: 'm2', organizer: ABBIE, people: [ABBIE, wired] }));
    assert.deepEqual(participantsToTell(assessment, 'poor-side').map((side) => side.person.id), [OWEN.id]);
  });

  it('in a peer-to-peer call, blames each end whose own network or device shows a cause', () => {
    const assessment = assess(peerToPeer());
    const names = (sides: Map<number, unknown>) => [...sides.keys()].map((index) => assessment.summary.people[index]!.displayName).sort();
    // Both ends of the fixture show causes: Abbie on Wi-Fi through a relay, Owen relayed with a glitching device.
    assert.deepEqual(names(poorSidesOf(assessment)), ['Abbie Wilkins', 'Owen Franklin']);
  });

  it('in a peer-to-peer call, blames only the end that shows a cause, and nobody when neither does', () => {
    const record = peerToPeer();
    const media = (record.sessions as any[])[0].segments[0].media[0];
    delete media.calleeNetwork;
    delete media.calleeDevice;
    const oneSided = assess(record);
    assert.deepEqual([...poorSidesOf(oneSided).keys()].map((index) => oneSided.summary.people[index]!.displayName), ['Abbie Wilkins']);
    delete media.callerNetwork;
    delete media.callerDevice;
    assert.equal(poorSidesOf(assess(record)).size, 0);
  });

  it('names the participants to tell: poor-side, raters (poor-side and anyone who rated bad or poor), never the organizer', () => {
    const organizerPoor = { ...ABBIE, sentJitterMs: 90 };
    const assessment = assess(meetingRecord({ id: 'm3', organizer: organizerPoor, people: [organizerPoor, OWEN, OLGA] }));
    assert.deepEqual(participantsToTell(assessment, 'off'), []);
    assert.deepEqual(participantsToTell(assessment, 'poor-side').map((side) => side.person.displayName), ['Owen Franklin']);
    assert.deepEqual(participantsToTell(assessment, 'raters').map((side) => side.person.displayName).sort(), ['Olga Ahlgren', 'Owen Franklin']);
    const olga = participantsToTell(assessment, 'raters').find((side) => side.person.id === OLGA.id)!;
    assert.equal(olga.rating, 'poor');
    assert.deepEqual(olga.poorStreams, []);
  });

  it("gives one person's side with their own hints only", () => {
    const cpuBound = { ...OWEN, cpuRatio: 0.4 };
    const assessment = assess(meetingRecord({ id: 'm4', organizer: ABBIE, people: [ABBIE, cpuBound, { ...OLGA, connectionType: 'mobile' }] }));
    const side = participantSideOf(assessment, OWEN.id.toUpperCase())!;
    assert.deepEqual(side.hints.map((hint) => hint.kind).sort(), ['cpu', 'wifi']);
    assert.ok(side.hints.every((hint) => !hint.text.includes('Olga')));
    assert.equal(participantSideOf(assessment, '99999999-0000-0000-0000-000000000000'), undefined);
  });
});
