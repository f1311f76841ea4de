import type { WeeklyReport } from '../insights';
import type { AdaptiveCardDocument } from './card-document';
import { count, plural } from './card-text';
import { headerPart, headingPart, insightCard, notePart, type CardPart } from './insight-card-parts';
import { periodWords } from './insight-words';
import { rankingParts } from './top-card';
import { figuresTable, poorTrendParts } from './trends-card';

/**
 * The weekly report for the admins' channel: the week's figures against the week before, the calls
 * scored and those the reconciliation sweep recovered, a `Chart.Line` of the daily poor % per kind,
 * and `Chart.HorizontalBar`s of the worst sites, networks and the people most affected (each chart
 * with a table of the same numbers as its fallback).
 */
export function buildWeeklyReportCard(report: WeeklyReport): AdaptiveCardDocument {
  const { trend } = report;
  const recovered = trend.current.sweepCalls;
  const body: CardPart[] = [
    headerPart('Weekly call quality report', `${periodWords(trend.from, trend.to)} (UTC days), against the week before`),
    notePart(
      `${plural(trend.current.calls, 'call')} scored, ${count(trend.current.alertCalls)} with an alert. ` +
        (recovered === 0
          ? 'Graph notified every call.'
          : `${plural(recovered, 'call')} Graph never notified ${recovered === 1 ? 'was' : 'were'} found and scored by the reconciliation sweep.`),
    ),
    headingPart('This week against the week before', 'Poor % is poor streams ÷ classified streams, as Call Quality Dashboard counts it.'),
    figuresTable(trend),
    ...poorTrendParts(trend),
    ...rankingParts(report.topSites, true, 'Sites with the most poor streams'),
    ...rankingParts(report.topNetworks, true, 'Subnets with the most poor streams'),
    ...rankingParts(report.topPeople, true, 'People most affected'),
    notePart('Say "trends 30d" or "top sites 30d" for a longer view, "report off" to stop this report here.', true),
  ];
  return insightCard(body);
}
