import type { CallFailure, Classification } from '../quality';
import { failureTitle } from './failure-words';
import type { Audience } from './audience';
import type { CallAssessment } from './call-assessment';
import { participantSideOf, poorSidesOf, type ParticipantSide } from './participant-side';
import { isLowRating } from './rating-words';

/**
 * Who gets which card, decided from plain values: the delivery (in `src/bot`) asks these questions
 * and does the sending. No I/O here.
 */

/** What a conversation needs for a version of a call: a new card, an update of the one it has, or nothing. */
export type CardPlan = 'new' | 'update' | 'none';

/** What a conversation already has of a call: the version and type of the card sent there. */
export interface CardSentBefore {
  version: number;
  /**
   * `alert` or {@link PARTICIPANT_CARD_TYPE} (can be updated in place) or `digest` (a line in a
   * digest: a newer version gets a card of its own).
   */
  cardType: string;
}

/**
 * The sent card type of a participant's card about their own side. Kept apart from `alert` so that
 * nothing that refreshes the copies of an alert (an acknowledgement) ever turns a participant's
 * card into the organizer's, which names everyone.
 */
export const PARTICIPANT_CARD_TYPE = 'participant';

/**
 * The plan for one conversation: nothing when it already shows this version or a newer one; an
 * update when it shows an older alert card of the call; a new card when the version calls for an
 * alert and the conversation has none. When it shows an older version only as a digest line, the
 * newer version gets a card of its own even when it no longer alerts: a digest line cannot be
 * edited, so the change is posted once (and later versions update that card) rather than dropped.
 */
export function cardPlanFor(version: { version: number; alert: boolean }, sentBefore: CardSentBefore | undefined): CardPlan {
  if (sentBefore && sentBefore.version >= version.version) return 'none';
  if (sentBefore && (sentBefore.cardType === 'alert' || sentBefore.cardType === PARTICIPANT_CARD_TYPE)) return 'update';
  if (sentBefore && sentBefore.cardType === 'digest') return 'new';
  return version.alert ? 'new' : 'none';
}

/** `ALERT_CHANNEL_POLICY`: `all` sends the admins' channel every alert, `poor` only calls whose quality is poor or that failed. */
export type ChannelPolicy = 'all' | 'poor';

/**
 * Whether the admins' channel gets the card the plan names. Updates, and the card that follows a
 * digest line of the call, always go out: the channel shows the call already, whatever the policy.
 * Under `poor`, a failed call (`failed`: a session that could not be set up or dropped) goes out
 * too: it is what the policy keeps out, a complaint alone, that it is not.
 */
export function adminsGetCard(plan: CardPlan, policy: ChannelPolicy, quality: Classification | string, sentBefore?: CardSentBefore, failed = false): boolean {
  if (plan === 'update') return true;
  return plan === 'new' && (sentBefore?.cardType === 'digest' || policy === 'all' || quality === 'poor' || failed);
}

/** What the admins' card says when the organizer muted their alerts. */
export function mutedNotice(until: number): string {
  return `they muted their alerts until ${new Date(until).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** How new cards fit a conversation's budget: sent one by one, folded into one digest, or all put off. */
export interface BudgetSplit<T> {
  individually: T[];
  folded: T[];
  deferred: T[];
}

/**
 * Splits a conversation's new cards (worst first) by the sends its budget has left: all go out
 * when they fit; when more are due than fit, all but one slot's worth go out as cards and the rest
 * are folded into one digest; with no room at all, everything waits.
 */
export function splitForBudget<T>(news: readonly T[], available: number): BudgetSplit<T> {
  if (news.length === 0) return { individually: [], folded: [], deferred: [] };
  if (available < 1) return { individually: [], folded: [], deferred: [...news] };
  if (news.length <= available) return { individually: [...news], folded: [], deferred: [] };
  const individually = news.slice(0, available - 1);
  return { individually, folded: news.slice(individually.length), deferred: [] };
}

/**
 * The line notifications and chat lists show for an alert card ("Poor call quality: call organized by
 * Abbie"); a failed session comes first, in the card's title's words ("Call dropped").
 */
export function alertSummaryLine(quality: Classification | string, organizerName: string | null | undefined, failures: readonly CallFailure[] = []): string {
  const what = failures.length > 0 ? failureTitle(failures) : quality === 'poor' ? 'Poor call quality' : 'Bad call rating';
  return organizerName ? `${what}: call organized by ${organizerName}` : what;
}

/** The line for a digest card. */
export function digestSummaryLine(count: number): string {
  return `${count} calls with failures, poor quality or bad ratings`;
}

/** The audience of a conversation: a personal chat is the organizer's, anything else the admins'. */
export function audienceOfConversation(kind: string): Audience {
  return kind === 'personal' ? 'organizer' : 'admins';
}

/**
 * `ALERT_PARTICIPANTS`: who among the participants is told about their own side of an alerting call,
 * in their 1:1 chat. `off` nobody; `poor-side` those whose own network or device caused a poor
 * stream; `raters` those and also everyone who rated the call bad or poor.
 */
export type ParticipantAlerts = 'off' | 'poor-side' | 'raters';

/** Whether a participant's side calls for a card of its own under `mode`. */
export function participantConcerned(side: ParticipantSide, mode: ParticipantAlerts): boolean {
  if (mode === 'off') return false;
  return side.poorStreams.length > 0 || (mode === 'raters' && isLowRating(side.rating));
}

/**
 * The participants to tell about a call, each once: under `mode`, those with an Entra id (the bot can
 * write only to users of a tenant), never the organizer (their own card already covers the call).
 */
export function participantsToTell(assessment: CallAssessment, mode: ParticipantAlerts): ParticipantSide[] {
  if (mode === 'off') return [];
  const organizer = assessment.summary.organizer?.id?.toLowerCase() ?? null;
  const poorSides = poorSidesOf(assessment);
  const ids = new Set<string>();
  for (const index of poorSides.keys()) {
    const id = assessment.summary.people[index]?.id;
    if (id) ids.add(id.toLowerCase());
  }
  if (mode === 'raters') for (const entry of assessment.report.feedback) if (entry.userId && isLowRating(entry.rating)) ids.add(entry.userId.toLowerCase());
  if (organizer) ids.delete(organizer);
  return [...ids].flatMap((id) => {
    const side = participantSideOf(assessment, id, poorSides);
    return side && participantConcerned(side, mode) ? [side] : [];
  });
}
