/**
 * The `Action.Execute` verbs the cards carry, and the `data` each sends back. The bot registers a
 * handler per verb (`app.adaptiveCards.actionExecute(verb, …)`) and reads `data` with
 * {@link readAlertActionData}.
 *
 * - `acknowledge`: someone saw the alert. The bot records it and answers with the same card built
 *   with `acknowledgedBy` (and updates the other copies), so the button disappears for everyone.
 * - `mute`: the organizer mutes their own alerts for `hours` (24). Only on the organizer's card.
 * - `refresh`: the Universal Actions refresh verb, sent by Teams when a listed user views the card;
 *   the bot answers with the current card. Only present when the card was built with `refreshUserIds`.
 * - `details`: not a bot verb. It is the `id` of the `Action.ToggleVisibility` button that shows the
 *   full per-stream table; it never reaches the bot.
 */
export const CARD_ACTIONS = {
  acknowledge: 'alert.acknowledge',
  details: 'alert.details',
  mute: 'alert.mute',
  refresh: 'alert.refresh',
} as const;

/** A verb the bot receives from an alert card. */
export type AlertCardVerb = (typeof CARD_ACTIONS)['acknowledge' | 'mute' | 'refresh'];

/** How long "Mute my alerts" mutes, in hours. */
export const MUTE_HOURS = 24;

/** The `data` of every `Action.Execute` on an alert card. */
export interface AlertActionData {
  /** The call record id. */
  callId: string;
  /** The tenant of the call, null when the card was built without one. */
  tenantId: string | null;
  /** The call record version the card was built from. */
  version: number | null;
  /** Which copy of the card the action came from. */
  audience: 'organizer' | 'admins';
  /** For `alert.mute`: how many hours to mute. */
  hours?: number;
}

/** Thrown when a card action's `data` is not what the alert cards send. */
export class InvalidCardActionError extends Error {
  /** HTTP status the bot answers an invoke with. */
  readonly status = 400;
  constructor(message: string) {
    super(message);
    this.name = 'InvalidCardActionError';
  }
}

/**
 * Reads and checks the `data` of an alert card's `Action.Execute` (Teams sends it back as
 * `activity.value.action.data`). Throws {@link InvalidCardActionError} naming what is wrong.
 */
export function readAlertActionData(data: unknown): AlertActionData {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InvalidCardActionError('The card action has no data object; it did not come from an alert card of this bot.');
  }
  const value = data as Record<string, unknown>;
  if (typeof value.callId !== 'string' || value.callId === '') {
    throw new InvalidCardActionError('The card action data has no "callId"; it did not come from an alert card of this bot.');
  }
  if (value.audience !== 'organizer' && value.audience !== 'admins') {
    throw new InvalidCardActionError(`The card action data has audience ${JSON.stringify(value.audience)}; expected "organizer" or "admins".`);
  }
  const tenantId = typeof value.tenantId === 'string' && value.tenantId !== '' ? value.tenantId : null;
  const version = typeof value.version === 'number' && Number.isFinite(value.version) ? value.version : null;
  const result: AlertActionData = { callId: value.callId, tenantId, version, audience: value.audience };
  if (value.hours !== undefined) {
    if (typeof value.hours !== 'number' || !Number.isFinite(value.hours) || value.hours <= 0 || value.hours > 24 * 30) {
      throw new InvalidCardActionError(`The card action data has hours ${JSON.stringify(value.hours)}; expected a number of hours between 0 and 720.`);
    }
    result.hours = value.hours;
  }
  return result;
}
