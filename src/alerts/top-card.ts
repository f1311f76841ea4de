import { TOP_MIN_CALLS, TOP_MIN_CLASSIFIED, type TopAnswer, type TopListName, type TopRanking } from '../insights';
import type { AdaptiveCardDocument } from './card-document';
import { clip, count } from './card-text';
import { barChartPart, headerPart, headingPart, insightCard, notePart, tablePart, type CardPart } from './insight-card-parts';
import { DIMENSION_WORDS, percentWords, periodWords, valueWords } from './insight-words';

/** Names and places are cut to this length in charts and tables. */
const LABEL_MAX = 48;

const LIST_TITLES: Readonly<Record<TopListName, string>> = {
  sites: 'Sites with the most poor streams',
  networks: 'Networks with the most poor streams',
  devices: 'Clients and platforms with the most poor streams',
  people: 'People with the most poor streams',
};

/**
 * The answer to `top`: per ranking (two for networks: subnets, then connection types), a
 * `Chart.HorizontalBar` of poor streams, whose fallback draws the same numbers as text bars, and a
 * table of poor streams, poor % and calls.
 */
export function buildTopCard(answer: TopAnswer): AdaptiveCardDocument {
  const body: CardPart[] = [
    headerPart(LIST_TITLES[answer.list], `Last ${answer.days} days: ${periodWords(answer.from, answer.to)} (UTC days)`),
    notePart(`Ranked by poor streams, then poor %. Only values with at least ${TOP_MIN_CALLS} calls and ${TOP_MIN_CLASSIFIED} classified streams are ranked, so one bad call cannot top the list.`),
  ];
  for (const ranking of answer.rankings) body.push(...rankingParts(ranking, answer.rankings.length > 1));
  body.push(notePart('A stream counts for both of its ends: a call between two sites counts for each. Say "trends" for the days.', true));
  return insightCard(body);
}

/** A chart and a table of one ranking (`titled`: under its own heading, when a card has several). */
export function rankingParts(ranking: TopRanking, titled: boolean, heading?: string): CardPart[] {
  const words = DIMENSION_WORDS[ranking.dimension];
  const parts: CardPart[] = [];
  if (titled || heading) parts.push(headingPart(heading ?? `By ${words.many}`));
  const labels = ranking.rows.map((row) => clip(valueWords(ranking.dimension, row.label), LABEL_MAX));
  const chart = barChartPart({
    labelTitle: words.one,
    valueTitle: 'Poor streams',
    bars: ranking.rows.map((row, index) => ({ label: labels[index]!, value: row.poor })),
    format: count,
  });
  if (!chart) {
    parts.push(notePart(`Nothing to rank: no ${words.one.toLowerCase()} had poor streams in at least ${TOP_MIN_CALLS} calls and ${TOP_MIN_CLASSIFIED} classified streams.${belowSampleWords(ranking)}`));
    return parts;
  }
  parts.push(
    chart,
    tablePart(
      [{ width: 1 }, { width: 6 }, { width: 3, horizontalCellContentAlignment: 'Right' }, { width: 3, horizontalCellContentAlignment: 'Right' }, { width: 2, horizontalCellContentAlignment: 'Right' }],
      ['#', words.one, 'Poor streams', 'Poor %', 'Calls'],
      ranking.rows.map((row, index) => [
        { text: String(index + 1) },
        { text: labels[index]!, name: true },
        { text: `${count(row.poor)} of ${count(row.classified)}`, weight: 'Bolder' },
        { text: percentWords(row.poorPercent), color: 'attention' },
        { text: count(row.calls) },
      ]),
    ),
  );
  if (ranking.belowSample > 0) parts.push(notePart(belowSampleWords(ranking).trim()));
  return parts;
}

/** " 2 more sites had poor streams in fewer calls or streams (not ranked)." or nothing. */
function belowSampleWords(ranking: TopRanking): string {
  if (ranking.belowSample === 0) return '';
  const words = DIMENSION_WORDS[ranking.dimension];
  const what = ranking.belowSample === 1 ? words.one.toLowerCase() : words.many;
  return ` ${count(ranking.belowSample)} more ${what} had poor streams in fewer calls or streams (not ranked).`;
}
