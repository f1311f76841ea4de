import assert from 'node:assert/strict';
import { completeWork, enqueueChange, killWork, leaseWork, newWorkRow, retryWork } from '../../src/store/inbox-rules';
import type { WorkRow } from '../../src/store/record-fields';
import type { EnqueueRequest } from '../../src/store';

const NOW = 1_700_000_000_000;
const request: EnqueueRequest = { tenantId: 't', callId: 'c', source: 'notification' };
const fresh = newWorkRow(request, NOW - 10_000);
const leasedRow = leaseWork(fresh, 'token', NOW - 5_000, 60_000);

describe('inbox rules', () => {
  describe('enqueue', () => {
    it('creates an unseen call pending and due now', () => {
      const change = enqueueChange(undefined, request, NOW, false);
      assert.equal(change.kind, 'create');
      assert.deepEqual(change.kind === 'create' && [change.row.state, change.row.nextAttemptAt, change.row.attempts, change.row.requeue], ['pending', NOW, 0, false]);
    });

    it('leaves a known call alone for the sweep (onlyIfUnseen)', () => {
      for (const row of [fresh, leasedRow, completeWork(leasedRow, NOW)]) assert.deepEqual(enqueueChange(row, request, NOW, true), { kind: 'unchanged' });
    });

    it('cuts the back-off of a pending call short, without counting it as new', () => {
      const waiting: WorkRow = { ...fresh, nextAttemptAt: NOW + 3_600_000 };
      const change = enqueueChange(waiting, request, NOW, false);
      assert.equal(change.kind === 'update' && change.row.nextAttemptAt, NOW);
      assert.equal(change.kind === 'update' && change.becameDue, false);
      assert.deepEqual(enqueueChange(fresh, request, NOW, false), { kind: 'unchanged' }, 'already due: nothing to write');
    });

    it('marks a leased call to be processed again after its lease, once', () => {
      const change = enqueueChange(leasedRow, request, NOW, false);
      assert.ok(change.kind === 'update');
      assert.deepEqual([change.row.state, change.row.requeue, change.row.leaseToken, change.becameDue], ['leased', true, 'token', false]);
      assert.deepEqual(enqueueChange(change.row, request, NOW, false), { kind: 'unchanged' });
    });

    it('revives a done or dead call with its attempts and error reset and the new source', () => {
      const dead = killWork(leasedRow, NOW - 1_000, 'gone');
      for (const row of [completeWork(leasedRow, NOW - 1_000), dead]) {
        const change = enqueueChange({ ...row, callEndedAt: NOW - 99 }, { ...request, source: 'backfill' }, NOW, false);
        assert.ok(change.kind === 'update');
        assert.equal(change.becameDue, true);
        const { state, source, attempts, nextAttemptAt, enqueuedAt, lastError, callEndedAt } = change.row;
        assert.deepEqual({ state, source, attempts, nextAttemptAt, enqueuedAt, lastError, callEndedAt }, { state: 'pending', source: 'backfill', attempts: 0, nextAttemptAt: NOW, enqueuedAt: NOW, lastError: null, callEndedAt: NOW - 99 });
      }
    });
  });

  describe('settling a lease', () => {
    it('completes as done, or as pending again with fresh attempts when a notification came meanwhile', () => {
      const done = completeWork({ ...leasedRow, lastError: 'earlier' }, NOW);
      assert.deepEqual([done.state, done.leaseToken, done.leaseUntil, done.lastError, done.attempts, done.updatedAt], ['done', null, null, null, 1, NOW]);
      const again = completeWork({ ...leasedRow, requeue: true }, NOW);
      assert.deepEqual([again.state, again.attempts, again.nextAttemptAt, again.requeue, again.leaseToken], ['pending', 0, NOW, false, null]);
    });

    it('retries at the given time, keeping the attempts, the error and a call end time once known', () => {
      const retried = retryWork(leasedRow, NOW, NOW + 60_000, 'Graph answered 404', NOW - 300_000);
      assert.deepEqual([retried.state, retried.nextAttemptAt, retried.attempts, retried.lastError, retried.callEndedAt, retried.leaseToken], ['pending', NOW + 60_000, 1, 'Graph answered 404', NOW - 300_000, null]);
      assert.equal(retryWork(retried, NOW, NOW, 'again').callEndedAt, NOW - 300_000, 'an unknown end time keeps the known one');
      assert.equal(retryWork({ ...leasedRow, requeue: true }, NOW, NOW + 1, 'x').requeue, false);
    });

    it('kills with the reason, or revives when a notification came while giving up', () => {
      const dead = killWork(leasedRow, NOW, 'record older than 30 days');
      assert.deepEqual([dead.state, dead.lastError, dead.leaseToken], ['dead', 'record older than 30 days', null]);
      const revived = killWork({ ...leasedRow, requeue: true }, NOW, 'record older than 30 days');
      assert.deepEqual([revived.state, revived.attempts, revived.nextAttemptAt, revived.lastError], ['pending', 0, NOW, 'record older than 30 days']);
    });

    it('leases with a timestamp and one more attempt', () => {
      const again = leaseWork(retryWork(leasedRow, NOW, NOW, 'x'), 'token-2', NOW + 1, 1_000);
      assert.deepEqual([again.state, again.attempts, again.leaseToken, again.leaseUntil, again.updatedAt], ['leased', 2, 'token-2', NOW + 1_001, NOW + 1]);
    });
  });
});
