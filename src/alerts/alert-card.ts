import type { AlertCardInput } from './alert-card-input';
import { CARD_ACTIONS } from './card-action-data';
import { CARD_SIZE_LIMIT_BYTES, cardSizeBytes, type AdaptiveCardDocument } from './card-document';
import { expandTemplate } from './card-template';
import { ALERT_CARD_LIMIT_STEPS, alertCardData } from './alert-card-data';
import { alertCardTemplate } from './alert-card-template';

/*
 * Tables are Adaptive Cards 1.5 `Table`s rather than ColumnSets: the card needs 1.5 anyway for
 * `Action.Execute`, so a client that cannot draw a Table cannot run the card's buttons either;
 * Tables keep columns aligned from row to row whatever the text length (ColumnSets align only
 * per row), and announce the header row to screen readers. Short label/value lists stay
 * ColumnSets, because Teams styles a Table's first row as a header whatever `firstRowAsHeaders` says.
 */

/** Universal Actions accept at most this many `refresh.userIds`. */
export const REFRESH_USER_LIMIT = 60;

/**
 * Builds the alert card for one version of one call, from the `alert-card` template. Pure. Long
 * tables end with "…and N more"; when the card would still exceed {@link CARD_SIZE_LIMIT_BYTES}
 * (long names and comments), it is rebuilt with fewer rows until it fits.
 */
export function buildAlertCard(input: AlertCardInput): AdaptiveCardDocument {
  return buildAlertCardWithin(input, CARD_SIZE_LIMIT_BYTES);
}

/**
 * {@link buildAlertCard} with another size limit. The card keeps to it unless even the smallest
 * tables do not fit, which takes ids or a reason text tens of kilobytes long; validate before sending.
 */
export function buildAlertCardWithin(input: AlertCardInput, limitBytes: number): AdaptiveCardDocument {
  let card: AdaptiveCardDocument | undefined;
  const template = alertCardTemplate();
  for (const limits of ALERT_CARD_LIMIT_STEPS) {
    const data = alertCardData(input, limits);
    card = expandTemplate(template, data);
    const userIds = [...new Set(input.refreshUserIds ?? [])].slice(0, REFRESH_USER_LIMIT);
    if (userIds.length > 0) {
      card.refresh = { action: { type: 'Action.Execute', verb: CARD_ACTIONS.refresh, data: data.acknowledgeData }, userIds };
    }
    if (cardSizeBytes(card) <= limitBytes) return card;
  }
  return card!;
}
