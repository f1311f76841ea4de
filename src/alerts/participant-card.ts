import type { CallAssessment } from './call-assessment';
import type { DigestItem } from './digest-card';
import type { AdaptiveCardDocument } from './card-document';
import { expandTemplate } from './card-template';
import { callTypeWords, cardDateTime, clip, durationWords, plural, STREAM_KIND_WORDS } from './card-text';
import { oneFixFor } from './hint-fixes';
import type { ParticipantSide, SidePoorStream } from './participant-side';
import { reasonPhrase, reasonSeverity } from './poor-reason-words';
import { isLowRating, ratingWords } from './rating-words';
import participantTemplate from './templates/participant-card.json';

/** How many poor streams and hints the card lists before "…and N more". */
const LINES_SHOWN = 5;

/** What a participant's card is built from. */
export interface ParticipantCardInput {
  /** The call as scored: only its times, type and id are shown, never another person's details. */
  assessment: CallAssessment;
  /** The reader's own side of it. */
  side: ParticipantSide;
  /** A post that may repeat one made before a crash: the card says it may be a copy. */
  resentAfterRestart?: boolean;
}

/**
 * The card a participant gets in their 1:1 chat about their own side of a call: what went wrong on
 * their side (their poor streams and the hints about their own network and devices), their rating,
 * and one fix in plain language. It names nobody else: not the organizer, not the other people,
 * their addresses, buildings or ratings. It has no buttons, since the card actions answer with
 * the organizer's card (which names everyone); muting is the `mute` command.
 */
export function buildParticipantCard(input: ParticipantCardInput): AdaptiveCardDocument {
  const { assessment, side } = input;
  const { summary } = assessment;
  const head = headOf(side);
  const facts = [
    { title: 'When', value: cardDateTime(summary.startDateTime) },
    { title: 'How long', value: durationWords(summary.durationSeconds) },
    ...(side.rating ? [{ title: 'Your rating', value: ratingWords(side.rating) }] : []),
  ];
  const streams = side.poorStreams.slice(0, LINES_SHOWN).map((stream) => ({ text: streamLine(stream) }));
  return expandTemplate(participantTemplate, {
    title: head.title,
    accentColor: head.accentColor,
    subtitle: `${callTypeWords(summary.type)} · ${cardDateTime(summary.startDateTime)}`,
    isResent: input.resentAfterRestart === true,
    resentNote: 'Sent again after the bot restarted while posting this message: if you already have it, this is a copy.',
    intro: head.intro,
    facts,
    hasStreams: streams.length > 0,
    streams,
    hasStreamsMore: side.poorStreams.length > streams.length,
    streamsMore: `…and ${plural(side.poorStreams.length - streams.length, 'more poor stream')}.`,
    hasHints: side.hints.length > 0,
    hints: side.hints.slice(0, LINES_SHOWN).map((hint) => ({ text: clip(hint.text, 300) })),
    fix: oneFixFor(side),
    footer: 'Only you got this message, and it shows only your side of the call. Say "mute" to pause these messages, or "last call" and "my calls" to see how your calls went.',
    callId: `Call ${summary.callId ?? assessment.report.callId ?? ''}`.trim(),
  });
}

/** The line notifications and chat lists show for a participant's card. */
export function participantSummaryLine(side: ParticipantSide): string {
  return headOf(side).title;
}

function headOf(side: ParticipantSide): { title: string; accentColor: string; intro: string } {
  const poor = side.poorStreams.length;
  if (poor > 0) {
    return {
      title: 'Your connection or device had trouble in a call',
      accentColor: 'attention',
      intro: `${plural(poor, 'stream')} of yours crossed a Call Quality Dashboard threshold in this call, and the call record puts ${poor === 1 ? 'it' : 'them'} on your side: your own network or device. Here is what it shows, and one thing to try.`,
    };
  }
  if (isLowRating(side.rating)) {
    return {
      title: `You rated a call ${side.rating}`,
      accentColor: 'warning',
      intro: 'Thank you for rating the call. Here is what the call record shows about your side of it.',
    };
  }
  return {
    title: 'Your side of this call looks fine now',
    accentColor: 'good',
    intro: 'A newer version of the call record no longer puts a poor stream on your side.',
  };
}

/** "Audio you sent: Jitter 61 ms (poor above 30 ms)". */
function streamLine(stream: SidePoorStream): string {
  const kind = stream.kind ? STREAM_KIND_WORDS[stream.kind] : 'A stream';
  const reasons = stream.reasons.map(reasonPhrase).join(', ');
  return `${kind} you ${stream.sent ? 'sent' : 'received'}${reasons ? `: ${reasons}` : ''}`;
}

/**
 * A participant's call as a digest line: their own side only (their worst poor stream and their own
 * rating), and no organizer's name, since the line is about them.
 */
export function participantDigestItem(callId: string, assessment: CallAssessment, side: ParticipantSide): DigestItem {
  const reasons = side.poorStreams.flatMap((stream) => stream.reasons);
  const worst = reasons.sort((a, b) => reasonSeverity(b) - reasonSeverity(a))[0];
  return {
    callId,
    startDateTime: assessment.summary.startDateTime,
    organizerName: 'Your side of a call',
    quality: side.poorStreams.length > 0 ? 'poor' : 'good',
    worstReason: worst ? reasonPhrase(worst) : null,
    ratings: side.rating ? [side.rating] : [],
  };
}
