import assert from 'node:assert/strict';
import { callFailuresOf, formatReportText, MAX_FAILURE_REASON_LENGTH, scoreCallRecord, uniqueSessions, type JsonObject } from '../../src/quality';
import { callRecord, media, session } from './records';

const ANN = { identity: { user: { id: 'ann-id', displayName: 'Ann Arbor' } } };
const BOB = { identity: { user: { id: 'bob-id', displayName: 'Bob Brown' } } };
/** The meeting's media server, as Graph types a service endpoint. */
const SERVER = { '@odata.type': '#microsoft.graph.callRecords.serviceEndpoint', userAgent: { '@odata.type': '#microsoft.graph.callRecords.serviceUserAgent', role: 'skypeForBusinessAudioVideoMcu' } };
const goodAudio = { streamId: 'a1', packetUtilization: 900, averageJitter: 'PT0.010S' };

/** A session between Ann and Bob that failed with `failureInfo`. */
function failedSession(id: string, failureInfo: unknown, extra: JsonObject = {}): JsonObject {
  return session(id, [media('main-audio', [goodAudio])], { caller: ANN, callee: BOB, failureInfo, ...extra });
}

const failuresOf = (sessions: unknown[]) => callFailuresOf(uniqueSessions(callRecord(sessions)));

describe('call failures (failureInfo)', () => {
  it('reads every documented stage with its reason, session and both ends, in record order', () => {
    const stages = ['callSetup', 'midcall', 'unknown', 'unknownFutureValue'];
    const failures = failuresOf(stages.map((stage, index) => failedSession(`s${index}`, { stage, reason: `${stage} because` })));
    assert.deepEqual(failures, [
      { sessionId: 's0', stage: 'callSetup', reason: 'callSetup because', caller: { id: 'ann-id', displayName: 'Ann Arbor', service: false }, callee: { id: 'bob-id', displayName: 'Bob Brown', service: false } },
      { sessionId: 's1', stage: 'midcall', reason: 'midcall because', caller: { id: 'ann-id', displayName: 'Ann Arbor', service: false }, callee: { id: 'bob-id', displayName: 'Bob Brown', service: false } },
      { sessionId: 's2', stage: 'unknown', reason: 'unknown because', caller: { id: 'ann-id', displayName: 'Ann Arbor', service: false }, callee: { id: 'bob-id', displayName: 'Bob Brown', service: false } },
      { sessionId: 's3', stage: 'unknownFutureValue', reason: 'unknownFutureValue because', caller: { id: 'ann-id', displayName: 'Ann Arbor', service: false }, callee: { id: 'bob-id', displayName: 'Bob Brown', service: false } },
    ]);
  });

  it('lists nothing for sessions without failureInfo, or with a failureInfo that is not an object', () => {
    assert.deepEqual(failuresOf([session('ok', [media('main-audio', [goodAudio])]), failedSession('null', null), failedSession('text', 'failed')]), []);
  });

  it('reads a stage Graph adds later as spelled, and a missing one as unknown; a missing reason as null', () => {
    const failures = failuresOf([failedSession('new', { stage: 'callTransfer' }), failedSession('bare', {}), failedSession('blank', { stage: '  ', reason: ' ' })]);
    assert.deepEqual(
      failures.map((failure) => [failure.stage, failure.reason]),
      [
        ['callTransfer', null],
        ['unknown', null],
        ['unknown', null],
      ],
    );
  });

  it('takes a segment\'s failureInfo when the session has none yet (Graph propagates it up)', () => {
    const fromSegment: JsonObject = {
      id: 'seg-only',
      caller: ANN,
      callee: BOB,
      segments: [{ id: 'g1', media: [] }, { id: 'g2', failureInfo: { stage: 'midcall', reason: 'from the segment' } }],
    };
    assert.deepEqual(failuresOf([fromSegment]).map((failure) => [failure.sessionId, failure.stage, failure.reason]), [['seg-only', 'midcall', 'from the segment']]);
    // The session's own failureInfo wins over its segments'.
    const both = { ...fromSegment, id: 'both', failureInfo: { stage: 'callSetup', reason: 'from the session' } };
    assert.deepEqual(failuresOf([both]).map((failure) => [failure.stage, failure.reason]), [['callSetup', 'from the session']]);
  });

  it('names a service end as a service and an end without identity as nobody', () => {
    const [failure] = failuresOf([failedSession('svc', { stage: 'midcall', reason: 'r' }, { callee: SERVER, caller: {} })]);
    assert.deepEqual(failure!.caller, { id: null, displayName: null, service: false });
    assert.deepEqual(failure!.callee, { id: null, displayName: null, service: true });
  });

  it('keeps a reason on one line and cuts a long one at the limit with an ellipsis', () => {
    const [multiline] = failuresOf([failedSession('ml', { stage: 'midcall', reason: 'Line one\r\n\tline two\u0000 end' })]);
    assert.equal(multiline!.reason, 'Line one line two end');
    const [long] = failuresOf([failedSession('long', { stage: 'midcall', reason: 'x'.repeat(5_000) })]);
    assert.equal(MAX_FAILURE_REASON_LENGTH, 200);
    assert.equal(long!.reason, `${'x'.repeat(199)}…`);
  });

  it('counts a session repeated on another page once', () => {
    const repeated = failedSession('dup', { stage: 'midcall', reason: 'r' });
    assert.equal(failuresOf([repeated, { ...repeated }]).length, 1);
  });
});

describe('the report with failures', () => {
  const record = callRecord([failedSession('s1', { stage: 'callSetup', reason: 'Network unreachable' })]);
  const report = scoreCallRecord(record);

  it('lists them in `failures` without changing `alert` (a good call that failed does not alert by itself)', () => {
    assert.equal(report.quality, 'good');
    assert.equal(report.alert, false);
    assert.deepEqual(report.failures?.map((failure) => [failure.sessionId, failure.stage, failure.reason]), [['s1', 'callSetup', 'Network unreachable']]);
    assert.deepEqual(scoreCallRecord(callRecord([session('s1', [media('main-audio', [goodAudio])])])).failures, []);
  });

  it('says so in the text summary, with both ends', () => {
    assert.match(formatReportText(report), /^Failure: session s1 \(Ann Arbor → Bob Brown\) at stage callSetup: Network unreachable$/m);
  });
});
