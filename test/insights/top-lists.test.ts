import assert from 'node:assert/strict';
import { aggregateDay, topListOf, TOP_MIN_CALLS, TOP_MIN_CLASSIFIED, TOP_ROWS } from '../../src/insights';
import { person, rankedSitesDay, soloCalls } from '../support/ranked-history';

describe('top lists', () => {
  it('uses a minimum sample of 3 calls and 10 classified streams', () => {
    assert.equal(TOP_MIN_CALLS, 3);
    assert.equal(TOP_MIN_CLASSIFIED, 10);
    assert.equal(TOP_ROWS, 10);
  });

  it('ranks by poor streams, then poor %, leaving out values under the minimum sample and those with nothing poor', () => {
    // See rankedSitesDay(): North and West tie on poor streams, West has the lower poor %; East and Tiny are under the sample.
    const day = aggregateDay('2026-03-02', rankedSitesDay());
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
    const top = topListOf(aggregateDay('2026-03-02', soloCalls(nora, 3, 4, 0)), 'people');
    assert.deepEqual(
      top.rows.map((row) => [row.value, row.label, row.poor]),
      [[nora.userId, 'Nora', 12]],
    );
  });

  it('has at most 10 rows, or fewer when asked', () => {
    const many = Array.from({ length: 12 }, (_, index) => soloCalls(person(`P${String(index).padStart(2, '0')}`, `Site ${String(index).padStart(2, '0')}`), 3, 1 + index, 4)).flat();
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
