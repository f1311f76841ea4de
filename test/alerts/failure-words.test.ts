import assert from 'node:assert/strict';
import { failureClause, failureMarker, failureSentence, failureTitle, stageWords, SERVICE_ENDPOINT_NAME } from '../../src/alerts';
import type { CallFailure, FailureParty } from '../../src/quality';

const ANN: FailureParty = { id: 'ann-id', displayName: 'Ann Arbor', service: false };
const SERVER: FailureParty = { id: null, displayName: null, service: true };
const NOBODY: FailureParty = { id: null, displayName: null, service: false };

function failure(stage: string, reason: string | null = 'Unexpected', caller = ANN, callee = SERVER): CallFailure {
  return { sessionId: 's1', stage, reason, caller, callee };
}

describe('failure words', () => {
  it('says what happened at every documented stage, and at a stage Graph does not name', () => {
    assert.equal(stageWords('callSetup'), 'could not be set up');
    assert.equal(stageWords('midcall'), 'dropped during the call');
    for (const stage of ['unknown', 'unknownFutureValue', 'callTransfer', 'constructor', 'toString']) assert.equal(stageWords(stage), 'failed, at a stage Graph does not name');
  });

  it('puts one failure in a sentence with both ends and Graph\'s reason as Graph wrote it', () => {
    assert.equal(
      failureSentence(failure('callSetup', 'MediaConnectivityFailure')),
      `The session between Ann Arbor and ${SERVICE_ENDPOINT_NAME} could not be set up. Graph's reason: “MediaConnectivityFailure”.`,
    );
    assert.equal(failureSentence(failure('midcall', null, NOBODY, NOBODY)), 'The session between someone and someone else dropped during the call. Graph gave no reason.');
    assert.equal(
      failureSentence(failure('unknownFutureValue', 'x')),
      `The session between Ann Arbor and ${SERVICE_ENDPOINT_NAME} failed, at a stage Graph does not name. Graph's reason: “x”.`,
    );
  });

  it('cuts a very long name so one person cannot fill the card', () => {
    const long: FailureParty = { id: null, displayName: 'N'.repeat(500), service: false };
    assert.match(failureSentence(failure('midcall', 'r', long)), new RegExp(`^The session between ${'N'.repeat(59)}… and `));
  });

  it('titles the card by the stage all failures share, "Call failures" when they differ', () => {
    assert.equal(failureTitle([failure('callSetup')]), 'Call could not be set up');
    assert.equal(failureTitle([failure('midcall'), failure('midcall')]), 'Call dropped');
    assert.equal(failureTitle([failure('unknown')]), 'Call failed');
    assert.equal(failureTitle([failure('unknown'), failure('unknownFutureValue')]), 'Call failed', 'both are a stage Graph does not name');
    assert.equal(failureTitle([failure('callSetup'), failure('midcall')]), 'Call failures');
    assert.equal(failureTitle([failure('constructor'), failure('unknown')]), 'Call failed', 'a stage that is a property name of every object is still unknown');
  });

  it('gives the verdict a clause without names', () => {
    assert.equal(failureClause([failure('midcall')]), 'A session dropped during the call');
    assert.equal(
      failureClause([failure('callSetup'), failure('midcall'), failure('callSetup')]),
      '3 sessions failed (2 could not be set up, 1 dropped during the call)',
    );
  });

  it('gives a list row a short marker, none without failures', () => {
    assert.equal(failureMarker([]), null);
    assert.equal(failureMarker([failure('midcall')]), 'dropped');
    assert.equal(failureMarker([failure('callSetup')]), 'set-up failure');
    assert.equal(failureMarker([failure('callSetup'), failure('callSetup'), failure('midcall'), failure('midcall'), failure('unknown')]), '2 set-up failures, 2 drops, failed');
    assert.equal(failureMarker([failure('unknown'), failure('unknownFutureValue')]), '2 failures');
  });
});
