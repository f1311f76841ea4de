import type { CallAssessment } from './call-assessment';
import { participantSideOf, type ParticipantSide } from './participant-side';

/**
 * What a `check` of a call fetched from Graph may show the person who asked:
 * - `admins`: the admins' card, every participant's streams, networks and ratings;
 * - `organizer`: the card the organizer is sent about their own call;
 * - `participant`: only their own side (their poor streams, hints and rating), as a participant alert;
 * - `refused`: nothing, since the call is neither theirs nor did they take part in it.
 */
export type CheckView = { kind: 'admins' } | { kind: 'organizer' } | { kind: 'participant'; side: ParticipantSide } | { kind: 'refused' };

/**
 * Which view of a checked call a person gets. Admins see any call in full. Anyone else sees a call
 * only when they organized it (the organizer's card) or took part in it (their own side): the
 * admins' card names everyone, with their addresses, buildings, devices and ratings, which is not
 * for every member of the tenant who knows or guesses a call id.
 */
export function checkViewFor(assessment: CallAssessment, asker: { isAdmin: boolean; userAadId: string | null }): CheckView {
  if (asker.isAdmin) return { kind: 'admins' };
  const userId = asker.userAadId?.toLowerCase();
  if (!userId) return { kind: 'refused' };
  if (assessment.summary.organizer.id?.toLowerCase() === userId) return { kind: 'organizer' };
  const side = participantSideOf(assessment, userId);
  return side ? { kind: 'participant', side } : { kind: 'refused' };
}
