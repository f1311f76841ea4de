import assert from 'node:assert/strict';
import { buildTopCard, validateCard } from '../../src/alerts';
import { aggregateDay, topListOf } from '../../src/insights';
import { rankedSitesDay } from '../support/ranked-history';
import { cardText, elementsOfType, tableRows } from './card-inspection';
import { sampleTopCard } from './insight-card-samples';

describe('the top card', () => {
  // rankedSitesDay(), worked out by hand in test/insights/top-lists.test.ts.
  const ranking = topListOf(aggregateDay('2026-03-02', rankedSitesDay()), 'sites');
  const card = buildTopCard({ list: 'sites', days: 7, from: '2026-02-24', to: '2026-03-02', rankings: [ranking] });

  it('is valid and says how it ranks, with the minimum sample', () => {
    assert.deepEqual(validateCard(card).errors, []);
    const text = cardText(card);
    assert.match(text, /Sites with the most poor streams\nLast 7 days: 24 Feb – 2 Mar 2026 \(UTC days\)/);
    assert.match(text, /at least 3 calls and 10 classified streams are ranked/);
    assert.match(text, /2 more sites had poor streams in fewer calls or streams \(not ranked\)\./);
  });

  it('draws poor streams per site as a Chart.HorizontalBar, with text bars of the same numbers as its fallback', () => {
    const [bars] = elementsOfType(card, 'Chart.HorizontalBar');
    assert.deepEqual(bars!.data, [
      { x: 'North', y: 6 },
      { x: 'West', y: 6 },
      { x: 'South', y: 4 },
    ]);
    // 16 characters for the most; South's 4 of 6 is 10.7, drawn as 11.
    assert.deepEqual(tableRows(bars!.fallback as Record<string, unknown>), [
      ['Site', 'Poor streams'],
      ['North', `${'█'.repeat(16)} 6`],
      ['West', `${'█'.repeat(16)} 6`],
      ['South', `${'█'.repeat(11)} 4`],
    ]);
  });

  it('tables poor streams of classified, poor % and calls', () => {
    const table = elementsOfType(card, 'Table').find((element) => tableRows(element)[0]![0] === '#');
    assert.deepEqual(tableRows(table!), [
      ['#', 'Site', 'Poor streams', 'Poor %', 'Calls'],
      ['1', 'North', '6 of 12', '50.0 %', '3'],
      ['2', 'West', '6 of 15', '40.0 %', '3'],
      ['3', 'South', '4 of 12', '33.3 %', '4'],
    ]);
  });

  it('says there is nothing to rank rather than drawing an empty chart', () => {
    const empty = buildTopCard({ list: 'people', days: 30, from: '2026-02-01', to: '2026-03-02', rankings: [{ dimension: 'people', rows: [], belowSample: 1 }] });
    assert.deepEqual(validateCard(empty).errors, []);
    assert.deepEqual(elementsOfType(empty, 'Chart.HorizontalBar'), []);
    assert.match(cardText(empty), /Nothing to rank: no person had poor streams in at least 3 calls and 10 classified streams\. 1 more person had poor streams/);
  });

  it('ranks networks by subnet and by connection type, connection types in words', () => {
    const networks = sampleTopCard('networks', 30);
    assert.deepEqual(validateCard(networks).errors, []);
    assert.equal(elementsOfType(networks, 'Chart.HorizontalBar').length, 2);
    assert.match(cardText(networks), /By subnets[\s\S]*By connection types/);
    const [, connections] = elementsOfType(networks, 'Chart.HorizontalBar');
    // The generated history has wired, 2.4 and 5 GHz Wi-Fi, Wi-Fi of unknown band and mobile data (test/support/history-generator.ts).
    assert.deepEqual((connections!.data as { x: string }[]).map((bar) => bar.x).sort(), ['Mobile data', 'Wi-Fi (band unknown)', 'Wi-Fi 2.4 GHz', 'Wi-Fi 5 GHz', 'Wired']);
  });
});
