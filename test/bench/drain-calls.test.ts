import assert from 'node:assert/strict';
import { drainCallAlerts, drainCallId, drainCallIdsIn, drainCallIndex, drainCallRecords, drainTenants } from '../../bench/drain-calls';

describe('the drain benchmark calls', () => {
  const tenants = drainTenants(4);
  const records = drainCallRecords(40, tenants, 3) as Array<Record<string, any>>;

  it('spreads the calls round-robin over the tenants and, per tenant, over its organizers', () => {
    // Call 9: tenant 9 % 4 = 1, its third call in that tenant (9 / 4 = 2), organizer 2 % 3 = 2.
    assert.equal(records[9]!.organizer.user.tenantId, tenants[1]);
    assert.equal(records[9]!.organizer.user.id, '0a0a0a0a-0000-4000-8000-000100000002');
    // Call 13: tenant 1 again, 13 / 4 = 3, organizer 3 % 3 = 0.
    assert.equal(records[13]!.organizer.user.id, '0a0a0a0a-0000-4000-8000-000100000000');
    assert.equal(new Set(records.map((record) => record.id)).size, 40);
  });

  it('lets every fifth call alert (a poor rating), spread over all four tenants, and no other', () => {
    const rated = records.map((record) => record.sessions[0].callee.feedback?.rating);
    assert.deepEqual(
      rated.map((rating, index) => [index, rating]).filter(([, rating]) => rating !== undefined),
      [0, 5, 10, 15, 20, 25, 30, 35].map((index) => [index, 'poor']),
    );
    assert.deepEqual(records.map((_, index) => drainCallAlerts(index)), rated.map((rating) => rating === 'poor'));
    // 0, 5, 10, 15 are in tenants 0, 1, 2, 3.
    assert.deepEqual([0, 5, 10, 15].map((index) => records[index]!.organizer.user.tenantId), tenants);
  });

  it('starts every call three days ago, outside the first sweep’s day of look-back', () => {
    const age = Date.now() - Date.parse(records[0]!.startDateTime);
    assert.ok(age > 2.9 * 24 * 3_600_000 && age < 3.1 * 24 * 3_600_000, `${age} ms`);
  });

  it('finds call ids in a card and reads their index back', () => {
    const text = JSON.stringify({ a: drainCallId(7), b: [drainCallId(12), drainCallId(7)], c: 'dddddddd-0000-4000-8000-12' });
    assert.deepEqual(drainCallIdsIn(text), ['dddddddd-0000-4000-8000-000000000007', 'dddddddd-0000-4000-8000-000000000012']);
    assert.equal(drainCallIndex('dddddddd-0000-4000-8000-000000000012'), 12);
    assert.equal(drainCallIndex('something else'), undefined);
  });
});
