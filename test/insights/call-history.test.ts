import assert from 'node:assert/strict';
import { CallHistoryEncodingError, decodeCallHistory, encodeCallHistory, peopleOf, utcDay, type CallHistory } from '../../src/insights';

const CALL: CallHistory = {
  tenantId: 'dc368399-474c-4d40-900c-6265431fd81f',
  callId: 'e523d2ed-2966-4b6b-925b-754a88034cc5',
  version: 3,
  startedAt: Date.UTC(2026, 10, 30, 23, 50),
  endedAt: Date.UTC(2026, 11, 1, 0, 20),
  type: 'groupCall',
  organizer: { userId: 'AAAA-Organizer', upn: 'Olga@Contoso.com', name: 'Olga' },
  participantCount: 2,
  quality: 'poor',
  alert: true,
  profile: 'cqd',
  source: 'sweep',
  endpoints: [
    { userId: 'AAAA-Organizer', upn: 'Olga@Contoso.com', name: 'Olga', subnet: '10.1.2.0', ip: '10.1.2.3', connection: 'wifi-5GHz', relayed: false, platform: 'windows', product: 'teams', building: 'HQ', network: 'HQ Floor 2' },
    { userId: null, upn: null, name: null, subnet: null, ip: '52.114.1.1', connection: 'unknown', relayed: true, platform: null, product: null, building: null, network: null },
  ],
  streams: [
    { kind: 'audio', direction: 'callerToCallee', classification: 'poor', reasons: [{ metric: 'averageJitter', value: 45.5, threshold: 30, comparison: '>' }], from: 0, to: 1 },
    { kind: 'vbss', direction: null, classification: 'unclassified', reasons: [], from: -1, to: -1 },
  ],
  ratings: [{ userId: 'BBBB-Rater', name: 'Ray', rating: 'bad', tokens: ['Echo', 'NoSound'] }],
};

describe('call history summaries', () => {
  it('decodes exactly what was encoded (a call without failures reads back with none)', () => {
    assert.deepEqual(decodeCallHistory(encodeCallHistory(CALL)), { ...CALL, failures: [] });
  });

  it('keeps the failed sessions, stage and reason, and reads them back', () => {
    const failed: CallHistory = {
      ...CALL,
      failures: [
        { stage: 'callSetup', reason: 'MediaConnectivityFailure' },
        { stage: 'midcall', reason: null },
      ],
    };
    assert.deepEqual(decodeCallHistory(encodeCallHistory(failed)), failed);
  });

  it('writes a call without failures exactly as the 16 elements summaries had before failures were kept', () => {
    const encoded = JSON.parse(encodeCallHistory({ ...CALL, failures: [] })) as unknown[];
    assert.equal(encoded.length, 16);
    assert.equal(encodeCallHistory({ ...CALL, failures: [] }), encodeCallHistory(CALL));
  });

  it('writes encoding 1 exactly as rows already stored hold it: positional arrays in a fixed order, the failures last when any', () => {
    const expected =
      '[1,"dc368399-474c-4d40-900c-6265431fd81f","e523d2ed-2966-4b6b-925b-754a88034cc5",3,1796082600000,1796084400000,"groupCall",' +
      '["AAAA-Organizer","Olga@Contoso.com","Olga"],2,"poor",1,"cqd","sweep",' +
      '[["AAAA-Organizer","Olga@Contoso.com","Olga","10.1.2.0","10.1.2.3","wifi-5GHz",0,"windows","teams","HQ","HQ Floor 2"],' +
      '[null,null,null,null,"52.114.1.1","unknown",1,null,null,null,null]],' +
      '[["audio","callerToCallee","poor",[["averageJitter",45.5,30,">"]],0,1],["vbss",null,"unclassified",[],-1,-1]],' +
      '[["BBBB-Rater","Ray","bad",["Echo","NoSound"]]]';
    assert.equal(encodeCallHistory(CALL), `${expected}]`);
    assert.equal(encodeCallHistory({ ...CALL, failures: [{ stage: 'midcall', reason: null }] }), `${expected},[["midcall",null]]]`);
    assert.equal(
      encodeCallHistory({ ...CALL, endpoints: [], streams: [], ratings: [] }),
      '[1,"dc368399-474c-4d40-900c-6265431fd81f","e523d2ed-2966-4b6b-925b-754a88034cc5",3,1796082600000,1796084400000,"groupCall",["AAAA-Organizer","Olga@Contoso.com","Olga"],2,"poor",1,"cqd","sweep",[],[],[]]',
    );
  });

  it('reads a summary written before failures were kept as a call without failures', () => {
    // Encoding 1 as it was: 16 positional elements, the ratings last.
    const old = JSON.stringify([1, 't', 'c', 2, 1000, 2000, 'peerToPeer', [null, null, 'Olga'], 2, 'good', 0, 'cqd', 'notification', [], [], []]);
    const call = decodeCallHistory(old);
    assert.deepEqual(call.failures, []);
    assert.equal(call.callId, 'c');
    assert.equal(call.quality, 'good');
  });

  it('keeps a call of a few people well under 1 KB', () => {
    assert.ok(Buffer.byteLength(encodeCallHistory(CALL)) < 1024, `${Buffer.byteLength(encodeCallHistory(CALL))} bytes`);
  });

  it('refuses text that is not a summary, saying so', () => {
    assert.throws(() => decodeCallHistory('{"a":1}'), CallHistoryEncodingError);
    assert.throws(() => decodeCallHistory('not json'), /could not be read: it is not JSON/);
    assert.throws(() => decodeCallHistory('[2]'), /it is not encoding 1/);
  });

  it('indexes the organizer, every endpoint user and every rater by lower-cased id and UPN, once each', () => {
    assert.deepEqual(peopleOf(CALL).sort(), ['aaaa-organizer', 'bbbb-rater', 'olga@contoso.com']);
  });

  it('names UTC days', () => {
    assert.equal(utcDay(CALL.startedAt!), '2026-11-30');
    assert.equal(utcDay(CALL.endedAt!), '2026-12-01');
  });
});
