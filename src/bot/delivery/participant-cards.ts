import { PARTICIPANT_CARD_TYPE, participantConcerned, participantSideOf, participantsToTell, type ParticipantAlerts, type ParticipantSide } from '../../alerts';
import type { Store } from '../../store';
import type { CallToDeliver } from './call-claims';
import { mapLimited } from './delivery-round';
import type { OrganizerChats } from './organizer-chat';
import type { PlannedCard } from './planned-card';

/** What {@link planParticipantCards} needs. */
export interface ParticipantPlanOptions {
  store: Store;
  /** Finds or opens a person's 1:1 chat, with the mute and the card they already have. */
  chats: OrganizerChats;
  /** `ALERT_PARTICIPANTS`. */
  mode: ParticipantAlerts;
  concurrency: number;
}

/** The participants' cards of a round, and why a call's jobs must be retried (a chat could not be opened for now). */
export interface ParticipantPlan {
  cards: PlannedCard[];
  failures: Map<CallToDeliver, string[]>;
}

/**
 * Plans the cards participants get about their own side of each call (`ALERT_PARTICIPANTS`): a new
 * card for each participant the policy names (`participantsToTell`: never the organizer), and an
 * update for everyone who has a card of an older version, whether or not the newer one still
 * concerns them (their card then says their side looks fine). Muted people get no new card; people
 * the bot cannot reach are passed over, since nobody else is told about them.
 */
export async function planParticipantCards(calls: readonly CallToDeliver[], options: ParticipantPlanOptions): Promise<ParticipantPlan> {
  const plan: ParticipantPlan = { cards: [], failures: new Map() };
  if (options.mode === 'off') return plan;
  for (const call of calls) {
    const people = await peopleToConsider(call, options);
    const outcomes = await mapLimited(people, options.concurrency, async (side) => {
      const concerned = call.stored.alert && participantConcerned(side, options.mode);
      return { side, outcome: await options.chats.resolvePerson(call, { userAadId: side.person.id!, tenantId: side.person.tenantId }, concerned) };
    });
    for (const { side, outcome } of outcomes) {
      if (outcome.kind === 'retry') plan.failures.set(call, [...(plan.failures.get(call) ?? []), outcome.failure]);
      if (outcome.kind !== 'card') continue;
      const { conversation, existing, mode } = outcome;
      plan.cards.push({ call, audience: 'participant', conversation, existing, mode, organizerMutedUntil: null, organizerNotice: { reachable: undefined, reason: null }, side });
    }
  }
  return plan;
}

/**
 * The participants a version of a call may need a card for: those the policy names now, and those
 * whose 1:1 chat already shows a card or digest line of the call (an older version concerned them).
 */
async function peopleToConsider(call: CallToDeliver, options: ParticipantPlanOptions): Promise<ParticipantSide[]> {
  const { assessment } = call;
  const organizer = assessment.summary.organizer?.id?.toLowerCase() ?? null;
  const byId = new Map(participantsToTell(assessment, options.mode).map((side) => [side.person.id!.toLowerCase(), side]));
  for (const card of call.sentCards.filter((item) => item.cardType === PARTICIPANT_CARD_TYPE || item.cardType === 'digest')) {
    const conversation = await options.store.conversations.getConversation(card.conversationKey);
    const userAadId = conversation?.kind === 'personal' ? conversation.userAadId?.toLowerCase() : undefined;
    if (!userAadId || userAadId === organizer || byId.has(userAadId)) continue;
    byId.set(userAadId, participantSideOf(assessment, userAadId) ?? nobodyInTheCall(userAadId, conversation?.tenantId ?? null));
  }
  return [...byId.values()];
}

/** The side of someone a newer version no longer names: nothing on it. */
function nobodyInTheCall(userAadId: string, tenantId: string | null): ParticipantSide {
  return { index: -1, person: { id: userAadId, tenantId, displayName: null, service: false }, poorStreams: [], rating: null, hints: [] };
}
