import { sumAggregates, type DayAggregate } from './day-aggregate';
import { topListOf, type TopRanking } from './top-lists';
import { trendsOf, type Trends } from './trends';

/** How many rows each list of the weekly report has (a channel post, not a dashboard). */
export const REPORT_TOP_ROWS = 5;

/**
 * The weekly report's figures: the week's trend against the week before (poor % per kind, calls,
 * failed calls, bad ratings; `trend.current.calls` are the calls scored, `trend.current.failedCalls`
 * those with a failed session, `trend.current.sweepCalls` the calls whose notification never came
 * and the sweep recovered), the worst sites and networks, and the
 * people most affected.
 */
export interface WeeklyReport {
  trend: Trends;
  topSites: TopRanking;
  topNetworks: TopRanking;
  topPeople: TopRanking;
}

/** The report of `week` (seven day aggregates, oldest first) against `previousWeek`. */
export function weeklyReportOf(week: readonly DayAggregate[], previousWeek: readonly DayAggregate[]): WeeklyReport {
  const total = sumAggregates(week);
  return {
    trend: trendsOf(week, previousWeek),
    topSites: topListOf(total, 'sites', REPORT_TOP_ROWS),
    topNetworks: topListOf(total, 'networks', REPORT_TOP_ROWS),
    topPeople: topListOf(total, 'people', REPORT_TOP_ROWS),
  };
}
