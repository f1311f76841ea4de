import assert from 'node:assert/strict';
import { scoreCallRecord } from '../../src/quality';
import { callRecord, endpointWithFeedback, media, session } from './records';

const poorAudio = { streamId: 'poor-1', packetUtilization: 900, averageJitter: 'PT0.090S' };
const goodAudio = { streamId: 'good-1', packetUtilization: 900, averageJitter: 'PT0.010S' };

describe('session de-duplication', () => {
  it('judges a session that appears twice once, keeping the first', () => {
    const first = session('dup', [media('main-audio', [poorAudio, { ...poorAudio, streamId: 'poor-2' }])]);
    const second = session('dup', [media('main-audio', [goodAudio])]);
    const report = scoreCallRecord(callRecord([first, session('other', [media('main-audio', [goodAudio])]), second]));
    assert.deepEqual(
      report.streams.map((s) => [s.sessionId, s.streamId]),
      [
        ['dup', 'poor-1'],
        ['dup', 'poor-2'],
        ['other', 'good-1'],
      ],
    );
    assert.equal(report.quality, 'poor');

    const reversed = scoreCallRecord(callRecord([second, first]));
    assert.deepEqual(reversed.streams.map((s) => s.streamId), ['good-1']);
    assert.equal(reversed.quality, 'good');
  });

  it('does not report the feedback of the repeated copy', () => {
    const feedback = { rating: 'bad', tokens: { Echo: true } };
    const first = session('dup', [], { callee: endpointWithFeedback('u1', 'Ann', { rating: 'good' }) });
    const second = session('dup', [], { callee: endpointWithFeedback('u1', 'Ann', feedback) });
    const report = scoreCallRecord(callRecord([first, second]));
    assert.deepEqual(report.feedback.map((f) => f.rating), ['good']);
    assert.equal(report.alert, false);
  });

  it('copies segment ids, labels and directions as Graph spelled them', () => {
    const report = scoreCallRecord(
      callRecord([
        {
          id: 's1',
          segments: [
            { id: 'seg-A', media: [{ label: 'main-audio', streams: [{ ...goodAudio, streamId: '7', streamDirection: 'callerToCallee' }] }] },
            { media: [{ streams: [{ streamDirection: 'sideways' }] }] },
          ],
        },
      ]),
    );
    assert.deepEqual(
      report.streams.map((s) => [s.segmentId, s.label, s.direction]),
      [
        ['seg-A', 'main-audio', 'callerToCallee'],
        [null, null, 'sideways'],
      ],
    );
  });
});

describe('feedback', () => {
  it('reports each rating with the tokens that are true, by their own names, and the text', () => {
    const report = scoreCallRecord(
      callRecord([
        session('s1', [], {
          caller: endpointWithFeedback('u1', 'Ann', {
            rating: 'fair',
            text: 'I heard a hum',
            tokens: { NoSound: false, Echo: true, SomethingNobodyListed: true, DistortedSound: false, Noisy: true, Stopped: 'true', LowVolume: 1 },
          }),
          callee: endpointWithFeedback('u2', 'Bo', { rating: 'excellent' }),
        }),
      ]),
    );
    assert.deepEqual(report.feedback, [
      { sessionId: 's1', userId: 'u1', displayName: 'Ann', rating: 'fair', tokens: ['Echo', 'SomethingNobodyListed', 'Noisy'], text: 'I heard a hum' },
      { sessionId: 's1', userId: 'u2', displayName: 'Bo', rating: 'excellent', tokens: [], text: null },
    ]);
  });

  it('reports a rating once per user and session', () => {
    const ann = endpointWithFeedback('u1', 'Ann', { rating: 'poor', tokens: { Echo: true } });
    const report = scoreCallRecord(
      callRecord([session('s1', [], { caller: ann, callee: ann }), session('s2', [], { caller: ann })]),
    );
    assert.deepEqual(
      report.feedback.map((f) => [f.sessionId, f.userId]),
      [
        ['s1', 'u1'],
        ['s2', 'u1'],
      ],
    );
  });

  it('keeps both ends of a session when neither names a user, and each session without an id apart', () => {
    const anonymous = (rating: string) => ({ identity: { '@odata.type': '#microsoft.graph.identitySet' }, feedback: { rating } });
    const withoutId = (ends: Record<string, unknown>) => ({ segments: [], ...ends });
    const ann = endpointWithFeedback('u1', 'Ann', { rating: 'poor' });
    const report = scoreCallRecord(
      callRecord([session('s1', [], { caller: anonymous('bad'), callee: anonymous('good') }), withoutId({ caller: ann }), withoutId({ caller: ann, callee: ann })]),
    );
    assert.deepEqual(
      report.feedback.map((f) => [f.sessionId, f.userId, f.rating]),
      [
        ['s1', null, 'bad'],
        ['s1', null, 'good'],
        [null, 'u1', 'poor'],
        [null, 'u1', 'poor'],
      ],
    );
  });

  it('takes the user from the first identity with an id (user, associatedIdentity, then the others in order), else the first with a name', () => {
    const rated = (endpoint: Record<string, unknown>) => scoreCallRecord(callRecord([session('s1', [], { caller: { ...endpoint, feedback: { rating: 'fair' } } })])).feedback[0];
    const guestFirst = rated({
      identity: { '@odata.type': '#microsoft.graph.identitySet', user: { displayName: 'No id' }, guest: { id: 'g1', displayName: 'Guest' }, phone: { id: 'p1', displayName: 'Phone' } },
    });
    assert.deepEqual([guestFirst?.userId, guestFirst?.displayName], ['g1', 'Guest']);
    const associatedFirst = rated({ identity: { guest: { id: 'g1', displayName: 'Guest' } }, associatedIdentity: { id: 'a1', displayName: 'Associated' } });
    assert.deepEqual([associatedFirst?.userId, associatedFirst?.displayName], ['a1', 'Associated']);
    const namedOnly = rated({ identity: { user: { displayName: '' }, phone: { displayName: 'Phone' }, guest: { displayName: 'Guest' } }, associatedIdentity: { id: '' } });
    assert.deepEqual([namedOnly?.userId, namedOnly?.displayName], [null, 'Phone']);
  });

  it('reads the user from associatedIdentity when there is no identity.user (newer records)', () => {
    const report = scoreCallRecord(
      callRecord(
        [
          session('s1', [], {
            callee: {
              '@odata.type': '#microsoft.graph.callRecords.participantEndpoint',
              associatedIdentity: { id: 'u9', displayName: 'Cy', tenantId: 't1', userPrincipalName: 'cy@contoso.com' },
              identity: { '@odata.type': '#microsoft.graph.identitySet' },
              feedback: { rating: 'bad', tokens: { FrozenVideo: true } },
            },
          }),
        ],
        // organizer_v2 / participants_v2 instead of the deprecated organizer / participants.
        {
          organizer_v2: { id: 'u9', identity: { user: { id: 'u9', displayName: 'Cy' } } },
          participants_v2: [{ id: 'u9', identity: { user: { id: 'u9', displayName: 'Cy' } } }],
        },
      ),
    );
    assert.deepEqual(report.feedback, [
      { sessionId: 's1', userId: 'u9', displayName: 'Cy', rating: 'bad', tokens: ['FrozenVideo'], text: null },
    ]);
    assert.equal(report.alert, true);
  });

  it('keeps an unknown rating as Graph spelled it', () => {
    const report = scoreCallRecord(
      callRecord([session('s1', [], { callee: endpointWithFeedback('u1', 'Ann', { rating: 'unknownFutureValue' }) })]),
    );
    assert.equal(report.feedback[0]?.rating, 'unknownFutureValue');
    assert.equal(report.alert, false);
  });

  it('is empty when nobody rated the call', () => {
    const report = scoreCallRecord(callRecord([session('s1', [], { caller: { identity: { user: { id: 'u1' } } } })]));
    assert.deepEqual(report.feedback, []);
  });
});
