import { CronExpressionParser } from 'cron-parser';

/** Thrown by {@link ReportSchedule.parse} for an expression or a time zone it cannot use; the message says which and why. */
export class InvalidReportScheduleError extends Error {
  constructor(
    /** `schedule` or `timeZone`: which of the two was wrong. */
    readonly part: 'schedule' | 'timeZone',
    message: string,
  ) {
    super(message);
    this.name = 'InvalidReportScheduleError';
  }
}

/**
 * When the weekly report is due: a 5-field cron expression read in an IANA time zone, so that
 * "Monday 09:00" stays 09:00 local across daylight saving changes (cron-parser does the calendar
 * work). Pure: every question takes the time it is asked at.
 */
export class ReportSchedule {
  private constructor(
    /** The expression as given, trimmed (`0 9 * * 1`). */
    readonly expression: string,
    /** The IANA name, as the platform spells it (`Europe/Paris`). */
    readonly timeZone: string,
  ) {}

  /**
   * Reads an expression (minute, hour, day of month, month, day of week) and a time zone. Throws
   * {@link InvalidReportScheduleError} naming what is wrong.
   */
  static parse(expression: string, timeZone: string): ReportSchedule {
    const zone = canonicalTimeZone(timeZone);
    const trimmed = expression.trim();
    const fields = trimmed.split(/\s+/).filter(Boolean);
    if (fields.length !== 5) {
      throw new InvalidReportScheduleError(
        'schedule',
        `"${expression}" has ${fields.length} field${fields.length === 1 ? '' : 's'}; it takes 5: minute hour day-of-month month day-of-week, e.g. "0 9 * * 1" for Monday 09:00`,
      );
    }
    try {
      CronExpressionParser.parse(trimmed, { tz: zone, currentDate: 0 });
    } catch (error) {
      throw new InvalidReportScheduleError('schedule', `"${expression}" is not a cron expression: ${(error as Error).message}`);
    }
    return new ReportSchedule(trimmed, zone);
  }

  /** The first due time strictly after `epochMs`. */
  nextAfter(epochMs: number): number {
    return this.iterator(epochMs).next().getTime();
  }

  /** The last due time at or before `epochMs`. */
  latestAtOrBefore(epochMs: number): number {
    // cron-parser's prev() is strictly before its current date; one millisecond on makes it "at or before".
    return this.iterator(epochMs + 1).prev().getTime();
  }

  /**
   * The local date (`YYYY-MM-DD` in the schedule's zone) on which the week reported at `dueAt`
   * starts: seven calendar days before the due date. Counted on the calendar, not as 168 hours,
   * so that a report due just after midnight in a week with a clock change keeps its weekday.
   */
  weekStartOf(dueAt: number): string {
    const [year, month, day] = localDate(dueAt, this.timeZone).split('-').map(Number) as [number, number, number];
    return new Date(Date.UTC(year, month - 1, day - 7)).toISOString().slice(0, 10);
  }

  private iterator(epochMs: number) {
    return CronExpressionParser.parse(this.expression, { tz: this.timeZone, currentDate: epochMs });
  }
}

/** The platform's spelling of an IANA zone name, or {@link InvalidReportScheduleError} when it knows no such zone. */
function canonicalTimeZone(name: string): string {
  const trimmed = name.trim();
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: trimmed }).resolvedOptions().timeZone;
  } catch {
    throw new InvalidReportScheduleError('timeZone', `"${name}" is not an IANA time zone name, e.g. "UTC", "Europe/Paris" or "America/New_York"`);
  }
}

/** `YYYY-MM-DD` of an instant in a time zone. */
function localDate(epochMs: number, timeZone: string): string {
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(epochMs));
}
