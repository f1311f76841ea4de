import assert from 'node:assert/strict';
import { aggregateDay, topListOf, TOP_MIN_CALLS, TOP_MIN_CLASSIFIED, TOP_ROWS, type CallHistory } from '../../src/insights';
import { client, soloCall } from '../support/history-calls';

function person(name: string, building: string) {
  return client({ userId: `${name.toLowerCase()}-0000-0000-0000-000000000000`, name }, { building });
}

/** `count` calls of `who` alone with the server, each with `poor` poor and `good` good audio streams. */
function calls(who: ReturnType<typeof person>, count: number, poor: number, good: number): CallHistory[] {
  return Array.from({ length: count }, (_, index) => soloCall(`${who.name}-${index}`, '2026-03-02T09:00:00Z', who, poor, good));
}

describe('top lists', () => {
  it('uses a minimum sample of 3 calls and 10 classified streams', () => {
    assert.equal(TOP_MIN_CALLS, 3);
    assert.equal(TOP_MIN_CLASSIFIED, 10);
    assert.equal(TOP_ROWS, 10);
  });

  it('ranks by poor streams, then poor %, leaving out values under the minimum sample and those with nothing poor', () => {
    const north = person('Nora', 'North'); // 3 calls × (2 poor, 2 good): 6 poor of 12, 50 %
    const west = person('Wes', 'West'); // 3 calls × (2 poor, 3 good): 6 poor of 15, 40 %
    const south = person('Sol', 'South'); // 4 calls × (1 poor, 2 good): 4 poor of 12
    const east = person('Eve', 'East'); // 1 call, 12 poor: too few calls
    const tiny = person('Tim', 'Tiny'); // 3 calls × (3 poor, 0 good): 9 classified, too few streams
    const central = person('Cy', 'Central'); // 5 calls, all good: nothing to rank
    const day = aggregateDay('2026-03-02', [
      ...calls(north, 3, 2, 2),
      ...calls(west, 3, 2, 3),
      ...calls(south, 4, 1, 2),
      ...calls(east, 1, 12, 0),
      ...calls(tiny, 3, 3, 0),
      ...calls(central, 5, 0, 4),
    ]);
    const top = topListOf(day, 'sites');
    assert.deepEqual(top, {
      dimension: 'sites',
      rows: [
        { value: 'North', label: 'North', poor: 6, classified: 12, calls: 3, poorPercent: 50 },
        { value: 'West', label: 'West', poor: 6, classified: 15, calls: 3, poorPercent: 40 },
        { value: 'South', label: 'South', poor: 4, classified: 12, calls: 4, poorPercent: (4 / 12) * 100 },
      ],
      belowSample: 2,
    });
  });

  it('shows people by name', () => {
    const nora = person('Nora', 'North');
    const top = topListOf(aggregateDay('2026-03-02', calls(nora, 3, 4, 0)), 'people');
    assert.deepEqual(
      top.rows.map((row) => [row.value, row.label, row.poor]),
      [[nora.userId, 'Nora', 12]],
    );
  });

  it('has at most 10 rows, or fewer when asked', () => {
    const many = Array.from({ length: 12 }, (_, index) => calls(person(`P${String(index).padStart(2, '0')}`, `Site ${String(index).padStart(2, '0')}`), 3, 1 + index, 4)).flat();
    const day = aggregateDay('2026-03-02', many);
    const top = topListOf(day, 'sites');
    assert.equal(top.rows.length, 10);
    // Site 11 had 12 poor streams a call: 36, the most.
    assert.equal(top.rows[0]!.label, 'Site 11');
    assert.equal(top.rows[0]!.poor, 36);
    assert.equal(top.rows[9]!.label, 'Site 02');
    assert.equal(topListOf(day, 'sites', 5).rows.length, 5);
  });
});
