import assert from 'node:assert/strict';
import { aggregateDay, daysEndingWith, REPORT_TOP_ROWS, weeklyReportOf } from '../../src/insights';
import { reportWeeks } from '../support/ranked-history';

describe('weekly report figures', () => {
  // See reportWeeks(): Nora at North and Wes at West this week, Nora alone the week before.
  const calls = reportWeeks();
  const aggregates = (lastDay: string) => daysEndingWith(lastDay, 7).map((day) => aggregateDay(day, calls.filter((call) => new Date(call.startedAt!).toISOString().startsWith(day))));
  const report = weeklyReportOf(aggregates('2026-03-01'), aggregates('2026-02-22'));

  it('gives the week\'s trend against the week before', () => {
    assert.equal(report.trend.from, '2026-02-23');
    assert.equal(report.trend.to, '2026-03-01');
    assert.equal(report.trend.current.calls, 7, 'calls scored');
    assert.equal(report.trend.current.sweepCalls, 1, 'missed by Graph, recovered by the sweep');
    assert.deepEqual([report.trend.current.failedCalls, report.trend.current.setupFailedCalls, report.trend.current.droppedCalls], [3, 1, 2]);
    assert.equal(report.trend.previous.failedCalls, 1);
    assert.equal(report.trend.change.failedCallsPercent, 200, '3 failed calls against 1');
    assert.equal(report.trend.current.poorPercent.audio, (10 / 28) * 100);
    assert.equal(report.trend.previous.poorPercent.audio, 0);
    assert.ok(Math.abs(report.trend.change.poorPoints.audio! - (10 / 28) * 100) < 1e-9);
    assert.equal(report.trend.change.callsPercent, 250, '7 calls against 2');
    assert.deepEqual(report.trend.daily[1]!.poorPercent, { audio: 50, video: null, vbss: null });
  });

  it('lists the worst sites and networks and the people most affected, at most 5 each', () => {
    assert.equal(REPORT_TOP_ROWS, 5);
    assert.deepEqual(report.topSites.rows.map((row) => [row.label, row.poor, row.classified, row.calls]), [
      ['North', 6, 12, 3],
      ['West', 4, 16, 4],
    ]);
    assert.deepEqual(report.topNetworks.rows.map((row) => row.label), ['10.9.0.0', '10.8.0.0']);
    assert.deepEqual(report.topPeople.rows.map((row) => row.label), ['Nora', 'Wes']);
  });
});
