import assert from 'node:assert/strict';
import { OUTSIDE_CORP, personCallsOf } from '../../src/insights';
import { GUEST, historyCall, OLGA, SAM, sampleDay, SERVER } from '../support/history-calls';

describe("a person's calls", () => {
  it('lists their calls newest first, with the poor streams of their own side, their rating and building', () => {
    const result = personCallsOf('OLGA@contoso.com', sampleDay());
    assert.deepEqual(result.person, { query: 'OLGA@contoso.com', userId: OLGA.userId, upn: 'olga@contoso.com', name: 'Olga Ahlgren' });
    assert.deepEqual(
      result.calls.map((call) => [call.callId, call.streams, call.poorStreams, call.poorKinds, call.rating, call.site, call.connection]),
      [
        // C: Olga sent stream 1 (poor) and received 2 (poor, from the guest) and 3 (good); she did not rate.
        ['cccccccc-0000-4000-8000-000000000003', 3, 2, ['audio'], null, 'HQ', 'wifi-5GHz'],
        // A: all four streams are hers; the poor ones are audio and video; she rated bad.
        ['aaaaaaaa-0000-4000-8000-000000000001', 4, 2, ['audio', 'video'], 'bad', 'HQ', 'wifi-5GHz'],
      ],
    );
  });

  it('finds a person by Entra id, counts a re-scored call once, and says "not rated" is no rating', () => {
    const result = personCallsOf(SAM.userId!.toUpperCase(), sampleDay());
    assert.deepEqual(
      result.calls.map((call) => [call.callId, call.streams, call.poorStreams, call.rating]),
      [
        ['cccccccc-0000-4000-8000-000000000003', 2, 1, 'poor'],
        // B version 2 only: one poor screen sharing stream of three.
        ['bbbbbbbb-0000-4000-8000-000000000002', 3, 1, null],
      ],
    );
  });

  it('places a person without a known building outside corp, and has no side for an organizer who did not join', () => {
    const call = historyCall({
      id: 'abababab-0000-4000-8000-000000000007',
      start: '2026-03-03T09:00:00Z',
      organizer: OLGA,
      endpoints: [{ ...GUEST, userId: 'ffff0000-0000-0000-0000-00000000f00f', name: 'Fay' }, SERVER],
      streams: [['audio', 'poor', 0, 1]],
    });
    assert.equal(personCallsOf('ffff0000-0000-0000-0000-00000000f00f', [call]).calls[0]!.site, OUTSIDE_CORP);
    const organizer = personCallsOf(OLGA.userId!, [call]);
    assert.equal(organizer.calls[0]!.site, null);
    assert.equal(organizer.calls[0]!.streams, 0);
    assert.equal(organizer.person.name, 'Olga Ahlgren');
  });
});
