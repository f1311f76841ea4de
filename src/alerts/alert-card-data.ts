import { feedbackTokenWords, streamTotalsOf, type FeedbackEntry, type StreamVerdict } from '../quality';
import type { AlertCardInput } from './alert-card-input';
import type { StreamParties } from './call-summary';
import { CARD_ACTIONS, MUTE_HOURS, type AlertActionData } from './card-action-data';
import { callTypeWords, cardDateTime, clip, count, durationWords, plural, STREAM_KIND_WORDS } from './card-text';
import { reasonWords, reasonSeverity, type ReasonWords } from './poor-reason-words';
import { groupHints } from './hint-groups';
import { isLowRating, ratingRank, ratingWords } from './rating-words';
import { headline, verdictSentence } from './alert-card-verdict';
import { failureCardData, type FailureCardData } from './alert-card-failures';

/** How many rows each part of an alert card may show before it ends with "and N more". */
export interface AlertCardLimits {
  poorStreams: number;
  feedback: number;
  hints: number;
  detailRows: number;
}

/**
 * The limits tried in turn until the card fits the size limit. The first fits every realistic
 * call; the later ones exist for records full of long names and comments.
 */
export const ALERT_CARD_LIMIT_STEPS: readonly AlertCardLimits[] = [
  { poorStreams: 12, feedback: 10, hints: 5, detailRows: 40 },
  { poorStreams: 8, feedback: 6, hints: 4, detailRows: 20 },
  { poorStreams: 5, feedback: 4, hints: 3, detailRows: 10 },
  { poorStreams: 2, feedback: 2, hints: 2, detailRows: 0 },
];

/** The longest name, comment and hint a card shows, in characters. */
const MAX_NAME = 60;
const MAX_COMMENT = 280;
const MAX_HINT = 300;

/**
 * Teams admin center, at the address Microsoft documents for it. Microsoft documents no link to one
 * call in call analytics: per-user call analytics is reached in the admin center under Users ›
 * Manage users › the user › Meetings & calls (learn.microsoft.com/microsoftteams/use-call-analytics-to-troubleshoot-poor-call-quality),
 * so the card says where to look and opens the admin center itself rather than a guessed deep link.
 */
export const TEAMS_ADMIN_CENTER_URL = 'https://admin.teams.microsoft.com/';

/** The `id` of the hidden container the Details button toggles. */
export const DETAILS_CONTAINER_ID = 'alertDetails';

/** The data the alert template binds: every field it names, as strings, booleans and arrays. */
export interface AlertCardData extends FailureCardData {
  accentColor: string;
  title: string;
  subtitle: string;
  verdict: string;
  organizer: string;
  started: string;
  duration: string;
  participants: string;
  callType: string;
  showUnreachable: boolean;
  unreachableText: string;
  showAcknowledged: boolean;
  acknowledgedName: string;
  acknowledgedAt: string;
  showMuted: boolean;
  mutedText: string;
  showResent: boolean;
  resentText: string;
  hasPoorStreams: boolean;
  poorHeading: string;
  poorRows: PoorRow[];
  hasPoorMore: boolean;
  poorMore: string;
  hasFeedback: boolean;
  feedbackHeading: string;
  feedback: FeedbackRow[];
  hasFeedbackMore: boolean;
  feedbackMore: string;
  hasHints: boolean;
  hints: { text: string }[];
  hasHintsMore: boolean;
  hintsMore: string;
  hasMoreHints: boolean;
  moreHints: { text: string }[];
  hasMoreHintsMore: boolean;
  moreHintsMore: string;
  hasDetails: boolean;
  detailsId: string;
  detailsActionId: string;
  detailsVisible: boolean;
  hasDetailRows: boolean;
  detailsHeading: string;
  detailRows: DetailRow[];
  hasDetailsMore: boolean;
  detailsMore: string;
  callId: string;
  footer: string;
  showCallAnalytics: boolean;
  callAnalyticsText: string;
  callAnalyticsUrl: string;
  showAcknowledge: boolean;
  acknowledgeVerb: string;
  acknowledgeData: AlertActionData;
  showMute: boolean;
  muteVerb: string;
  muteData: AlertActionData;
}

interface PoorRow {
  fromTo: string;
  media: string;
  reasons: ReasonWords[];
}

interface FeedbackRow {
  name: string;
  rating: string;
  ratingColor: string;
  hasTokens: boolean;
  tokens: string;
  hasComment: boolean;
  comment: string;
}

interface DetailRow {
  fromTo: string;
  media: string;
  verdict: string;
  verdictColor: string;
  why: string;
}

/** Builds what the alert template shows, within the given limits. Pure. */
export function alertCardData(input: AlertCardInput, limits: AlertCardLimits): AlertCardData {
  const { report, summary, audience } = input;
  const parties = partiesByStream(summary.streams);
  const poorStreams = report.streams.filter((stream) => stream.classification === 'poor');
  // A stored report of a big meeting keeps only its poor streams and the first few others: count from its counts.
  const totals = streamTotalsOf(report);
  const feedback = visibleFeedback(report.feedback);
  const callId = summary.callId ?? report.callId ?? '';
  const version = report.version ?? summary.version;
  const actionData: AlertActionData = { callId, tenantId: input.tenantId ?? null, version, audience };
  const acknowledged = input.acknowledgedBy ?? null;
  const muted = audience === 'organizer' && input.muted === true;
  const viewOnly = input.viewOnly === true;
  const organizerName = clip(summary.organizer.displayName ?? summary.organizer.id ?? 'unknown', MAX_NAME);
  const { title, accentColor } = headline(report, feedback);

  // The worst streams first: a big meeting's card shows the streams most worth a look.
  const rankedPoor = poorStreams
    .map((stream, index) => ({ stream, index, worst: Math.max(0, ...stream.reasons.map(reasonSeverity)) }))
    .sort((a, b) => b.worst - a.worst || a.index - b.index)
    .map(({ stream }) => stream);
  const poorRows: PoorRow[] = rankedPoor.slice(0, limits.poorStreams).map((stream) => ({
    fromTo: fromToWords(parties.get(streamKey(stream))),
    media: stream.kind ? STREAM_KIND_WORDS[stream.kind] : 'Other',
    reasons: stream.reasons.map(reasonWords),
  }));
  const shownFeedback = feedback.slice(0, limits.feedback).map(feedbackRow);
  const allHints = groupHints(summary.hints).map((text) => ({ text: clip(text, MAX_HINT) }));
  const hints = allHints.slice(0, limits.hints);
  // Hints beyond the first few go to the Details section, which has room for as many as its table.
  const moreHints = allHints.slice(limits.hints, limits.hints + limits.detailRows);
  const hiddenHints = allHints.length - hints.length - moreHints.length;
  const detailStreams = report.streams.filter((stream) => stream.kind !== null);
  const detailRows = detailStreams.slice(0, limits.detailRows).map((stream) => detailRow(stream, parties));

  return {
    accentColor,
    title,
    subtitle: `${audience === 'organizer' ? `Your ${lowerFirst(callTypeWords(summary.type))}` : callTypeWords(summary.type)} · ${cardDateTime(summary.startDateTime)}`,
    verdict: verdictSentence(report, totals.poor, totals.judged, feedback),
    organizer: organizerName,
    started: cardDateTime(summary.startDateTime),
    duration: durationWords(summary.durationSeconds),
    participants: count(summary.participantCount),
    callType: callTypeWords(summary.type),
    showUnreachable: audience === 'admins' && input.organizerReachable === false,
    unreachableText: `The organizer was not told about this call${input.organizerUnreachableReason ? `: ${clip(input.organizerUnreachableReason, 200)}` : ': the bot could not reach them in Teams'}. Only this channel got the alert.`,
    showAcknowledged: acknowledged !== null,
    acknowledgedName: acknowledged ? clip(acknowledged.name, MAX_NAME) : '',
    acknowledgedAt: acknowledged ? cardDateTime(acknowledged.at, '') : '',
    showMuted: muted,
    showResent: input.resentAfterRestart === true,
    resentText: 'Sent again after the bot restarted while posting this alert: if you already have it, this is a copy.',
    mutedText: `Your call-quality alerts are muted${input.mutedUntil ? ` until ${cardDateTime(input.mutedUntil)}` : ''}. Send **unmute** to get them again.`,
    hasPoorStreams: poorRows.length > 0,
    poorHeading: `Poor streams (${count(totals.poor)} of ${count(totals.judged)})`,
    poorRows,
    ...failureCardData(report, limits.poorStreams),
    hasPoorMore: totals.poor > limits.poorStreams,
    poorMore: `…and ${plural(totals.poor - limits.poorStreams, 'more poor stream')}. Use **check ${callId}** or Call Quality Dashboard for all of them.`,
    hasFeedback: shownFeedback.length > 0,
    feedbackHeading: `What people said (${count(feedback.length)})`,
    feedback: shownFeedback,
    hasFeedbackMore: feedback.length > limits.feedback,
    feedbackMore: `…and ${plural(feedback.length - limits.feedback, 'more answer')}.`,
    hasHints: hints.length > 0,
    hints,
    hasHintsMore: allHints.length > limits.hints,
    hintsMore: `…and ${plural(allHints.length - limits.hints, 'more hint')}${moreHints.length > 0 ? ' under Details' : ''}.`,
    hasMoreHints: moreHints.length > 0,
    moreHints,
    hasMoreHintsMore: hiddenHints > 0,
    moreHintsMore: `…and ${plural(hiddenHints, 'more hint')}.`,
    hasDetails: detailRows.length > 0 || moreHints.length > 0,
    detailsId: DETAILS_CONTAINER_ID,
    detailsActionId: CARD_ACTIONS.details,
    detailsVisible: input.showDetails === true,
    hasDetailRows: detailRows.length > 0,
    detailsHeading: `Every stream (${count(totals.scored)})`,
    detailRows,
    hasDetailsMore: totals.scored > limits.detailRows,
    detailsMore: `…and ${plural(totals.scored - limits.detailRows, 'more stream')}.`,
    callId,
    footer: `version ${version ?? '?'} · profile ${report.profile}`,
    showCallAnalytics: audience === 'admins' && input.adminCenterLink !== false,
    callAnalyticsText: `In call analytics: Teams admin center › Users › Manage users › ${organizerName} › Meetings & calls, the call of ${cardDateTime(summary.startDateTime)}.`,
    callAnalyticsUrl: TEAMS_ADMIN_CENTER_URL,
    showAcknowledge: acknowledged === null && !viewOnly,
    acknowledgeVerb: CARD_ACTIONS.acknowledge,
    acknowledgeData: actionData,
    showMute: audience === 'organizer' && !muted && !viewOnly,
    muteVerb: CARD_ACTIONS.mute,
    muteData: { ...actionData, hours: MUTE_HOURS },
  };
}

function visibleFeedback(entries: readonly FeedbackEntry[]): FeedbackEntry[] {
  return entries
    .filter((entry) => (entry.rating !== null && entry.rating !== 'notRated') || entry.tokens.length > 0 || (entry.text ?? '').trim() !== '')
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => ratingRank(a.entry.rating) - ratingRank(b.entry.rating) || a.index - b.index)
    .map(({ entry }) => entry);
}

function feedbackRow(entry: FeedbackEntry): FeedbackRow {
  const tokens = entry.tokens.map(feedbackTokenWords).join(', ');
  const comment = (entry.text ?? '').trim();
  return {
    name: clip(entry.displayName ?? entry.userId ?? 'Someone', MAX_NAME),
    rating: ratingWords(entry.rating),
    ratingColor: isLowRating(entry.rating) ? 'attention' : 'default',
    hasTokens: tokens !== '',
    tokens: tokens === '' ? '' : `Problems: ${tokens}`,
    hasComment: comment !== '',
    comment: comment === '' ? '' : `“${clip(comment, MAX_COMMENT)}”`,
  };
}

function detailRow(stream: StreamVerdict, parties: ReadonlyMap<string, StreamParties>): DetailRow {
  const verdicts = { poor: ['Poor', 'attention'], good: ['Good', 'good'], unclassified: ['Not judged', 'default'] } as const;
  const [verdict, verdictColor] = verdicts[stream.classification];
  const why = stream.reasons.map((reason) => {
    const words = reasonWords(reason);
    return `${words.metric} ${words.measured} (${words.poorWhen})`;
  });
  return {
    fromTo: fromToWords(parties.get(streamKey(stream))),
    media: stream.kind ? STREAM_KIND_WORDS[stream.kind] : 'Other',
    verdict,
    verdictColor,
    why: why.length > 0 ? why.join('; ') : stream.classification === 'good' ? 'within every threshold' : 'no metric reported',
  };
}

function streamKey(stream: Pick<StreamVerdict, 'sessionId' | 'segmentId' | 'streamId' | 'direction'>): string {
  return JSON.stringify([stream.sessionId, stream.segmentId, stream.streamId, stream.direction]);
}

function partiesByStream(streams: readonly StreamParties[]): Map<string, StreamParties> {
  const map = new Map<string, StreamParties>();
  for (const stream of streams) {
    const key = streamKey(stream);
    if (!map.has(key)) map.set(key, stream);
  }
  return map;
}

function fromToWords(parties: StreamParties | undefined): string {
  if (!parties || (parties.from === null && parties.to === null)) return 'Unknown endpoints';
  return `${endWords(parties.from ?? 'Someone', parties.fromWhere)} → ${endWords(parties.to ?? 'someone', parties.toWhere)}`;
}

/** One end of a stream: the name, and where it was when the building file says (`Olga (HQ Building, Wi-Fi 5 GHz)`). */
function endWords(name: string, where: string | null | undefined): string {
  return where ? `${clip(name, MAX_NAME)} (${clip(where, MAX_NAME)})` : clip(name, MAX_NAME);
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
