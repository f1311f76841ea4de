import type { CallQualityReport } from '../quality';
import type { Acknowledgement } from './acknowledgement';
import type { Audience } from './audience';
import type { CallSummary } from './call-summary';

/** Everything an alert card shows. */
export interface AlertCardInput {
  report: CallQualityReport;
  summary: CallSummary;
  audience: Audience;
  /** The tenant of the call, sent back in the actions' data. */
  tenantId?: string | null;
  /** Admins' card: false when the organizer could not be told (the card says so). Undefined: not known, nothing said. */
  organizerReachable?: boolean;
  /** Why the organizer could not be reached, in a few words ("the app is not installed for them"). */
  organizerUnreachableReason?: string | null;
  /** Set once someone acknowledged the alert: the card shows who and when and drops the button. `at` is ISO 8601. */
  acknowledgedBy?: Acknowledgement | null;
  /** Organizer's card: the organizer muted their alerts (the card says so and drops the mute button). */
  muted?: boolean;
  /** When the mute ends (ISO 8601), shown with `muted`. */
  mutedUntil?: string | null;
  /** The bot restarted while posting this card before and may have posted it already: the card says it may be a copy. */
  resentAfterRestart?: boolean;
  /** Show the full per-stream table expanded. */
  showDetails?: boolean;
  /**
   * A card that only shows a call, as `check` answers: the call is not stored, so Acknowledge and
   * Mute (which act on the stored alert) are left out; Details still works.
   */
  viewOnly?: boolean;
  /**
   * Admins' card: false leaves out where the call is in Teams admin center and its button (a
   * `check` answered to someone who is not an admin cannot open call analytics). True unless said.
   */
  adminCenterLink?: boolean;
  /** Entra ids of users whose Teams client should refresh the card (Universal Actions `refresh.userIds`, at most 60 kept). */
  refreshUserIds?: readonly string[];
}
