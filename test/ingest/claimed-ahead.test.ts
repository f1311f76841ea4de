import assert from 'node:assert/strict';
import { ClaimedAhead } from '../../src/ingest/claimed-ahead';
import type { ClaimedItem } from '../../src/store';

const LEASE_MS = 60_000;
const NOW = 1_000_000;

function item(callId: string, leaseUntil: number | null = NOW + LEASE_MS): ClaimedItem {
  return { tenantId: 't', callId, source: 'notification', state: 'leased', attempts: 1, nextAttemptAt: NOW, leaseToken: 'x', leaseUntil, enqueuedAt: NOW, updatedAt: NOW, lastError: null, callEndedAt: null };
}

describe('ClaimedAhead: items leased before a slot was free', () => {
  it('starts the free slots\' worth of a claim and keeps the rest, oldest first, within its limit', () => {
    const ahead = new ClaimedAhead(2, LEASE_MS);
    assert.equal(ahead.room, 2);
    const start = ahead.keep([item('a'), item('b'), item('c')], 1);
    assert.deepEqual(start.map((started) => started.callId), ['a']);
    assert.equal(ahead.size, 2);
    assert.equal(ahead.room, 0, 'full: a claim asks only for the free slots');
    assert.deepEqual(ahead.take(1, NOW).map((taken) => taken.callId), ['b']);
    assert.deepEqual(ahead.take(5, NOW).map((taken) => taken.callId), ['c']);
    assert.equal(ahead.size, 0);
  });

  it('lets go of an item whose lease is more than half spent (its message brings it back), and never of one without an end', () => {
    const ahead = new ClaimedAhead(4, LEASE_MS);
    ahead.keep([item('stale', NOW + LEASE_MS / 2 - 1), item('fresh'), item('no end', null)], 0);
    assert.deepEqual(ahead.take(4, NOW).map((taken) => taken.callId), ['fresh', 'no end']);
    assert.equal(ahead.size, 0);
  });

  it('with a limit of 0 keeps nothing: every claimed item starts', () => {
    const ahead = new ClaimedAhead(0, LEASE_MS);
    assert.equal(ahead.room, 0);
    assert.equal(ahead.keep([item('a'), item('b')], 2).length, 2);
    assert.equal(ahead.size, 0);
  });
});
