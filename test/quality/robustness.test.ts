import assert from 'node:assert/strict';
import { resolveScoringOptions, scoreCallRecord, type JsonObject } from '../../src/quality';
import { loadFixture } from '../support/graph-fixtures';
import { callRecord, endpointWithFeedback, media, session } from './records';
import { assertReportShape } from './report-shape';
import { seededRandom } from '../support/seeded-random';

const poorAudio = { streamId: 'a1', streamDirection: 'callerToCallee', packetUtilization: 900, averageJitter: 'PT0.090S' };

describe('robustness', () => {
  it('scores things that are not objects as an empty, unclassified report', () => {
    for (const value of [null, undefined, 42, 'call', true, [], [{ sessions: [] }]]) {
      const report = scoreCallRecord(value);
      assertReportShape(report);
      assert.equal(report.quality, 'unclassified', JSON.stringify(value));
      assert.deepEqual(report.streams, []);
      assert.equal(report.callId, null);
    }
  });

  it('scores a record with no sessions, null sessions or sessions that are not a list', () => {
    for (const sessions of [undefined, null, [], 'none', {}, 5]) {
      const record: JsonObject = { id: 'c1', version: 2 };
      if (sessions !== undefined) record.sessions = sessions;
      const report = scoreCallRecord(record);
      assertReportShape(report);
      assert.deepEqual(report.streams, [], JSON.stringify(sessions));
      assert.equal(report.quality, 'unclassified');
      assert.equal(report.alert, false);
    }
  });

  it('passes over nulls at every level and still judges what is there', () => {
    const record = callRecord([
      null,
      { id: 'null-segments', segments: null },
      { id: 'null-segment', segments: [null, 'x', 3] },
      { id: 'null-media', segments: [{ id: 'g', media: null }] },
      { id: 'null-media-item', segments: [{ id: 'g', media: [null, []] }] },
      { id: 'null-streams', segments: [{ id: 'g', media: [{ label: 'main-audio', streams: null }] }] },
      { id: 'null-stream-items', segments: [{ id: 'g', media: [{ label: 'main-audio', streams: [null, 7, 'x', []] }] }] },
      { id: 'null-label', modalities: ['audio', 'video'], segments: [{ id: 'g', media: [{ label: null, streams: [{ ...poorAudio, streamId: 'n1' }] }] }] },
      {
        id: 'null-everything',
        modalities: null,
        caller: null,
        callee: { identity: null, feedback: { rating: null, tokens: null, text: null } },
        segments: [{ id: null, media: [{ label: 'main-audio', streams: [{ streamId: null, streamDirection: null, packetUtilization: null }] }] }],
      },
      session('good', [media('main-audio', [poorAudio])]),
    ]);
    const report = scoreCallRecord(record);
    assertReportShape(report);
    assert.deepEqual(
      report.streams.map((s) => [s.sessionId, s.kind, s.classification]),
      [
        ['null-label', null, 'unclassified'],
        ['null-everything', 'audio', 'unclassified'],
        ['good', 'audio', 'poor'],
      ],
    );
    assert.equal(report.quality, 'poor');
    assert.deepEqual(report.feedback, [{ sessionId: 'null-everything', userId: null, displayName: null, rating: null, tokens: [], text: null }]);
  });

  it('treats strings where numbers are expected, and numbers where strings are, as not reported', () => {
    const report = scoreCallRecord({
      id: 12,
      version: '3',
      sessions: [
        {
          id: 5,
          segments: [
            {
              id: {},
              media: [
                {
                  label: 'main-audio',
                  streams: [{ streamId: 99, streamDirection: 1, packetUtilization: '900', averageJitter: 'PT0.090S', averagePacketLossRate: '0.5' }],
                },
                { label: 'main-video', streams: [{ averageVideoFrameLossPercentage: '90', averageVideoFrameRate: '1', postForwardErrorCorrectionPacketLossRate: 0.01 }] },
              ],
            },
          ],
        },
      ],
    });
    assertReportShape(report);
    assert.equal(report.callId, null);
    assert.equal(report.version, null);
    assert.deepEqual(
      report.streams.map((s) => [s.sessionId, s.segmentId, s.streamId, s.direction, s.classification]),
      [
        [null, null, null, null, 'good'],
        [null, null, null, null, 'good'],
      ],
    );
  });

  it('accepts unknown enum values and unknown properties anywhere', () => {
    const plain = callRecord([
      session('s1', [media('main-audio', [poorAudio]), media('main-video', [{ averageVideoFrameRate: 30 }])], {
        callee: endpointWithFeedback('u1', 'Ann', { rating: 'bad' }),
      }),
    ]);
    const decorated = callRecord(
      [
        session(
          's1',
          [
            { label: 'main-audio', streams: [{ ...poorAudio, streamDirection: 'callerToCallee', somethingNew: { deep: [1, null] }, audioCodec: 'unknownFutureValue' }], mediaBlob: 'x' },
            { label: 'main-video', streams: [{ averageVideoFrameRate: 30, videoCodec: 'av2', newMetric: 0.9 }], futureField: null },
            { label: 'main-hologram', streams: [{ averageVideoFrameRate: 0.1 }] },
          ],
          {
            modalities: ['audio', 'video', 'unknownFutureValue'],
            callee: { ...endpointWithFeedback('u1', 'Ann', { rating: 'bad', tokens: { BrandNewToken: true } }), newEndpointField: 'x' },
            isTest: 'maybe',
          },
        ),
      ],
      { type: 'unknownFutureValue', futureTopLevel: { a: [1, 2, 3] } },
    );
    const expected = scoreCallRecord(plain);
    const report = scoreCallRecord(decorated);
    assertReportShape(report);
    assert.deepEqual(report.streams.slice(0, 2).map((s) => s.classification), expected.streams.map((s) => s.classification));
    assert.equal(report.streams[2]?.kind, null);
    assert.equal(report.quality, expected.quality);
    assert.equal(report.alert, expected.alert);
    assert.deepEqual(report.feedback[0]?.tokens, ['BrandNewToken']);
  });

  describe('randomly mutated records (seeded)', () => {
    const CASES = 400;
    const options = [resolveScoringOptions(), resolveScoringOptions({ profile: 'cqd-classic', alertRatings: ['fair'] })];

    it(`never throws and always returns the contract's shape (${CASES} cases)`, () => {
      const random = seededRandom(0x5eed2);
      const bases = [loadFixture('callrecord-v1-expanded-2024.json'), richRecord()];
      const seen = new Set<string>();
      for (let index = 0; index < CASES; index += 1) {
        const record = structuredClone(bases[index % bases.length]!) as JsonObject;
        const mutations = 1 + Math.floor(random() * 8);
        for (let m = 0; m < mutations; m += 1) mutate(record, random);
        const chosen = options[index % options.length]!;
        let report;
        try {
          report = scoreCallRecord(record, chosen);
        } catch (error) {
          assert.fail(`case ${index} threw ${String(error)} for ${JSON.stringify(record).slice(0, 400)}`);
        }
        assertReportShape(report, chosen.alertRatings);
        for (const stream of report.streams) seen.add(stream.classification);
        // Pure: the same record gives the same report.
        assert.deepEqual(scoreCallRecord(record, chosen), report, `case ${index} is not repeatable`);
      }
      // The mutations must leave enough intact for every verdict to occur, or the loop proves little.
      assert.deepEqual([...seen].sort(), ['good', 'poor', 'unclassified']);
    });
  });
});

/** A record with every kind of stream, feedback from both endpoints and a repeated session. */
function richRecord(): JsonObject {
  const audio = (id: string, jitter: string) => ({
    streamId: id,
    streamDirection: 'callerToCallee',
    packetUtilization: 700,
    averageJitter: jitter,
    averageRoundTripTime: 'PT0.080S',
    averagePacketLossRate: 0.02,
    averageAudioDegradation: 0.4,
    averageRatioOfConcealedSamples: 0.01,
  });
  const video = { streamId: 'v1', streamDirection: 'calleeToCaller', averageVideoFrameLossPercentage: 3, averageVideoFrameRate: 24, postForwardErrorCorrectionPacketLossRate: 0.01, videoCodec: 'h264' };
  const vbss = { streamId: 'sh1', streamDirection: 'callerToCallee', averageVideoFrameLossPercentage: 70, averageVideoFrameRate: 0.5, videoCodec: 'h264s' };
  const s1 = session(
    's1',
    [media('main-audio', [audio('a1', 'PT0.010S'), audio('a2', 'PT0.045S')]), media('main-video', [video]), media('applicationsharing-video', [vbss]), media('data', [{ streamId: 'd1' }])],
    {
      modalities: ['audio', 'video', 'videoBasedScreenSharing'],
      caller: endpointWithFeedback('u1', 'Ann', { rating: 'fair', tokens: { Echo: true, Noisy: false } }),
      callee: { associatedIdentity: { id: 'u2', displayName: 'Bo' }, feedback: { rating: 'bad', text: 'choppy' } },
    },
  );
  return callRecord([s1, session('s2', [media(undefined, [audio('a3', 'PT1M2.5S')])]), structuredClone(s1)], {
    '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#communications/callRecords(sessions(segments()))/$entity',
    modalities: ['audio', 'video', 'videoBasedScreenSharing'],
  });
}

const REPLACEMENTS: unknown[] = [
  null, true, false, 0, -1, 0.5, 501, 1e308, -1e308, '', 'x', 'PT', 'PT0.5S', 'PT1M2.5S', 'P1Y', '-PT1S', 'main-audio',
  'main-video3', 'applicationsharing-video', 'h264s', 'bad', 'poor', [], [null], [1, 'a'], {}, { unknownProperty: [null] },
  ['audio'], ['videoBasedScreenSharing'], { id: 'dup' },
];

type Container = JsonObject | unknown[];

/** Every object and array in the tree, so that a mutation can land anywhere. */
function containers(root: Container): Container[] {
  const found: Container[] = [];
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node !== null && typeof node === 'object') {
      found.push(node as Container);
      stack.push(...Object.values(node));
    }
  }
  return found;
}

/** Applies one random change: replace, delete, add an unknown property, or duplicate an element. */
function mutate(root: JsonObject, random: () => number): void {
  const all = containers(root);
  const target = all[Math.floor(random() * all.length)]!;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const replacement = structuredClone(pick(REPLACEMENTS));
  const operation = random();
  if (Array.isArray(target)) {
    const index = Math.floor(random() * target.length);
    if (target.length > 0 && operation < 0.5) target[index] = replacement;
    else if (target.length > 0 && operation < 0.7) target.push(structuredClone(target[index]));
    else if (target.length > 0 && operation < 0.85) target.splice(index, 1);
    else target.push(replacement);
    return;
  }
  const keys = Object.keys(target);
  if (keys.length > 0 && operation < 0.6) target[pick(keys)] = replacement;
  else if (keys.length > 0 && operation < 0.8) delete target[pick(keys)];
  else target[`unknown${Math.floor(random() * 1000)}`] = replacement;
}
