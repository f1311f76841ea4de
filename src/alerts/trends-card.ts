import { STREAM_KINDS, type Trends } from '../insights';
import type { AdaptiveCardDocument } from './card-document';
import { count, STREAM_KIND_WORDS } from './card-text';
import { headerPart, headingPart, insightCard, KIND_COLORS, lineChartPart, notePart, tablePart, type AxisPoint, type CardPart, type TableCell } from './insight-card-parts';
import { chartPercent, countChangeWords, dayWords, percentWords, periodWords, pointsWords, worseWhenUp } from './insight-words';

/**
 * The answer to `trends`: the period's figures against the period before (poor % per kind, calls,
 * failed calls, bad ratings), a `Chart.Line` of the daily poor % per kind and one of calls, failed
 * calls and bad ratings per day,
 * each with a table of the same numbers as its fallback.
 */
export function buildTrendsCard(trends: Trends): AdaptiveCardDocument {
  const body: CardPart[] = [
    headerPart(`Call quality, last ${trends.days} days`, `${periodWords(trends.from, trends.to)} (UTC days), against the ${trends.days} days before`),
    headingPart('This period against the one before', 'Poor % is poor streams ÷ classified streams, as Call Quality Dashboard counts it.'),
    figuresTable(trends),
  ];
  body.push(...poorTrendParts(trends));
  const countsChart = lineChartPart({
    xAxisTitle: 'Day',
    yAxisTitle: 'Count',
    xs: axisOf(trends),
    series: [
      { legend: 'Calls', color: 'categoricalBlue', values: trends.daily.map((day) => day.calls) },
      { legend: 'Failed calls', color: 'categoricalMarigold', values: trends.daily.map((day) => day.failedCalls) },
      { legend: 'Bad ratings', color: 'categoricalRed', values: trends.daily.map((day) => day.badRatings) },
    ],
    format: (value) => count(value),
  });
  if (trends.current.calls > 0 && countsChart) body.push(headingPart('Calls, failed calls and bad ratings per day'), countsChart);
  body.push(
    notePart(
      'Failed calls had a session that could not be set up or dropped (Graph\'s failure information). Bad ratings are "rate my call" answers of 1 or 2 stars (bad or poor). Say "top sites" or "top networks" for where the poor streams were.',
      true,
    ),
  );
  return insightCard(body);
}

/** A heading and a `Chart.Line` of the daily poor % per kind (a note when nothing was classified). */
export function poorTrendParts(trends: Trends): CardPart[] {
  const chart = lineChartPart({
    xAxisTitle: 'Day',
    yAxisTitle: 'Poor streams (%)',
    xs: axisOf(trends),
    series: STREAM_KINDS.map((kind) => ({
      legend: STREAM_KIND_WORDS[kind],
      color: KIND_COLORS[kind],
      values: trends.daily.map((day) => (day.poorPercent[kind] === null ? null : chartPercent(day.poorPercent[kind]))),
    })),
    format: (value) => `${value.toFixed(1)} %`,
  });
  return [headingPart('Poor streams per day', 'A day without a classified stream of a kind has no point.'), chart ?? notePart('No stream was classified in this period.')];
}

/** The period's figures, the period before and the change: poor % per kind, calls, failed calls, bad ratings. */
export function figuresTable(trends: Trends): CardPart {
  const { current, previous, change } = trends;
  const rows: TableCell[][] = STREAM_KINDS.map((kind) => [
    { text: `${STREAM_KIND_WORDS[kind]} poor %` },
    { text: percentWords(current.poorPercent[kind]), weight: 'Bolder' },
    { text: percentWords(previous.poorPercent[kind]) },
    { text: pointsWords(change.poorPoints[kind]), color: worseWhenUp(change.poorPoints[kind]) },
  ]);
  rows.push(
    [{ text: 'Calls' }, { text: count(current.calls), weight: 'Bolder' }, { text: count(previous.calls) }, { text: countChangeWords(change.callsPercent, current.calls) }],
    [
      { text: 'Failed calls' },
      { text: count(current.failedCalls), weight: 'Bolder' },
      { text: count(previous.failedCalls) },
      { text: countChangeWords(change.failedCallsPercent, current.failedCalls), color: worseWhenUp(change.failedCallsPercent) },
    ],
    [
      { text: 'Bad ratings' },
      { text: count(current.badRatings), weight: 'Bolder' },
      { text: count(previous.badRatings) },
      { text: countChangeWords(change.badRatingsPercent, current.badRatings), color: worseWhenUp(change.badRatingsPercent) },
    ],
  );
  return tablePart(
    [{ width: 4 }, { width: 3, horizontalCellContentAlignment: 'Right' }, { width: 3, horizontalCellContentAlignment: 'Right' }, { width: 3, horizontalCellContentAlignment: 'Right' }],
    ['Measure', 'This period', 'Before', 'Change'],
    rows,
  );
}

/** The days of a trend: the chart plots ISO days (as Microsoft's chart examples give dates), the fallback shows `2 Mar`. */
function axisOf(trends: Trends): AxisPoint[] {
  return trends.daily.map((day) => ({ x: day.day, label: dayWords(day.day) }));
}
