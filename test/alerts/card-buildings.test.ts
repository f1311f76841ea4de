import assert from 'node:assert/strict';
import { buildAlertCard, readCallSummary, summarizeCall, validateCard, type CallSummary } from '../../src/alerts';
import { scoreCallRecord, type JsonObject } from '../../src/quality';
import { parseBuildingFile } from '../../src/sites';
import { loadFixture } from '../support/graph-fixtures';
import { cardText } from './card-inspection';
import { CLASSIC } from './card-samples';

/** Abbie's media came from 10.150.0.2 (Wi-Fi), Owen's from 10.139.0.12 (wired): each in a building of this file. */
const MAP = parseBuildingFile(['10.150.0.0,Lab Wi-Fi,16,Remote Lab,,,,,,,,,1,0,0', '10.139.0.0,HQ LAN,16,HQ Building,,,,,,,,,1,0,0', '2001:db8:10::,HQ v6,48,HQ Building,,,,,,,,,1,0,0'].join('\n'));

/** The 2024 fixture with Abbie's Wi-Fi band (5 GHz) and other changes to her network. */
function recordWithAbbieOn(network: JsonObject): JsonObject {
  const record = structuredClone(loadFixture('callrecord-v1-expanded-2024.json'));
  const media = (((record.sessions as JsonObject[])[0]!.segments as JsonObject[])[0]!.media as JsonObject[])[0]!;
  media.callerNetwork = { ...(media.callerNetwork as JsonObject), ...network };
  return record;
}

function adminsCardText(record: JsonObject, summary: CallSummary): string {
  const card = buildAlertCard({ report: scoreCallRecord(record, CLASSIC), summary, audience: 'admins', tenantId: 'dc368399-474c-4d40-900c-6265431fd81f' });
  assert.deepEqual(validateCard(card).errors, []);
  return cardText(card);
}

describe('alert cards name the building (BUILDINGS_FILE)', () => {
  const record = recordWithAbbieOn({ wifiBand: 'frequency50GHz' });
  const summary = summarizeCall(record, { place: MAP.place });

  it('each stream end says its building and connection', () => {
    assert.deepEqual(
      summary.streams.map((stream) => [stream.from, stream.fromWhere, stream.to, stream.toWhere]),
      [
        ['Abbie Wilkins', 'Remote Lab, Wi-Fi 5 GHz', 'Owen Franklin', 'HQ Building, wired'],
        ['Owen Franklin', 'HQ Building, wired', 'Abbie Wilkins', 'Remote Lab, Wi-Fi 5 GHz'],
      ],
    );
  });

  it('the card’s poor stream and every stream lines name them', () => {
    const text = adminsCardText(record, summary);
    const line = 'Owen Franklin (HQ Building, wired) → Abbie Wilkins (Remote Lab, Wi-Fi 5 GHz)';
    assert.equal(text.split('\n').filter((row) => row === line).length, 2, `the poor row and the detail row:\n${text}`);
    assert.ok(text.includes('Abbie Wilkins (Remote Lab, Wi-Fi 5 GHz) → Owen Franklin (HQ Building, wired)'), text);
  });

  it('the hints name the building, and the connection unless the hint is about it', () => {
    const hints = summary.hints.map((hint) => hint.text);
    assert.ok(hints.includes('Abbie Wilkins (Remote Lab) was on Wi-Fi (5 GHz); Wi-Fi often loses and delays packets, a wired connection avoids that.'), hints.join('\n'));
    assert.ok(hints.includes('Owen Franklin (HQ Building, wired)’s network degraded the audio they sent for 31 % of the call.'), hints.join('\n'));
    assert.ok(hints.includes('Abbie Wilkins (Remote Lab, Wi-Fi 5 GHz)’s speaker was muted for 100 % of the call.'), hints.join('\n'));
    const text = adminsCardText(record, summary);
    assert.ok(text.includes('Abbie Wilkins (Remote Lab) was on Wi-Fi (5 GHz)'), text);
  });

  it('is kept with the stored summary', () => {
    assert.deepEqual(readCallSummary(JSON.parse(JSON.stringify(summary))), summary);
  });

  it('an end outside every range, or without a building file, reads as before', () => {
    const outside = summarizeCall(recordWithAbbieOn({ ipAddress: '192.0.2.5', subnet: '192.0.2.0' }), { place: MAP.place });
    assert.deepEqual(outside.streams.map((stream) => [stream.fromWhere, stream.toWhere]), [[null, 'HQ Building, wired'], ['HQ Building, wired', null]]);
    assert.ok(adminsCardText(record, outside).split('\n').includes('Owen Franklin (HQ Building, wired) → Abbie Wilkins'));
    const plain = summarizeCall(record);
    assert.deepEqual(plain.streams.map((stream) => [stream.fromWhere, stream.toWhere]), [[null, null], [null, null]]);
    assert.ok(adminsCardText(record, plain).split('\n').includes('Owen Franklin → Abbie Wilkins'));
    assert.ok(plain.hints.some((hint) => hint.text.startsWith('Abbie Wilkins was on Wi-Fi (5 GHz)')));
  });

  it('says the Wi-Fi band and other connections in words, and the building alone when Graph gives no connection', () => {
    const cases: Array<[JsonObject, string]> = [
      [{ connectionType: 'wifi', wifiBand: 'frequency24GHz' }, 'Remote Lab, Wi-Fi 2.4 GHz'],
      [{ connectionType: 'wifi', wifiBand: 'frequency60GHz' }, 'Remote Lab, Wi-Fi 6 GHz'],
      [{ connectionType: 'wifi', wifiBand: 'unknown' }, 'Remote Lab, Wi-Fi'],
      [{ connectionType: 'mobile' }, 'Remote Lab, mobile data'],
      [{ connectionType: 'tunnel' }, 'Remote Lab, VPN'],
      [{ connectionType: 'unknown' }, 'Remote Lab'],
      [{ connectionType: 'wired', ipAddress: '2001:db8:10::9', subnet: null }, 'HQ Building, wired'],
    ];
    for (const [network, words] of cases) {
      const [first] = summarizeCall(recordWithAbbieOn(network), { place: MAP.place }).streams;
      assert.equal(first?.fromWhere, words, JSON.stringify(network));
    }
  });
});
