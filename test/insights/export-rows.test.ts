import assert from 'node:assert/strict';
import { EXPORT_COLUMNS, exportRowsOf, type CallHistory } from '../../src/insights';

const OLGA = 'aaaaaaaa-0000-4000-8000-00000000013a';
const RAY = 'bbbbbbbb-0000-4000-8000-0000000000ab';

/** Olga (HQ, Wi-Fi 5 GHz) calls Ray (home, wired); a screen share with no direction; Ray rates twice. */
const CALL: CallHistory = {
  tenantId: 'dc368399-474c-4d40-900c-6265431fd81f',
  callId: 'e523d2ed-2966-4b6b-925b-754a88034cc5',
  version: 4,
  startedAt: Date.UTC(2026, 2, 1, 23, 50),
  endedAt: Date.UTC(2026, 2, 2, 0, 20),
  type: 'peerToPeer',
  organizer: { userId: OLGA, upn: 'olga@contoso.com', name: 'Olga' },
  participantCount: 2,
  quality: 'poor',
  alert: true,
  profile: 'cqd-classic',
  source: 'notification',
  endpoints: [
    { userId: OLGA, upn: 'olga@contoso.com', name: 'Olga', subnet: '10.1.2.0', ip: '10.1.2.3', connection: 'wifi-5GHz', relayed: false, platform: 'windows', product: 'teams', building: 'HQ', network: 'HQ Floor 2' },
    { userId: RAY.toUpperCase(), upn: 'ray@contoso.com', name: 'Ray', subnet: '192.168.1.0', ip: '192.168.1.20', connection: 'wired', relayed: true, platform: 'macOS', product: 'teams', building: null, network: null },
  ],
  streams: [
    {
      kind: 'audio',
      direction: 'callerToCallee',
      classification: 'poor',
      reasons: [
        { metric: 'averageJitter', value: 45.25, threshold: 30, comparison: '>' },
        { metric: 'averagePacketLossRate', value: 0.125, threshold: 0.1, comparison: '>' },
      ],
      from: 0,
      to: 1,
    },
    { kind: 'video', direction: 'calleeToCaller', classification: 'good', reasons: [], from: 1, to: 0 },
    { kind: 'vbss', direction: null, classification: 'unclassified', reasons: [], from: 0, to: -1 },
  ],
  ratings: [
    { userId: RAY, name: 'Ray', rating: 'fair', tokens: ['Echo'] },
    { userId: RAY, name: 'Ray', rating: 'poor', tokens: ['Echo', 'Noise'] },
    { userId: OLGA, name: 'Olga', rating: 'notRated', tokens: [] },
  ],
};

const OLGA_END = {
  'User ObjectId': OLGA,
  UPN: 'olga@contoso.com',
  'User Name': 'Olga',
  'Building Name': 'HQ',
  'Network Name': 'HQ Floor 2',
  Subnet: '10.1.2.0',
  'IP Address': '10.1.2.3',
  'Network Connection Detail': 'WiFi',
  'WiFi Band': '5 GHz',
  Relayed: false,
  Platform: 'windows',
  'Endpoint Product Name': 'teams',
  // Shown the survey, did not rate: CQD's 0.
  'Feedback Rating': 0,
  'Feedback Tokens': null,
};
const RAY_END = {
  'User ObjectId': RAY.toUpperCase(),
  UPN: 'ray@contoso.com',
  'User Name': 'Ray',
  'Building Name': null,
  'Network Name': null,
  Subnet: '192.168.1.0',
  'IP Address': '192.168.1.20',
  'Network Connection Detail': 'Wired',
  'WiFi Band': null,
  Relayed: true,
  Platform: 'macOS',
  'Endpoint Product Name': 'teams',
  // fair (3) and poor (2): the worse one.
  'Feedback Rating': 2,
  'Feedback Tokens': 'Echo, Noise',
};
const NOBODY = Object.fromEntries(Object.keys(OLGA_END).map((key) => [key, null]));

function prefixed(side: string, end: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(end).map(([key, value]) => [`${side} ${key}`, value]));
}

const CALL_COLUMNS = {
  'Tenant Id': CALL.tenantId,
  'Conference ID': CALL.callId,
  'Call Version': 4,
  // The call ended after midnight UTC: CQD dates a stream by its end.
  Date: '2026-03-02',
  'Start Time': '2026-03-01T23:50:00.000Z',
  'End Time': '2026-03-02T00:20:00.000Z',
  'Call Type': 'peerToPeer',
  'Call Quality': 'poor',
  'Call Alert': true,
  'Quality Profile': 'cqd-classic',
};

describe('export rows', () => {
  it('writes one row per stream with the caller first, CQD-style', () => {
    const rows = exportRowsOf(CALL);
    assert.deepEqual(rows, [
      {
        ...CALL_COLUMNS,
        'Media Type': 'Audio',
        'Stream Direction': 'First-to-Second',
        Poor: true,
        Good: false,
        Unclassified: false,
        'Poor Reasons': 'averageJitter 45.3 ms > 30 ms; averagePacketLossRate 12.5 % > 10 %',
        ...prefixed('First', OLGA_END),
        ...prefixed('Second', RAY_END),
      },
      {
        ...CALL_COLUMNS,
        'Media Type': 'Video',
        // Ray sent it, but Olga is still the caller: the stream goes from the second end to the first.
        'Stream Direction': 'Second-to-First',
        Poor: false,
        Good: true,
        Unclassified: false,
        'Poor Reasons': null,
        ...prefixed('First', OLGA_END),
        ...prefixed('Second', RAY_END),
      },
      {
        ...CALL_COLUMNS,
        'Media Type': 'VBSS',
        'Stream Direction': null,
        Poor: false,
        Good: false,
        Unclassified: true,
        'Poor Reasons': null,
        ...prefixed('First', OLGA_END),
        ...prefixed('Second', NOBODY),
      },
    ]);
  });

  it('fills every column, in the order of EXPORT_COLUMNS', () => {
    for (const row of exportRowsOf(CALL)) assert.deepEqual(Object.keys(row), [...EXPORT_COLUMNS]);
    assert.equal(EXPORT_COLUMNS.length, 16 + 2 * 14);
    assert.equal(new Set(EXPORT_COLUMNS).size, EXPORT_COLUMNS.length, 'no column twice');
  });

  it('dates a call without an end by its start, and one without either not at all', () => {
    assert.equal(exportRowsOf({ ...CALL, endedAt: null })[0]!.Date, '2026-03-01');
    const timeless = exportRowsOf({ ...CALL, startedAt: null, endedAt: null })[0]!;
    assert.deepEqual([timeless.Date, timeless['Start Time'], timeless['End Time']], [null, null, null]);
  });

  it('has no rows for a call without scored streams', () => {
    assert.deepEqual(exportRowsOf({ ...CALL, streams: [] }), []);
  });
});
