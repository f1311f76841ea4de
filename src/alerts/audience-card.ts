import type { Acknowledgement, OrganizerNotice } from './acknowledgement';
import { buildAlertCard } from './alert-card';
import type { Audience } from './audience';
import type { CallAssessment } from './call-assessment';
import type { AdaptiveCardDocument } from './card-document';

/** What the alert card of a call shows for one audience, as it stands now. */
export interface AudienceCardInput {
  assessment: CallAssessment;
  audience: Audience;
  tenantId: string | null;
  acknowledgedBy: Acknowledgement | null;
  /** Organizer's card: until when (epoch ms) the organizer muted their alerts, null when not muted. */
  organizerMutedUntil: number | null;
  /** Admins' card: whether the organizer was told, and why not. */
  organizerNotice: OrganizerNotice;
  /** A post that may repeat one made before a crash (see `AlertCardInput.resentAfterRestart`). */
  resentAfterRestart?: boolean;
}

/**
 * The alert card of a call for one audience: the organizer's says whether they muted their alerts,
 * the admins' whether the organizer could be told. The delivery (first send and updates) and the card
 * actions (acknowledge, mute, refresh) build every copy through this one function.
 */
export function alertCardFor(input: AudienceCardInput): AdaptiveCardDocument {
  const { assessment, audience, tenantId, acknowledgedBy, resentAfterRestart } = input;
  const common = { ...assessment, audience, tenantId, acknowledgedBy, resentAfterRestart };
  if (audience === 'organizer') {
    const until = input.organizerMutedUntil;
    return buildAlertCard({ ...common, muted: until !== null, mutedUntil: until !== null ? new Date(until).toISOString() : null });
  }
  return buildAlertCard({ ...common, organizerReachable: input.organizerNotice.reachable, organizerUnreachableReason: input.organizerNotice.reason });
}
