import assert from 'node:assert/strict';
import { aggregateDay, daysEndingWith, REPORT_TOP_ROWS, weeklyReportOf, type CallHistory } from '../../src/insights';
import { client, soloCall } from '../support/history-calls';

function person(name: string, building: string, subnet: string) {
  return client({ userId: `${name.toLowerCase()}-0000-0000-0000-000000000000`, name }, { building, subnet });
}

describe('weekly report figures', () => {
  /*
   * This week (2026-02-23 … 03-01): Nora (North, 10.9.0.0) has 3 calls on 02-24 with 2 poor and 2
   * good audio streams each; Wes (West, 10.8.0.0) 4 calls on 02-26 with 1 poor and 3 good, one found
   * by the sweep. The week before: Nora 2 calls on 02-17 with 0 poor and 4 good.
   */
  const nora = person('Nora', 'North', '10.9.0.0');
  const wes = person('Wes', 'West', '10.8.0.0');
  const calls: CallHistory[] = [
    ...[0, 1, 2].map((index) => soloCall(`n-${index}`, '2026-02-24T10:00:00Z', nora, 2, 2)),
    ...[0, 1, 2, 3].map((index) => ({ ...soloCall(`w-${index}`, '2026-02-26T10:00:00Z', wes, 1, 3), source: index === 0 ? 'sweep' : 'notification' })),
    ...[0, 1].map((index) => soloCall(`p-${index}`, '2026-02-17T10:00:00Z', nora, 0, 4)),
  ];
  const aggregates = (lastDay: string) => daysEndingWith(lastDay, 7).map((day) => aggregateDay(day, calls.filter((call) => new Date(call.startedAt!).toISOString().startsWith(day))));
  const report = weeklyReportOf(aggregates('2026-03-01'), aggregates('2026-02-22'));

  it('gives the week\'s trend against the week before', () => {
    assert.equal(report.trend.from, '2026-02-23');
    assert.equal(report.trend.to, '2026-03-01');
    assert.equal(report.trend.current.calls, 7, 'calls scored');
    assert.equal(report.trend.current.sweepCalls, 1, 'missed by Graph, recovered by the sweep');
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
