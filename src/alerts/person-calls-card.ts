import type { PersonCallsAnswer } from '../insights';
import type { AdaptiveCardDocument } from './card-document';
import { cardTimestamp, clip, count, plural, STREAM_KIND_WORDS } from './card-text';
import { headerPart, insightCard, notePart, personPart, tablePart, type CardPart } from './insight-card-parts';
import { CONNECTION_WORDS, periodWords } from './insight-words';
import { isLowRating, ratingWords } from './rating-words';

/** The most calls `my calls` and `user` list (the newest). */
export const PERSON_CALLS_ROWS = 20;

/** Names are cut to this length in the table. */
const NAME_MAX = 40;

/**
 * The answer to `my calls` (`own`: the reader's own calls) and to `user`: one person's calls, newest
 * first and numbered for `check N`, with the poor streams of their own side (what they sent or
 * received), their rating and where they were.
 */
export function buildPersonCallsCard(answer: PersonCallsAnswer, own: boolean): AdaptiveCardDocument {
  const { person, calls } = answer;
  const body: CardPart[] = [headerPart(own ? 'Your calls' : 'Calls of one person', `Last ${answer.days} days: ${periodWords(answer.from, answer.to)} (UTC days)`)];
  if (!own) body.push(personPart(person.name ?? person.query, [person.upn, person.userId].filter((value) => value && value !== person.name).join(' · ')));
  if (calls.length === 0) {
    body.push(notePart(own ? 'No call of yours was scored in this period.' : 'No call of this person was scored in this period. Check the spelling, or give their UPN or Entra object id.'));
    return insightCard(body);
  }
  const withPoor = calls.filter((call) => call.poorStreams > 0).length;
  const badRatings = calls.filter((call) => isLowRating(call.rating)).length;
  const side = own ? 'your side' : 'their side';
  body.push(
    notePart(`${plural(calls.length, 'call')}${answer.more ? ' (the newest)' : ''}: ${count(withPoor)} with poor streams on ${side}, ${plural(badRatings, 'bad rating')}.`),
    tablePart(
      [{ width: 1, horizontalCellContentAlignment: 'Right' }, { width: 3 }, { width: 4 }, { width: 3 }, { width: 3 }, { width: 4 }],
      ['#', 'When', 'Organizer', `Poor (${own ? 'yours' : 'theirs'})`, 'Rating', 'Where'],
      calls.map((call, index) => [
        { text: String(index + 1) },
        { text: whenWords(call.startedAt) },
        { text: clip(call.organizerName ?? 'unknown', NAME_MAX), name: true },
        {
          text: call.streams === 0 ? 'not in the media' : `${count(call.poorStreams)} of ${count(call.streams)}${call.poorKinds.length > 0 ? ` (${call.poorKinds.map((kind) => STREAM_KIND_WORDS[kind].toLowerCase()).join(', ')})` : ''}`,
          color: call.poorStreams > 0 ? 'attention' : 'default',
          weight: call.poorStreams > 0 ? 'Bolder' : 'Default',
        },
        { text: ratingWords(call.rating), color: isLowRating(call.rating) ? 'attention' : 'default' },
        { text: call.site === null ? '—' : `${clip(call.site, NAME_MAX)}${call.connection ? `, ${CONNECTION_WORDS[call.connection]}` : ''}`, name: true },
      ]),
    ),
  );
  if (answer.more) body.push(notePart(`Only the newest ${plural(calls.length, 'call')} are shown.`));
  body.push(notePart(own ? 'Poor streams are those your device sent or received that crossed a threshold.' : 'Poor streams are those their device sent or received that crossed a threshold.', true));
  body.push(notePart('Send check and a number from the # column (check 1) for that call’s full card.'));
  return insightCard(body);
}

/** `3/2/2026 4:15 PM` in the reader's time zone (the client formats it); `unknown` without a start. */
function whenWords(startedAt: number | null): string {
  const stamp = cardTimestamp(startedAt);
  return stamp ? `{{DATE(${stamp}, COMPACT)}} {{TIME(${stamp})}}` : 'unknown';
}
