import assert from 'node:assert/strict';
import { buildTrendsCard, validateCard, withChartFallbacks, type AdaptiveCardDocument } from '../../src/alerts';
import { trendsOf } from '../../src/insights';
import { aggregatesOf } from '../support/history-generator';
import { twoWeeks } from '../support/history-calls';
import { cardText, elementsOfType, tableRows } from './card-inspection';
import { sampleTrendsCard } from './insight-card-samples';

describe('the trends card', () => {
  // twoWeeks(), worked out by hand in test/insights/trends.test.ts: 2026-03-02 … 03-08 against the week before.
  const aggregates = aggregatesOf(twoWeeks(), '2026-03-08', 14);
  const card = buildTrendsCard(trendsOf(aggregates.slice(7), aggregates.slice(0, 7)));

  it('is valid, and says which days it covers', () => {
    assert.deepEqual(validateCard(card).errors, []);
    assert.match(cardText(card), /Call quality, last 7 days\n2 Mar – 8 Mar 2026 \(UTC days\), against the 7 days before/);
  });

  it('shows the period against the one before: poor % per kind in points, counts in %', () => {
    const [figures] = elementsOfType(card, 'Table');
    assert.deepEqual(tableRows(figures!), [
      ['Measure', 'This period', 'Before', 'Change'],
      // Audio 3 of 8 against 1 of 6: 37.5 % − 16.67 % = 20.83 points.
      ['Audio poor %', '37.5 %', '16.7 %', '+20.8 pts'],
      ['Video poor %', '66.7 %', '—', '—'],
      ['Screen sharing poor %', '100.0 %', '—', '—'],
      ['Calls', '4', '2', '+100 %'],
      // B, C and D against F.
      ['Failed calls', '3', '1', '+200 %'],
      ['Bad ratings', '3', '1', '+200 %'],
    ]);
  });

  it('draws the daily poor % per kind as a Chart.Line over ISO days, leaving out days with nothing classified', () => {
    const [line] = elementsOfType(card, 'Chart.Line');
    assert.deepEqual(line!.data, [
      { legend: 'Audio', color: 'categoricalBlue', values: [{ x: '2026-03-02', y: 50 }, { x: '2026-03-05', y: 0 }] },
      { legend: 'Video', color: 'categoricalPurple', values: [{ x: '2026-03-02', y: 50 }, { x: '2026-03-05', y: 100 }] },
      { legend: 'Screen sharing', color: 'categoricalTeal', values: [{ x: '2026-03-02', y: 100 }] },
    ]);
    assert.deepEqual(tableRows(line!.fallback as Record<string, unknown>), [
      ['Day', 'Audio', 'Video', 'Screen sharing'],
      ['2 Mar', '50.0 %', '50.0 %', '100.0 %'],
      ['3 Mar', '—', '—', '—'],
      ['4 Mar', '—', '—', '—'],
      ['5 Mar', '0.0 %', '100.0 %', '—'],
      ['6 Mar', '—', '—', '—'],
      ['7 Mar', '—', '—', '—'],
      ['8 Mar', '—', '—', '—'],
    ]);
  });

  it('draws calls, failed calls and bad ratings per day, with the same numbers in its fallback', () => {
    const [, counts] = elementsOfType(card, 'Chart.Line');
    const days = ['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06', '2026-03-07', '2026-03-08'];
    assert.deepEqual(counts!.data, [
      { legend: 'Calls', color: 'categoricalBlue', values: [3, 0, 0, 1, 0, 0, 0].map((y, index) => ({ x: days[index], y })) },
      // B and C on 2 Mar, D on 5 Mar.
      { legend: 'Failed calls', color: 'categoricalMarigold', values: [2, 0, 0, 1, 0, 0, 0].map((y, index) => ({ x: days[index], y })) },
      { legend: 'Bad ratings', color: 'categoricalRed', values: [2, 0, 0, 1, 0, 0, 0].map((y, index) => ({ x: days[index], y })) },
    ]);
    assert.deepEqual(tableRows(counts!.fallback as Record<string, unknown>).slice(0, 5), [
      ['Day', 'Calls', 'Failed calls', 'Bad ratings'],
      ['2 Mar', '3', '2', '2'],
      ['3 Mar', '0', '0', '0'],
      ['4 Mar', '0', '0', '0'],
      ['5 Mar', '1', '1', '1'],
    ]);
  });

  it('says so instead of drawing empty charts when nothing was scored', () => {
    const quiet = aggregatesOf([], '2026-03-08', 14);
    const empty = buildTrendsCard(trendsOf(quiet.slice(7), quiet.slice(0, 7)));
    assert.deepEqual(validateCard(empty).errors, []);
    assert.deepEqual(elementsOfType(empty, 'Chart.Line'), []);
    assert.match(cardText(empty), /No stream was classified in this period\./);
  });

  it('stays under the size limit over 90 days, charts and fallback tables included', () => {
    const ninety: AdaptiveCardDocument = sampleTrendsCard(90);
    const result = validateCard(ninety);
    assert.deepEqual(result.errors, []);
    const [line] = elementsOfType(ninety, 'Chart.Line');
    assert.equal(tableRows(line!.fallback as Record<string, unknown>).length, 91, 'a header and 90 days');
    // An older client draws the tables instead of the charts.
    assert.equal(elementsOfType(withChartFallbacks(ninety) as AdaptiveCardDocument, 'Chart.Line').length, 0);
  });
});
