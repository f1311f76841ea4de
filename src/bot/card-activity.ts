import type { Activity } from 'botbuilder';
import { botFramework } from './bot-framework';
import type { AdaptiveCardDocument } from '../alerts';

/**
 * A message carrying one Adaptive Card. The card's own JSON is sent as the attachment content
 * (not an SDK round trip, which would drop `msteams`); `summary` is what notifications and chat
 * lists show instead of "Card".
 */
export function cardActivity(card: AdaptiveCardDocument, summary?: string): Partial<Activity> {
  const activity = botFramework().MessageFactory.attachment(botFramework().CardFactory.adaptiveCard(card));
  if (summary) activity.summary = summary;
  return activity;
}
