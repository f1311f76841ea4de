import type { Audience, OrganizerNotice, ParticipantSide } from '../../alerts';
import type { ConversationRecord, SentCard } from '../../store';
import type { CallToDeliver } from './call-claims';

/** One card for one conversation, as planned. */
export interface PlannedCard {
  call: CallToDeliver;
  /** The organizer's or the admins' alert card, or a participant's card about their own side. */
  audience: Audience | 'participant';
  conversation: ConversationRecord;
  /** The card of this call the conversation has already, if any. */
  existing: SentCard | undefined;
  mode: 'new' | 'update';
  /** Organizer's card: until when they muted their alerts. */
  organizerMutedUntil: number | null;
  /** Admins' card: whether the organizer was told. */
  organizerNotice: OrganizerNotice;
  /** Participant's card: their side of the call (null on the other cards). */
  side: ParticipantSide | null;
}
