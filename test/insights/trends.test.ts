import assert from 'node:assert/strict';
import { addDays, aggregateDay, daysEndingWith, periodEndingAt, trendsOf, type CallHistory, type DayAggregate } from '../../src/insights';
import { twoWeeks } from '../support/history-calls';

/** One aggregate per day of `days`, from the calls that start on it. */
function aggregatesOf(days: string[], calls: CallHistory[]): DayAggregate[] {
  return days.map((day) => aggregateDay(day, calls.filter((call) => new Date(call.startedAt!).toISOString().startsWith(day))));
}

const CALLS = twoWeeks();

describe('trends', () => {
  const period = periodEndingAt(Date.parse('2026-03-08T15:00:00Z'), 7);
  const trends = trendsOf(aggregatesOf(daysEndingWith(period.to, 7), CALLS), aggregatesOf(daysEndingWith(period.previousTo, 7), CALLS));

  it('covers the 7 days up to today and compares with the 7 before', () => {
    assert.deepEqual(period, { days: 7, from: '2026-03-02', to: '2026-03-08', previousFrom: '2026-02-23', previousTo: '2026-03-01' });
    assert.equal(trends.from, '2026-03-02');
    assert.equal(trends.to, '2026-03-08');
    assert.deepEqual(
      trends.daily.map((day) => day.day),
      ['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06', '2026-03-07', '2026-03-08'],
    );
  });

  it('gives each day its poor % per kind (null with nothing classified), calls, failed calls and bad ratings', () => {
    assert.deepEqual(trends.daily[0], { day: '2026-03-02', poorPercent: { audio: 50, video: 50, vbss: 100 }, calls: 3, failedCalls: 2, badRatings: 2 });
    assert.deepEqual(trends.daily[1], { day: '2026-03-03', poorPercent: { audio: null, video: null, vbss: null }, calls: 0, failedCalls: 0, badRatings: 0 });
    assert.deepEqual(trends.daily[3], { day: '2026-03-05', poorPercent: { audio: 0, video: 100, vbss: null }, calls: 1, failedCalls: 1, badRatings: 1 });
  });

  it('totals the failed calls of each period, by stage', () => {
    // This week B (set-up), C (dropped), D (unknown stage); the week before F (dropped).
    assert.deepEqual([trends.current.failedCalls, trends.current.setupFailedCalls, trends.current.droppedCalls], [3, 1, 1]);
    assert.deepEqual([trends.previous.failedCalls, trends.previous.setupFailedCalls, trends.previous.droppedCalls], [1, 0, 1]);
    assert.equal(trends.change.failedCallsPercent, 200, '3 failed calls against 1');
  });

  it('totals the period: poor % over all its streams, not an average of days', () => {
    assert.equal(trends.current.calls, 4);
    assert.equal(trends.current.badRatings, 3);
    assert.equal(trends.current.poorPercent.audio, (3 / 8) * 100);
    assert.equal(trends.current.poorPercent.video, (2 / 3) * 100);
    assert.equal(trends.current.poorPercent.vbss, 100);
    assert.equal(trends.previous.calls, 2);
    assert.equal(trends.previous.poorPercent.audio, (1 / 6) * 100);
    assert.equal(trends.previous.poorPercent.video, null);
  });

  it('gives the change in points for poor % and in % for counts', () => {
    assert.ok(Math.abs(trends.change.poorPoints.audio! - (37.5 - 100 / 6)) < 1e-9);
    assert.equal(trends.change.poorPoints.video, null, 'nothing to compare with');
    assert.equal(trends.change.callsPercent, 100, '4 calls against 2');
    assert.equal(trends.change.badRatingsPercent, 200, '3 bad ratings against 1');
  });

  it('has no % change when the period before had nothing', () => {
    const quiet = trendsOf(aggregatesOf(['2026-03-02'], CALLS), aggregatesOf(['2026-03-01'], CALLS));
    assert.equal(quiet.change.callsPercent, null);
  });

  it('counts days across month ends', () => {
    assert.equal(addDays('2026-03-01', -1), '2026-02-28');
    assert.equal(addDays('2028-03-01', -1), '2028-02-29');
    assert.deepEqual(daysEndingWith('2026-01-02', 3), ['2025-12-31', '2026-01-01', '2026-01-02']);
  });
});
