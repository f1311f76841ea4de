import assert from 'node:assert/strict';
import { decodeCallHistory, encodeCallHistory, forgetPersonInCall, forgetPersonInSummary, type CallHistory, type HistoryEndpoint } from '../../src/insights';

const OLGA_ID = 'aaaaaaaa-0000-4000-8000-00000000013a';
const RAY_ID = 'bbbbbbbb-0000-4000-8000-0000000000ab';

function endpoint(overrides: Partial<HistoryEndpoint>): HistoryEndpoint {
  return { userId: null, upn: null, name: null, subnet: '10.1.2.0', ip: '10.1.2.3', connection: 'wired', relayed: false, platform: 'windows', product: 'teams', building: 'HQ', network: 'HQ Floor 2', ...overrides };
}

/** Olga organizes and calls from two devices (one known only by UPN); Ray rates the call. */
const CALL: CallHistory = {
  tenantId: 'dc368399-474c-4d40-900c-6265431fd81f',
  callId: 'e523d2ed-2966-4b6b-925b-754a88034cc5',
  version: 2,
  startedAt: Date.UTC(2026, 2, 2, 9),
  endedAt: Date.UTC(2026, 2, 2, 10),
  type: 'groupCall',
  organizer: { userId: null, upn: 'Olga@Contoso.com', name: 'Olga Organizer' },
  participantCount: 3,
  quality: 'poor',
  alert: true,
  profile: 'cqd',
  source: 'notification',
  endpoints: [
    endpoint({ userId: OLGA_ID.toUpperCase(), upn: 'olga@contoso.com', name: 'Olga Organizer', ip: '10.1.2.3' }),
    endpoint({ userId: RAY_ID, upn: 'ray@contoso.com', name: 'Ray Rater', ip: '10.1.2.9', building: 'Annex' }),
    endpoint({ userId: OLGA_ID, upn: null, name: 'Olga (phone)', ip: '172.16.0.4', connection: 'wifi-5GHz', platform: 'android' }),
  ],
  streams: [
    { kind: 'audio', direction: 'callerToCallee', classification: 'poor', reasons: [{ metric: 'averageJitter', value: 45, threshold: 30, comparison: '>' }], from: 0, to: 1 },
    { kind: 'audio', direction: 'calleeToCaller', classification: 'good', reasons: [], from: 1, to: 2 },
  ],
  ratings: [
    { userId: OLGA_ID, name: 'Olga Organizer', rating: 'bad', tokens: ['Echo'] },
    { userId: RAY_ID, name: 'Ray Rater', rating: 'good', tokens: [] },
  ],
};

describe('forgetting a person in a call summary', () => {
  it('takes the id, UPN, name and address off every entry that names them, by UPN in any case', () => {
    const forgotten = forgetPersonInCall(CALL, 'OLGA@contoso.COM');
    assert.deepEqual(forgotten.organizer, { userId: null, upn: null, name: null });
    // The first endpoint names her by UPN and id; the third only by the id learnt from the first.
    assert.deepEqual(forgotten.endpoints[0], { ...CALL.endpoints[0], userId: null, upn: null, name: null, ip: null });
    assert.deepEqual(forgotten.endpoints[2], { ...CALL.endpoints[2], userId: null, name: null, ip: null });
    assert.deepEqual(forgotten.ratings[0], { userId: null, name: null, rating: 'bad', tokens: ['Echo'] });
  });

  it('leaves everyone else, every stream and every rating value as they were', () => {
    const forgotten = forgetPersonInCall(CALL, OLGA_ID);
    assert.deepEqual(forgotten.endpoints[1], CALL.endpoints[1]);
    assert.deepEqual(forgotten.ratings[1], CALL.ratings[1]);
    assert.deepEqual(forgotten.streams, CALL.streams);
    assert.deepEqual(
      forgotten.endpoints.map((e) => [e.subnet, e.building, e.connection, e.platform]),
      CALL.endpoints.map((e) => [e.subnet, e.building, e.connection, e.platform]),
      'where they were and what they used still count for sites, networks and devices',
    );
    assert.equal(forgotten.quality, 'poor');
    assert.equal(forgotten.participantCount, 3);
  });

  it('finds the person by Entra id too, and then also by the UPN seen beside it', () => {
    const forgotten = forgetPersonInCall(CALL, OLGA_ID.toUpperCase());
    assert.equal(forgotten.organizer.upn, null, 'the organizer was named only by UPN');
    assert.equal(forgotten.endpoints.filter((e) => e.name?.startsWith('Olga')).length, 0);
  });

  it('changes nothing in a call the person was not in', () => {
    assert.deepEqual(forgetPersonInCall(CALL, 'zoe@contoso.com'), CALL);
    assert.deepEqual(forgetPersonInCall(CALL, '  '), CALL, 'an empty name matches nobody');
  });

  it('rewrites a stored summary and its people index without them', () => {
    const { summary, people } = forgetPersonInSummary(encodeCallHistory(CALL), 'olga@contoso.com');
    assert.deepEqual(people.sort(), [RAY_ID, 'ray@contoso.com']);
    const decoded = decodeCallHistory(summary);
    assert.ok(!JSON.stringify(decoded).toLowerCase().includes('olga'), 'no trace of her name, UPN or id');
    assert.ok(!summary.includes('10.1.2.3') && !summary.includes('172.16.0.4'), 'nor of her addresses');
  });
});
