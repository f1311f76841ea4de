import type { AdaptiveCard, Application } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import {
  alertCardFor,
  assessmentOf,
  audienceOfConversation,
  CARD_ACTIONS,
  decodeAcknowledgement,
  encodeAcknowledgement,
  InvalidCardActionError,
  MUTE_HOURS,
  readAlertActionData,
  type Acknowledgement,
  type AdaptiveCardDocument,
  type AlertActionData,
  type Audience,
} from '../../alerts';
import { mutedUntil, muteUser, organizerNoticeOf } from '../../settings';
import type { StoredReport } from '../../store';
import type { BotServices } from '../bot-services';
import { cardActivity } from '../card-activity';
import { tenantOf, withoutThread } from '../conversation-records';

/**
 * Registers the alert cards' `Action.Execute` verbs. The card a handler returns replaces the one
 * that was clicked for everyone in that conversation (the application is created with
 * `REPLACE_FOR_ALL`); the other copies of an acknowledged alert are updated too.
 */
export function registerCardActions(app: Application, services: BotServices): void {
  app.adaptiveCards.actionExecute(CARD_ACTIONS.acknowledge, (context, _state, data) => guarded(services, () => acknowledge(context, data, services)));
  app.adaptiveCards.actionExecute(CARD_ACTIONS.mute, (context, _state, data) => guarded(services, () => mute(context, data, services)));
  app.adaptiveCards.actionExecute(CARD_ACTIONS.refresh, (context, _state, data) => guarded(services, () => refresh(data, services)));
}

async function guarded(services: BotServices, run: () => Promise<AdaptiveCard | string>): Promise<AdaptiveCard | string> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof InvalidCardActionError) return error.message;
    services.logger.error({ err: (error as Error).message }, 'card action failed');
    return 'Sorry, that did not work; please try again in a moment.';
  }
}

async function loadReport(action: AlertActionData, context: TurnContext | null, services: BotServices): Promise<StoredReport | string> {
  const tenantId = action.tenantId ?? (context ? tenantOf(context.activity) : null);
  const stored = tenantId ? await services.store.reports.getReport(tenantId, action.callId) : undefined;
  return stored ?? `I no longer have call ${action.callId}; this card cannot change any more.`;
}

async function acknowledge(context: TurnContext, data: unknown, services: BotServices): Promise<AdaptiveCard | string> {
  const action = readAlertActionData(data);
  const stored = await loadReport(action, context, services);
  if (typeof stored === 'string') return stored;
  const now = services.clock();
  const who: Acknowledgement = { name: context.activity.from?.name || 'someone', at: new Date(now).toISOString() };
  const here = withoutThread(context.activity.conversation?.id ?? '');
  const copies = (await services.store.sentCards.listSentCards(stored.tenantId, stored.callId)).filter((card) => card.cardType === 'alert');
  for (const copy of copies) {
    await services.store.sentCards.putSentCard({ ...copy, acknowledgedBy: encodeAcknowledgement(who), updatedAt: now });
  }
  // The clicked card is replaced by the answer; the other copies are updated here.
  for (const copy of copies.filter((card) => card.conversationKey !== here)) {
    const record = await services.store.conversations.getConversation(copy.conversationKey);
    if (!record || record.deadReason) continue;
    const audience = audienceOfConversation(record.kind);
    try {
      await services.messenger.update(record, copy.activityId, cardActivity(await currentCardOf(stored, audience, who, services)));
    } catch (error) {
      services.logger.warn({ conversation: record.key, err: (error as Error).message }, 'could not update another copy of an acknowledged alert');
    }
  }
  return (await currentCardOf(stored, action.audience, who, services)) as AdaptiveCard;
}

async function mute(context: TurnContext, data: unknown, services: BotServices): Promise<AdaptiveCard | string> {
  const action = readAlertActionData(data);
  const userAadId = context.activity.from?.aadObjectId;
  if (!userAadId) return 'Teams did not tell me who you are, so I cannot mute your alerts.';
  const stored = await loadReport(action, context, services);
  await muteUser(services.store.settings, userAadId, action.hours ?? MUTE_HOURS, services.clock());
  if (typeof stored === 'string') return `Your alerts are muted for ${action.hours ?? MUTE_HOURS} hours.`;
  const acknowledgement = await acknowledgementOf(stored, services);
  return (await currentCardOf(stored, 'organizer', acknowledgement, services)) as AdaptiveCard;
}

async function refresh(data: unknown, services: BotServices): Promise<AdaptiveCard | string> {
  const action = readAlertActionData(data);
  const stored = await loadReport(action, null, services);
  if (typeof stored === 'string') return stored;
  return (await currentCardOf(stored, action.audience, await acknowledgementOf(stored, services), services)) as AdaptiveCard;
}

async function acknowledgementOf(stored: StoredReport, services: BotServices): Promise<Acknowledgement | null> {
  const copies = await services.store.sentCards.listSentCards(stored.tenantId, stored.callId);
  const acknowledged = copies.find((card) => card.acknowledgedBy);
  return acknowledged ? decodeAcknowledgement(acknowledged.acknowledgedBy, acknowledged.updatedAt) : null;
}

/** The card of a stored call as it stands now, for one audience. */
async function currentCardOf(stored: StoredReport, audience: Audience, acknowledgedBy: Acknowledgement | null, services: BotServices): Promise<AdaptiveCardDocument> {
  const assessment = assessmentOf(stored);
  const organizerId = assessment.summary?.organizer?.id;
  const organizerMutedUntil = audience === 'organizer' && organizerId ? await mutedUntil(services.store.settings, organizerId, services.clock()) : null;
  const organizerNotice =
    audience === 'admins' ? await organizerNoticeOf(services.store.settings, stored.tenantId, stored.callId) : { reachable: undefined, reason: null };
  return alertCardFor({ assessment, audience, tenantId: stored.tenantId, acknowledgedBy, organizerMutedUntil, organizerNotice });
}
