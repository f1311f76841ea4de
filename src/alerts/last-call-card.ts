import { OUTSIDE_CORP, type PersonCall } from '../insights';
import type { AdaptiveCardDocument } from './card-document';
import { expandTemplate } from './card-template';
import { callTypeWords, cardDateTime, clip, count, plural, STREAM_KIND_WORDS } from './card-text';
import { headerPart, insightCard, notePart, type CardPart } from './insight-card-parts';
import { CONNECTION_WORDS } from './insight-words';
import { isLowRating, ratingWords } from './rating-words';
import factsTemplate from './templates/insights/facts.json';

/**
 * The answer to `last call`: the reader's newest scored call (null: none in `days` days) and the
 * verdict of their own side of it (the streams their endpoints sent or received), their rating and
 * where they were. The whole call's verdict comes after, so a poor call that was fine on their side
 * reads as such.
 */
export function buildLastCallCard(call: PersonCall | null, days: number): AdaptiveCardDocument {
  if (!call) {
    return insightCard([headerPart('Your last call', `Last ${days} days`), notePart(`No call of yours was scored in the last ${days} days.`)]);
  }
  const side = sideVerdict(call);
  const body: CardPart[] = [
    headerPart('Your last call', `${callTypeWords(call.type)} · ${cardDateTime(call.startedAt)}`),
    expandTemplate(factsTemplate, {
      verdict: side.words,
      verdictColor: side.color,
      facts: [
        { title: 'Organizer', value: clip(call.organizerName ?? 'unknown', 60) },
        { title: 'People', value: count(call.participantCount) },
        { title: 'Your rating', value: ratingWords(call.rating) },
        { title: 'Where you were', value: whereWords(call) },
        { title: 'The whole call', value: call.quality === 'poor' ? 'poor quality' : call.quality === 'good' ? 'good quality' : 'not judged' },
      ],
    }) as unknown as CardPart,
    notePart('Send check 1 for this call’s full card, or my calls for your other calls.', true),
  ];
  return insightCard(body);
}

/** How their own side went, in one line with its colour. */
function sideVerdict(call: PersonCall): { words: string; color: string } {
  if (call.streams === 0) return { words: 'Your device was not in the media of this call (you may have organized it or joined without audio).', color: 'default' };
  if (call.poorStreams > 0) {
    const kinds = call.poorKinds.map((kind) => STREAM_KIND_WORDS[kind].toLowerCase()).join(', ');
    return { words: `Poor on your side: ${count(call.poorStreams)} of your ${plural(call.streams, 'stream')} crossed a threshold${kinds ? ` (${kinds})` : ''}.`, color: 'attention' };
  }
  const rated = isLowRating(call.rating) ? ', though you rated it low' : '';
  return { words: `Good on your side: none of your ${plural(call.streams, 'stream')} was poor${rated}.`, color: 'good' };
}

function whereWords(call: PersonCall): string {
  if (call.site === null) return '—';
  const site = call.site === OUTSIDE_CORP ? 'outside the offices (or unknown)' : clip(call.site, 60);
  return call.connection ? `${site}, ${CONNECTION_WORDS[call.connection]}` : site;
}
