import {
  buildLastCallCard,
  buildPersonCallsCard,
  buildTopCard,
  buildTrendsCard,
  buildWeeklyReportCard,
  type AdaptiveCardDocument,
} from '../../src/alerts';
import { addDays, personCallsOf, sumAggregates, topListOf, TOP_LIST_DIMENSIONS, trendsOf, weeklyReportOf, type TopListName } from '../../src/insights';
import { aggregatesOf, GENERATED_PEOPLE, generateHistory } from '../support/history-generator';

/** The last day of the sample history (the day of the sample status, 2026-03-02). */
export const SAMPLE_LAST_DAY = '2026-03-02';

/** Three generated months of a tenant's calls up to {@link SAMPLE_LAST_DAY} (180 days: 90 and the 90 before). */
export function sampleHistory() {
  return generateHistory(SAMPLE_LAST_DAY, 180);
}

/** The `trends` card over `days` days of the sample history. */
export function sampleTrendsCard(days: number): AdaptiveCardDocument {
  const aggregates = aggregatesOf(sampleHistory(), SAMPLE_LAST_DAY, days * 2);
  return buildTrendsCard(trendsOf(aggregates.slice(days), aggregates.slice(0, days)));
}

/** The `top` card for a list over `days` days of the sample history. */
export function sampleTopCard(list: TopListName, days: number): AdaptiveCardDocument {
  const total = sumAggregates(aggregatesOf(sampleHistory(), SAMPLE_LAST_DAY, days));
  return buildTopCard({ list, days, from: addDays(SAMPLE_LAST_DAY, -(days - 1)), to: SAMPLE_LAST_DAY, rankings: TOP_LIST_DIMENSIONS[list].map((dimension) => topListOf(total, dimension)) });
}

/** A person's calls card (`own`: `my calls`) for the first generated person, over 7 days, at most `limit` calls. */
export function samplePersonCallsCard(own: boolean, limit = 15): AdaptiveCardDocument {
  const person = GENERATED_PEOPLE[1]!;
  const from = addDays(SAMPLE_LAST_DAY, -6);
  const theirs = personCallsOf(person.userId!, sampleHistory().filter((call) => new Date(call.startedAt!).toISOString().slice(0, 10) >= from));
  return buildPersonCallsCard({ ...theirs, calls: theirs.calls.slice(0, limit), days: 7, from, to: SAMPLE_LAST_DAY, more: theirs.calls.length > limit }, own);
}

/** `last call` for the same person as {@link samplePersonCallsCard}: their newest call in the generated history. */
export function sampleLastCallCard(): AdaptiveCardDocument {
  const person = GENERATED_PEOPLE[1]!;
  return buildLastCallCard(personCallsOf(person.userId!, sampleHistory()).calls[0] ?? null, 90);
}

/** The weekly report of the week before {@link SAMPLE_LAST_DAY}'s Monday. */
export function sampleWeeklyReportCard(): AdaptiveCardDocument {
  const aggregates = aggregatesOf(sampleHistory(), addDays(SAMPLE_LAST_DAY, -1), 14);
  return buildWeeklyReportCard(weeklyReportOf(aggregates.slice(7), aggregates.slice(0, 7)));
}

/** Every insight card, by the name its screenshot has in docs/cards/. */
export function sampleInsightCards(): Record<string, AdaptiveCardDocument> {
  return {
    'trends-30d': sampleTrendsCard(30),
    'top-sites': sampleTopCard('sites', 30),
    'top-networks': sampleTopCard('networks', 30),
    'my-calls': samplePersonCallsCard(true),
    'user-calls': samplePersonCallsCard(false),
    'last-call': sampleLastCallCard(),
    'weekly-report': sampleWeeklyReportCard(),
  };
}
