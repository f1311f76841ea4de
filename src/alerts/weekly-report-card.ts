import type { WeeklyReport } from '../insights';
import type { AdaptiveCardDocument } from './card-document';
import { count, plural } from './card-text';
import { headerPart, headingPart, insightCard, notePart, type CardPart } from './insight-card-parts';
import { periodWords } from './insight-words';
import { rankingParts } from './top-card';
import { figuresTable, poorTrendParts } from './trends-card';

/**
 * The weekly report for the admins' channel: the week's figures against the week before, the calls
 * scored, those that failed (could not be set up, dropped) and those the reconciliation sweep recovered, a `Chart.Line` of the daily poor % per kind,
 * and `Chart.HorizontalBar`s of the worst sites, networks and the people most affected (each chart
 * with a table of the same numbers as its fallback).
 */
export function buildWeeklyReportCard(report: WeeklyReport): AdaptiveCardDocument {
  const { trend } = report;
  const recovered = trend.current.sweepCalls;
  const body: CardPart[] = [
    headerPart('Weekly call quality report', `${periodWords(trend.from, trend.to)} (UTC days), against the week before`),
    notePart(
      `${plural(trend.current.calls, 'call')} scored, ${count(trend.current.alertCalls)} with an alert. ${failedWords(trend.current)} ` +
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

/** "3 calls failed: 1 with a session that could not be set up, 2 with a dropped session." or "No call failed." (a call can be in both). */
function failedWords(totals: { failedCalls: number; setupFailedCalls: number; droppedCalls: number }): string {
  if (totals.failedCalls === 0) return 'No call failed.';
  const parts = [
    totals.setupFailedCalls > 0 ? `${count(totals.setupFailedCalls)} with a session that could not be set up` : null,
    totals.droppedCalls > 0 ? `${count(totals.droppedCalls)} with a dropped session` : null,
  ].filter((part): part is string => part !== null);
  const verb = totals.failedCalls === 1 ? 'call failed' : 'calls failed';
  return `${count(totals.failedCalls)} ${verb}${parts.length > 0 ? `: ${parts.join(', ')}` : ''}.`;
}
