import assert from 'node:assert/strict';
import { InvalidReportScheduleError, ReportSchedule } from '../../src/config';

const at = (iso: string) => Date.parse(iso);

/** The error `ReportSchedule.parse` throws (fails the test when it does not throw). */
function refusal(expression: string, timeZone: string): InvalidReportScheduleError {
  try {
    ReportSchedule.parse(expression, timeZone);
  } catch (error) {
    assert.ok(error instanceof InvalidReportScheduleError, String(error));
    return error;
  }
  assert.fail(`"${expression}" in ${timeZone} was accepted`);
}

describe('ReportSchedule', () => {
  it('finds the next Monday 09:00 UTC after a Wednesday', () => {
    // 2026-03-25 is a Wednesday; the next Monday is the 30th.
    const schedule = ReportSchedule.parse('0 9 * * 1', 'UTC');
    assert.equal(schedule.nextAfter(at('2026-03-25T00:00:00Z')), at('2026-03-30T09:00:00Z'));
  });

  it('keeps 09:00 local across the spring and autumn clock changes in Paris', () => {
    const schedule = ReportSchedule.parse('0 9 * * 1', 'Europe/Paris');
    // Summer time starts on Sunday 2026-03-29: 09:00 is 08:00Z before it (CET) and 07:00Z after it (CEST).
    assert.equal(schedule.nextAfter(at('2026-03-20T00:00:00Z')), at('2026-03-23T08:00:00Z'));
    assert.equal(schedule.nextAfter(at('2026-03-23T08:00:00Z')), at('2026-03-30T07:00:00Z'));
    // Summer time ends on Sunday 2026-10-25.
    assert.equal(schedule.nextAfter(at('2026-10-19T07:00:00Z')), at('2026-10-26T08:00:00Z'));
  });

  it('keeps 09:00 local across the spring clock change in New York', () => {
    // Daylight time starts on Sunday 2026-03-08: 09:00 EST is 14:00Z, 09:00 EDT is 13:00Z.
    const schedule = ReportSchedule.parse('0 9 * * 1', 'America/New_York');
    assert.equal(schedule.nextAfter(at('2026-03-01T00:00:00Z')), at('2026-03-02T14:00:00Z'));
    assert.equal(schedule.nextAfter(at('2026-03-02T14:00:00Z')), at('2026-03-09T13:00:00Z'));
  });

  it('says which due time is the latest at or before a moment', () => {
    const schedule = ReportSchedule.parse('0 9 * * 1', 'Europe/Paris');
    const due = at('2026-03-30T07:00:00Z');
    assert.equal(schedule.latestAtOrBefore(due), due, 'the due time itself');
    assert.equal(schedule.latestAtOrBefore(due + 60_000), due);
    assert.equal(schedule.latestAtOrBefore(due - 1), at('2026-03-23T08:00:00Z'), 'one millisecond before: the week before');
  });

  it('names the week by its first local date, seven calendar days before the due date', () => {
    const paris = ReportSchedule.parse('0 9 * * 1', 'Europe/Paris');
    assert.equal(paris.weekStartOf(at('2026-03-30T07:00:00Z')), '2026-03-23');
    // 00:30 on Monday 2026-03-30 in Paris is still Sunday 22:30 in UTC, and 168 hours earlier is a
    // Sunday in Paris too (the clocks moved): the week still starts on Monday the 23rd.
    const justAfterMidnight = ReportSchedule.parse('30 0 * * 1', 'Europe/Paris');
    const due = at('2026-03-29T22:30:00Z');
    assert.equal(justAfterMidnight.nextAfter(at('2026-03-29T12:00:00Z')), due);
    assert.equal(justAfterMidnight.weekStartOf(due), '2026-03-23');
    // In Tokyo, 09:00 Monday 2026-03-30 is Monday 00:00Z.
    assert.equal(ReportSchedule.parse('0 9 * * 1', 'Asia/Tokyo').weekStartOf(at('2026-03-30T00:00:00Z')), '2026-03-23');
  });

  it('spells the zone as the platform does', () => {
    assert.equal(ReportSchedule.parse('0 9 * * 1', 'europe/paris').timeZone, 'Europe/Paris');
    assert.equal(ReportSchedule.parse(' 0 9 * * 1 ', 'UTC').expression, '0 9 * * 1');
  });

  it('refuses what is not a 5-field cron expression, saying why', () => {
    assert.match(refusal('0 9 * *', 'UTC').message, /has 4 fields; it takes 5/);
    assert.match(refusal('0 0 9 * * 1', 'UTC').message, /has 6 fields; it takes 5/);
    assert.match(refusal('@weekly', 'UTC').message, /has 1 field; it takes 5/);
    const outOfRange = refusal('61 9 * * 1', 'UTC');
    assert.equal(outOfRange.part, 'schedule');
    assert.match(outOfRange.message, /"61 9 \* \* 1" is not a cron expression: .*61/);
    assert.match(refusal('0 9 * * funday', 'UTC').message, /is not a cron expression/);
  });

  it('refuses a time zone that is not an IANA name', () => {
    const error = refusal('0 9 * * 1', 'Mars/Olympus');
    assert.equal(error.part, 'timeZone');
    assert.match(error.message, /"Mars\/Olympus" is not an IANA time zone name/);
  });
});
