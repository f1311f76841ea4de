import assert from 'node:assert/strict';
import { buildWeeklyReportCard, validateCard } from '../../src/alerts';
import { weeklyReportOf } from '../../src/insights';
import { aggregatesOf } from '../support/history-generator';
import { reportWeeks } from '../support/ranked-history';
import { cardText, elementsOfType, tableRows } from './card-inspection';
import { sampleWeeklyReportCard } from './insight-card-samples';

describe('the weekly report card', () => {
  // reportWeeks(), worked out by hand in test/insights/weekly-report.test.ts.
  const aggregates = aggregatesOf(reportWeeks(), '2026-03-01', 14);
  const card = buildWeeklyReportCard(weeklyReportOf(aggregates.slice(7), aggregates.slice(0, 7)));

  it('is valid and gives the calls scored, those that failed and those the sweep recovered', () => {
    assert.deepEqual(validateCard(card).errors, []);
    const text = cardText(card);
    assert.match(text, /Weekly call quality report\n23 Feb – 1 Mar 2026 \(UTC days\), against the week before/);
    assert.match(
      text,
      /7 calls scored, 7 with an alert\. 3 calls failed: 1 with a session that could not be set up, 2 with a dropped session\. 1 call Graph never notified was found and scored by the reconciliation sweep\./,
    );
  });

  it('gives the week against the week before', () => {
    const [figures] = elementsOfType(card, 'Table');
    assert.deepEqual(tableRows(figures!).slice(1, 2), [['Audio poor %', '35.7 %', '0.0 %', '+35.7 pts']]);
    assert.deepEqual(tableRows(figures!).slice(4), [
      ['Calls', '7', '2', '+250 %'],
      ['Failed calls', '3', '1', '+200 %'],
      ['Bad ratings', '0', '0', '—'],
    ]);
  });

  it('draws the daily poor % as a line and the worst sites, subnets and people as bars', () => {
    assert.equal(elementsOfType(card, 'Chart.Line').length, 1);
    const bars = elementsOfType(card, 'Chart.HorizontalBar');
    assert.deepEqual(
      bars.map((chart) => chart.data),
      [
        [
          { x: 'North', y: 6 },
          { x: 'West', y: 4 },
        ],
        [
          { x: '10.9.0.0', y: 6 },
          { x: '10.8.0.0', y: 4 },
        ],
        [
          { x: 'Nora', y: 6 },
          { x: 'Wes', y: 4 },
        ],
      ],
    );
    assert.match(cardText(card), /Sites with the most poor streams[\s\S]*Subnets with the most poor streams[\s\S]*People most affected/);
  });

  it('stays well under the size limit with a busy week', () => {
    const result = validateCard(sampleWeeklyReportCard());
    assert.deepEqual(result.errors, []);
    assert.ok(result.sizeBytes < 40 * 1024, `${result.sizeBytes} bytes`);
  });
});
