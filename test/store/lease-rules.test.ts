import assert from 'node:assert/strict';
import { holdsLease, isClaimable, leased, released, type Leasable } from '../../src/store/lease-rules';

const NOW = 1_700_000_000_000;
const pending: Leasable = { state: 'pending', attempts: 0, nextAttemptAt: NOW, leaseToken: null, leaseUntil: null };

describe('lease rules', () => {
  it('makes a pending record claimable from its due time on', () => {
    assert.equal(isClaimable(pending, NOW), true);
    assert.equal(isClaimable(pending, NOW - 1), false);
    assert.equal(isClaimable({ ...pending, state: 'done' }, NOW), false);
    assert.equal(isClaimable({ ...pending, state: 'dead' }, NOW), false);
  });

  it('makes a leased record claimable again once its lease ran out', () => {
    const held = leased(pending, 'token-1', NOW, 60_000);
    assert.equal(isClaimable(held, NOW + 59_999), false);
    assert.equal(isClaimable(held, NOW + 60_000), true);
    assert.equal(isClaimable({ ...held, leaseUntil: null }, NOW + 60_000), false, 'a lease without an end is not taken over');
  });

  it('counts each claim as an attempt and lets only the current holder settle', () => {
    const first = leased(pending, 'token-1', NOW, 1_000);
    const second = leased(first, 'token-2', NOW + 1_000, 1_000);
    assert.deepEqual([second.state, second.attempts, second.leaseToken, second.leaseUntil], ['leased', 2, 'token-2', NOW + 2_000]);
    assert.equal(holdsLease(second, 'token-2'), true);
    assert.equal(holdsLease(second, 'token-1'), false);
    assert.equal(holdsLease(second, null), false);
    assert.equal(holdsLease({ ...released(second), state: 'done' }, 'token-2'), false);
  });

  it('keeps the fields of the engine when leasing and releasing', () => {
    const row = { ...pending, generation: 7 };
    assert.equal(leased(row, 't', NOW, 1).generation, 7);
    assert.deepEqual(released(leased(row, 't', NOW, 1)), { ...row, state: 'leased', attempts: 1 });
  });
});
