import type { CallQualityReport, Classification } from '../quality';
import type { Audience } from './audience';
import type { CallSummary } from './call-summary';
import type { AdaptiveCardDocument } from './card-document';
import { expandTemplate } from './card-template';
import { cardDateTime, clip, plural } from './card-text';
import { assessmentOf } from './call-assessment';
import { worstReasonOf } from './call-ranking';
import { reasonPhrase } from './poor-reason-words';
import { isLowRating } from './rating-words';
import { failuresOf } from './alert-decision';
import { mismatchMarker, mismatchOf, type CallMismatch } from './call-mismatch';
import { failureMarker } from './failure-words';
import callListTemplate from './templates/call-list-card.json';

/** One call in a digest or in the `recent` list. */
export interface DigestItem {
  callId: string;
  /** ISO 8601, null when unknown. */
  startDateTime: string | null;
  organizerName: string | null;
  quality: Classification;
  /** The worst reason in words ("Jitter 61 ms (poor above 30 ms)"), null when no stream was poor. */
  worstReason: string | null;
  /** The feedback ratings people gave ("poor", "bad"), one per answer. */
  ratings: string[];
  /** What failed, as a short marker ("dropped", "set-up failure"), null when no session failed. */
  failure?: string | null;
  /** Where the ratings and the measurements disagree, null when they agree. */
  mismatch?: CallMismatch | null;
}

/** How many calls a digest or recent list shows before "…and N more". */
export const CALL_LIST_ROW_LIMIT = 10;

/** How many calls the `recent` card shows (and numbers, for `check N`) before "…and N more". */
export const RECENT_ROWS_SHOWN = CALL_LIST_ROW_LIMIT * 2;

/** The digest item of a scored call: its worst reason is the crossing furthest past its threshold. */
export function digestItemOf(report: CallQualityReport, summary: CallSummary): DigestItem {
  const worst = worstReasonOf(report);
  return {
    callId: summary.callId ?? report.callId ?? '',
    startDateTime: summary.startDateTime,
    organizerName: summary.organizer.displayName,
    quality: report.quality,
    worstReason: worst ? reasonPhrase(worst) : null,
    ratings: report.feedback.map((entry) => entry.rating).filter((rating): rating is string => rating !== null && rating !== 'notRated'),
    failure: failureMarker(failuresOf(report)),
    mismatch: mismatchOf(report.quality, report.feedback.map((entry) => entry.rating)),
  };
}

/** The digest item of a stored call (its report and summary kept as JSON), under the stored call id. */
export function digestItemOfStored(stored: { callId: string; report: unknown; summary: unknown }): DigestItem {
  const { report, summary } = assessmentOf(stored);
  return { ...digestItemOf(report, summary), callId: stored.callId };
}

/**
 * A digest: alerts folded together because a conversation's send budget ran out. Shows the worst
 * calls first (poor quality before complaints, then the most low ratings), at most
 * {@link CALL_LIST_ROW_LIMIT}, and says how many more there are out of `totalCount`.
 * `resentAfterRestart`: the post may repeat alerts posted before a crash, and the digest says so.
 */
export function buildDigestCard(input: { audience: Audience; items: DigestItem[]; totalCount: number; resentAfterRestart?: boolean }): AdaptiveCardDocument {
  const ranked = input.items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => rank(a.item) - rank(b.item) || lowRatings(b.item) - lowRatings(a.item) || a.index - b.index)
    .map(({ item }) => item);
  const total = Math.max(input.totalCount, input.items.length);
  const shown = ranked.slice(0, CALL_LIST_ROW_LIMIT);
  return expandTemplate(callListTemplate, {
    title: `${plural(total, 'call')} with poor quality or ratings`,
    subtitle: input.audience === 'organizer' ? 'Your calls, folded into one message' : 'Folded into one message to stay within Teams’ sending limits',
    badge: 'Call quality digest',
    accentColor: 'attention',
    hasIntro: true,
    intro: [
      'More alerts were due at once than Teams lets a bot post in one conversation, so they are listed here, worst first.',
      shown.length < total ? `The ${shown.length} worst are shown.` : '',
      input.resentAfterRestart ? 'Sent again after the bot restarted while posting these alerts: some may already be in this conversation.' : '',
    ]
      .filter((sentence) => sentence !== '')
      .join(' '),
    ...listRows(shown),
    hasMore: total > shown.length,
    more: `…and ${plural(total - shown.length, 'more call')}.`,
    isEmpty: total === 0,
    empty: 'No calls in this digest.',
    footer: 'Send recent to list the latest poor calls, or check CALL-ID for one call’s full card.',
  });
}

/** The answer to `recent N`: the last poor calls, in the order given (newest first), numbered for `check N`. */
export function buildRecentCallsCard(items: DigestItem[]): AdaptiveCardDocument {
  const shown = items.slice(0, RECENT_ROWS_SHOWN);
  return expandTemplate(callListTemplate, {
    title: items.length === 0 ? 'No recent poor calls' : `Recent poor calls (${items.length})`,
    subtitle: 'Newest first',
    badge: 'Call quality',
    accentColor: items.length === 0 ? 'good' : 'default',
    hasIntro: false,
    intro: '',
    ...listRows(shown, true),
    hasMore: items.length > shown.length,
    more: `…and ${plural(items.length - shown.length, 'more call')}.`,
    isEmpty: items.length === 0,
    empty: 'No call was judged poor or rated badly yet.',
    footer: 'Send check and a number above (check 1) or a call id for one call’s full card.',
  });
}

/** The rows of a call list; `numbered` puts each call's number (from 1) before it, as `check N` takes it. */
function listRows(items: readonly DigestItem[], numbered = false) {
  return {
    hasRows: items.length > 0,
    rows: items.map((item, index) => {
      const [verdict, verdictColor] = verdictOf(item);
      const complaints = item.ratings.filter(isLowRating);
      const ratingWords =
        complaints.length === 0 ? null : complaints.length === 1 ? `rated ${complaints[0]}` : `${complaints.length} low ratings (${[...new Set(complaints)].join(', ')})`;
      const mismatch = item.mismatch ? mismatchMarker(item.mismatch) : null;
      const why = [item.failure ?? null, item.worstReason, ratingWords, mismatch].filter((part): part is string => part !== null).join(' · ');
      return {
        started: cardDateTime(item.startDateTime),
        organizer: `${numbered ? `${index + 1}. ` : ''}${clip(item.organizerName ?? 'unknown organizer', 60)}`,
        callId: item.callId,
        verdict,
        verdictColor,
        why: why === '' ? '—' : clip(why, 200),
      };
    }),
  };
}

function verdictOf(item: DigestItem): [string, string] {
  if (item.failure) return ['Failed', 'attention'];
  if (item.quality === 'poor') return ['Poor', 'attention'];
  if (item.ratings.some(isLowRating)) return ['Rated low', 'warning'];
  if (item.quality === 'good') return ['Good', 'good'];
  return ['Not judged', 'default'];
}

function rank(item: DigestItem): number {
  if (item.quality === 'poor' || item.failure) return 0;
  return item.ratings.some(isLowRating) ? 1 : 2;
}

function lowRatings(item: DigestItem): number {
  return item.ratings.filter(isLowRating).length;
}
