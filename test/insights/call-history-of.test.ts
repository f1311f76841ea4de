import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { callHistoryOf, decodeCallHistory, encodeCallHistory, type CallHistory, type HistoryEndpoint } from '../../src/insights';
import { resolveScoringOptions, scoreCallRecord, type CallQualityReport, type JsonObject } from '../../src/quality';
import { parseBuildingFile } from '../../src/sites';
import { GRAPH_FIXTURES, loadFixture } from '../support/graph-fixtures';

const TENANT = 'dc368399-474c-4d40-900c-6265431fd81f';
const ABBIE_ID = '821809f5-0000-0000-0000-3b5136c0e777';
const OWEN_ID = 'f69e2c00-0000-0000-0000-185e5f5f5d8a';
const CLASSIC = resolveScoringOptions({ profile: 'cqd-classic' });

/** The history of a record, scored with the classic profile (which judges the fixture's second stream poor). */
function historyOf(record: JsonObject, extra: Partial<Parameters<typeof callHistoryOf>[0]> = {}): CallHistory {
  return callHistoryOf({ record, report: scoreCallRecord(record, CLASSIC), tenantId: TENANT, source: 'notification', ...extra });
}

/** The fixture's call record, read by hand: both ends as the segment names them, with the media's networks. */
const ABBIE: HistoryEndpoint = {
  userId: ABBIE_ID,
  upn: null,
  name: 'Abbie Wilkins',
  subnet: '10.150.0.0',
  ip: '10.150.0.2',
  connection: 'wifi',
  relayed: true,
  platform: 'android',
  product: 'skypeForBusiness',
  building: null,
  network: null,
};
const OWEN: HistoryEndpoint = {
  userId: OWEN_ID,
  upn: null,
  name: 'Owen Franklin',
  subnet: '10.139.80.0',
  ip: '10.139.0.12',
  connection: 'wired',
  relayed: true,
  platform: 'windows',
  product: 'skypeForBusiness',
  building: null,
  network: null,
};

/** The call as every fixture describes it (times, type, organizer, the two participants, Owen's rating). */
const CALL = {
  tenantId: TENANT,
  callId: 'e523d2ed-2966-4b6b-925b-754a88034cc5',
  version: 1,
  startedAt: Date.UTC(2020, 1, 25, 18, 52, 21, 216),
  endedAt: Date.UTC(2020, 1, 25, 18, 52, 46, 764),
  type: 'peerToPeer',
  organizer: { userId: ABBIE_ID, upn: null, name: 'Abbie Wilkins' },
  participantCount: 2,
  profile: 'cqd-classic',
  source: 'notification',
  // No fixture has a session with failureInfo.
  failures: [],
} as const;

const OWEN_RATING = { userId: OWEN_ID, name: 'Owen Franklin', rating: 'poor', tokens: ['Noisy'] };

/** Stream 1 (Abbie → Owen) is within every classic threshold; stream 2 (Owen → Abbie) has averageAudioDegradation 1.160898 > 1.0. */
const STREAMS = [
  { kind: 'audio', direction: 'callerToCallee', classification: 'good', reasons: [], from: 0, to: 1 },
  { kind: 'audio', direction: 'calleeToCaller', classification: 'poor', reasons: [{ metric: 'averageAudioDegradation', value: 1.160898, threshold: 1, comparison: '>' }], from: 1, to: 0 },
] as const;

/** A record of one audio stream from a caller on the given network to a wired callee. */
function oneStreamRecord(callerNetwork: JsonObject, caller: JsonObject = { identity: { user: { id: 'u-1', displayName: 'Olga' } } }): JsonObject {
  return {
    id: 'call-2',
    version: 4,
    startDateTime: '2026-03-02T09:00:00Z',
    sessions: [
      {
        id: 's1',
        modalities: ['audio'],
        caller,
        callee: { identity: { user: { id: 'u-2', displayName: 'Bob' } } },
        segments: [{ id: 'g1', media: [{ label: 'main-audio', callerNetwork, calleeNetwork: { connectionType: 'wired' }, streams: [{ streamId: '1', streamDirection: 'callerToCallee', averageJitter: 'PT0.010S' }] }] }],
      },
    ],
  };
}

describe('callHistoryOf: the history summary of a scored call', () => {
  describe('every Graph fixture', () => {
    it('covers each file of the fixtures folder', () => {
      assert.deepEqual(readdirSync(GRAPH_FIXTURES).filter((name) => name.endsWith('.json')).sort(), [
        'callrecord-beta-basic.json',
        'callrecord-beta-expanded.json',
        'callrecord-v1-basic.json',
        'callrecord-v1-expanded-2024.json',
        'callrecord-v1-expanded-lowercase-nextlink.json',
        'sessions-page-with-segments.json',
        'sessions-page.json',
      ]);
    });

    for (const name of ['callrecord-v1-expanded-2024.json', 'callrecord-beta-expanded.json', 'callrecord-v1-expanded-lowercase-nextlink.json']) {
      it(`${name}: both streams, both endpoints, the rating`, () => {
        assert.deepEqual(historyOf(loadFixture(name)), { ...CALL, quality: 'poor', alert: true, endpoints: [ABBIE, OWEN], streams: STREAMS, ratings: [OWEN_RATING] });
      });
    }

    for (const name of ['callrecord-v1-basic.json', 'callrecord-beta-basic.json']) {
      it(`${name}: the call without sessions, nothing scored`, () => {
        assert.deepEqual(historyOf(loadFixture(name)), { ...CALL, quality: 'unclassified', alert: false, endpoints: [], streams: [], ratings: [] });
      });
    }

    it('sessions-page-with-segments.json under the basic record: as the expanded record', () => {
      const record = { ...loadFixture('callrecord-v1-basic.json'), sessions: loadFixture('sessions-page-with-segments.json').value };
      assert.deepEqual(historyOf(record), { ...CALL, quality: 'poor', alert: true, endpoints: [ABBIE, OWEN], streams: STREAMS, ratings: [OWEN_RATING] });
    });

    it('sessions-page.json (sessions without segments) under the basic record: the rating, no stream', () => {
      const record = { ...loadFixture('callrecord-v1-basic.json'), sessions: loadFixture('sessions-page.json').value };
      assert.deepEqual(historyOf(record), { ...CALL, quality: 'unclassified', alert: true, endpoints: [], streams: [], ratings: [OWEN_RATING] });
    });

    it('places both ends in the building file by their addresses', () => {
      const map = parseBuildingFile(['10.150.0.0,Lab Wi-Fi,16,Remote Lab,,,,,,,,,1,0,0', '10.139.0.0,HQ LAN,16,HQ Building,,,,,,,,,1,0,0'].join('\n'));
      const history = historyOf(loadFixture('callrecord-v1-expanded-2024.json'), { place: (network) => map.place(network) });
      assert.deepEqual(
        history.endpoints.map((endpoint) => [endpoint.name, endpoint.building, endpoint.network]),
        [
          ['Abbie Wilkins', 'Remote Lab', 'Lab Wi-Fi'],
          ['Owen Franklin', 'HQ Building', 'HQ LAN'],
        ],
      );
    });

    it('survives the compact encoding unchanged', () => {
      const history = historyOf(loadFixture('callrecord-v1-expanded-2024.json'), { source: 'sweep' });
      assert.deepEqual(decodeCallHistory(encodeCallHistory(history)), history);
      assert.equal(history.source, 'sweep');
    });
  });

  describe('connection type, as CQD splits it', () => {
    const cases: Array<[string, JsonObject, HistoryEndpoint['connection']]> = [
      ['wired', { connectionType: 'wired' }, 'wired'],
      ['Wi-Fi, band unknown to Graph', { connectionType: 'wifi', wifiBand: 'unknown' }, 'wifi'],
      ['Wi-Fi without a band', { connectionType: 'wifi' }, 'wifi'],
      ['Wi-Fi 2.4 GHz', { connectionType: 'wifi', wifiBand: 'frequency24GHz' }, 'wifi-2.4GHz'],
      ['Wi-Fi 5 GHz', { connectionType: 'wifi', wifiBand: 'frequency50GHz' }, 'wifi-5GHz'],
      ['Wi-Fi 6 GHz', { connectionType: 'wifi', wifiBand: 'frequency60GHz' }, 'wifi-6GHz'],
      ['Wi-Fi, a band Graph adds later', { connectionType: 'wifi', wifiBand: 'unknownFutureValue' }, 'wifi'],
      ['mobile', { connectionType: 'mobile' }, 'mobile'],
      ['tunnel (VPN)', { connectionType: 'tunnel' }, 'tunnel'],
      ['unknown', { connectionType: 'unknown' }, 'unknown'],
      ['a type Graph adds later', { connectionType: 'unknownFutureValue' }, 'unknown'],
      ['none given', {}, 'unknown'],
      ['a band on a wired link (ignored)', { connectionType: 'wired', wifiBand: 'frequency50GHz' }, 'wired'],
    ];
    for (const [name, network, expected] of cases) {
      it(name, () => {
        const [caller, callee] = historyOf(oneStreamRecord(network)).endpoints;
        assert.equal(caller?.connection, expected);
        assert.equal(callee?.connection, 'wired');
      });
    }
  });

  describe('people, endpoints and streams', () => {
    it('reads the organizer from organizer_v2 with its UPN, before the deprecated organizer', () => {
      const record = { ...oneStreamRecord({}), organizer: { user: { id: 'old', displayName: 'Old' } }, organizer_v2: { id: 'u-9', identity: { user: { id: 'u-9', displayName: 'Olga', userPrincipalName: 'olga@contoso.com' } } } };
      assert.deepEqual(historyOf(record).organizer, { userId: 'u-9', upn: 'olga@contoso.com', name: 'Olga' });
    });

    it('reads a user from associatedIdentity (with UPN) when the identity has none, and counts participants_v2', () => {
      const record = {
        ...oneStreamRecord({ subnet: '2001:db8:10:20::', ipAddress: '2001:db8:10:20::7' }, { associatedIdentity: { id: 'u-3', displayName: 'Chen', userPrincipalName: 'chen@contoso.com' }, userAgent: { platform: 'macOS', productFamily: 'teams' } }),
        participants_v2: [{ id: 'u-3' }, { id: 'u-2' }, { id: 'u-4' }],
      };
      const map = parseBuildingFile('2001:db8:10::,HQ v6,48,HQ Building,,,,,,,,,1,0,0');
      const history = historyOf(record, { place: (network) => map.place(network) });
      assert.deepEqual(history.endpoints[0], { userId: 'u-3', upn: 'chen@contoso.com', name: 'Chen', subnet: '2001:db8:10:20::', ip: '2001:db8:10:20::7', connection: 'unknown', relayed: false, platform: 'macOS', product: 'teams', building: 'HQ Building', network: 'HQ v6' });
      assert.equal(history.participantCount, 3);
    });

    it('keeps scored streams only, and one endpoint for each distinct end however many streams name it', () => {
      const record = oneStreamRecord({ connectionType: 'wired' });
      const media = ((record.sessions as JsonObject[])[0]!.segments as JsonObject[])[0]!.media as JsonObject[];
      media.push(
        { label: 'main-video', callerNetwork: { connectionType: 'wired' }, calleeNetwork: { connectionType: 'wired' }, streams: [{ streamId: '2', streamDirection: 'calleeToCaller', averageVideoFrameRate: 30 }] },
        { label: 'data', callerNetwork: { connectionType: 'wired' }, calleeNetwork: { connectionType: 'wired' }, streams: [{ streamId: '3', streamDirection: 'callerToCallee' }] },
        { label: 'applicationsharing-video', callerNetwork: { connectionType: 'mobile' }, calleeNetwork: { connectionType: 'wired' }, streams: [{ streamId: '4', averageVideoFrameRate: 10 }] },
      );
      const history = historyOf(record);
      assert.deepEqual(
        history.streams.map((stream) => [stream.kind, stream.direction, stream.from, stream.to]),
        [
          ['audio', 'callerToCallee', 0, 1],
          ['video', 'calleeToCaller', 1, 0],
          ['vbss', null, -1, -1],
        ],
      );
      assert.deepEqual(
        history.endpoints.map((endpoint) => [endpoint.name, endpoint.connection]),
        [
          ['Olga', 'wired'],
          ['Bob', 'wired'],
        ],
        'the data stream and the screen share without a direction name no endpoint',
      );
    });

    it('tells apart the same person on two networks (a call moved from Wi-Fi to wired)', () => {
      const record = oneStreamRecord({ connectionType: 'wifi', wifiBand: 'frequency50GHz', subnet: '10.1.2.0' });
      const session = (record.sessions as JsonObject[])[0]!;
      const segments = session.segments as JsonObject[];
      segments.push({ id: 'g2', media: [{ label: 'main-audio', callerNetwork: { connectionType: 'wired', subnet: '10.9.0.0' }, calleeNetwork: { connectionType: 'wired' }, streams: [{ streamId: '5', streamDirection: 'callerToCallee' }] }] });
      const history = historyOf(record);
      assert.deepEqual(
        history.endpoints.map((endpoint) => [endpoint.name, endpoint.connection, endpoint.subnet]),
        [
          ['Olga', 'wifi-5GHz', '10.1.2.0'],
          ['Bob', 'wired', null],
          ['Olga', 'wired', '10.9.0.0'],
        ],
      );
      assert.deepEqual(history.streams.map((stream) => [stream.from, stream.to]), [[0, 1], [2, 1]]);
    });

    it('asks the building map only for endpoints with an address or subnet', () => {
      const asked: unknown[] = [];
      historyOf(oneStreamRecord({ connectionType: 'wired', ipAddress: '10.1.2.3' }), { place: (network) => (asked.push(network), null) });
      assert.deepEqual(asked, [{ subnet: null, ip: '10.1.2.3' }]);
    });

    it('takes the verdict from the report it is given', () => {
      const record = oneStreamRecord({ connectionType: 'wired' });
      const report: CallQualityReport = {
        callId: 'call-2',
        version: 4,
        profile: 'cqd',
        quality: 'poor',
        alert: true,
        streams: [{ sessionId: 's1', segmentId: 'g1', label: 'main-audio', kind: 'audio', streamId: '1', direction: 'callerToCallee', classification: 'poor', reasons: [{ metric: 'averageJitter', value: 45, threshold: 30, comparison: '>' }] }],
        feedback: [{ sessionId: 's1', userId: 'u-2', displayName: 'Bob', rating: 'bad', tokens: ['Echo', 'Noisy'], text: 'awful' }],
      };
      const history = callHistoryOf({ record, report, tenantId: 't-1', source: 'backfill' });
      assert.deepEqual([history.quality, history.alert, history.profile, history.version, history.source], ['poor', true, 'cqd', 4, 'backfill']);
      assert.deepEqual(history.streams, [{ kind: 'audio', direction: 'callerToCallee', classification: 'poor', reasons: [{ metric: 'averageJitter', value: 45, threshold: 30, comparison: '>' }], from: 0, to: 1 }]);
      assert.deepEqual(history.ratings, [{ userId: 'u-2', name: 'Bob', rating: 'bad', tokens: ['Echo', 'Noisy'] }]);
      assert.equal(history.startedAt, Date.UTC(2026, 2, 2, 9));
      assert.equal(history.endedAt, null);
    });
  });
});
