import {
  alertCardFor,
  alertSummaryLine,
  buildDigestCard,
  buildParticipantCard,
  decodeAcknowledgement,
  digestItemOfStored,
  digestSummaryLine,
  failuresOf,
  participantDigestItem,
  participantSummaryLine,
  worstFirst,
} from '../../alerts';
import type { SentCard } from '../../store';
import { cardActivity } from '../card-activity';
import type { PlannedCard } from './planned-card';

/**
 * The message of one planned card as it stands now: the alert card for the organizer or the admins
 * (with the acknowledgement the conversation's copy has), or a participant's card about their own
 * side. `resentAfterRestart`: the post may repeat one made before a crash, and the card says so.
 */
export function plannedCardActivity(card: PlannedCard, existing: SentCard | undefined, now: number, resentAfterRestart = false) {
  const { call } = card;
  if (card.audience === 'participant') {
    const side = card.side!;
    return cardActivity(buildParticipantCard({ assessment: call.assessment, side, resentAfterRestart }), participantSummaryLine(side));
  }
  const document = alertCardFor({
    assessment: call.assessment,
    audience: card.audience,
    tenantId: call.tenantId,
    acknowledgedBy: decodeAcknowledgement(existing?.acknowledgedBy, existing?.updatedAt ?? now),
    organizerMutedUntil: card.organizerMutedUntil,
    organizerNotice: card.organizerNotice,
    resentAfterRestart,
  });
  return cardActivity(document, alertSummaryLine(call.assessment.report.quality, call.assessment.summary?.organizer?.displayName, failuresOf(call.assessment.report)));
}

/**
 * One digest message for cards folded in a conversation, worst first. A participant's line shows
 * only their side; a personal chat's digest (an organizer's or a participant's) speaks to its reader.
 */
export function digestActivity(folded: readonly PlannedCard[], resentAfterRestart = false) {
  const ranked = worstFirst(folded.map((card) => ({ card, report: card.call.assessment.report, startedAt: card.call.stored.startedAt })));
  const items = ranked.map(({ card }) =>
    card.audience === 'participant' ? participantDigestItem(card.call.callId, card.call.assessment, card.side!) : digestItemOfStored(card.call.stored),
  );
  const audience = folded[0]!.audience === 'admins' ? 'admins' : 'organizer';
  return cardActivity(buildDigestCard({ audience, items, totalCount: items.length, resentAfterRestart }), digestSummaryLine(items.length));
}
