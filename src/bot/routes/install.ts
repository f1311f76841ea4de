import type { Application } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import { botFramework } from '../bot-framework';
import { buildHelpCard, CHAT_COMMANDS } from '../../alerts';
import type { BotServices } from '../bot-services';
import { cardActivity } from '../card-activity';
import { conversationKindOf, conversationRecordOf, tenantOf, withoutThread } from '../conversation-records';

/**
 * Keeps the conversation references the bot needs to send on its own: stored when the app is
 * installed (personal, team, group chat: `installationUpdate` add, or `conversationUpdate` with the
 * bot among `membersAdded`), removed when it is uninstalled (`installationUpdate` remove, the bot
 * among `membersRemoved`, the team deleted). A 1:1 chat or group chat that talks to the bot is
 * stored too when it was not (and revived when it was marked dead): the app is evidently there.
 */
export function registerInstallationTracking(app: Application, services: BotServices): void {
  app.activity(botFramework().ActivityTypes.InstallationUpdate, async (context) => {
    const action = String(context.activity.action ?? '').toLowerCase();
    if (action === 'remove') await forget(context, services);
    else if (action.startsWith('add')) await remember(context, services);
  });
  app.conversationUpdate('membersAdded', async (context) => {
    if (botIsAmong(context, context.activity.membersAdded)) await remember(context, services);
  });
  app.conversationUpdate('membersRemoved', async (context) => {
    if (botIsAmong(context, context.activity.membersRemoved)) await forget(context, services);
  });
  for (const event of ['teamDeleted', 'teamHardDeleted'] as const) {
    app.conversationUpdate(event, async (context) => forget(context, services));
  }
  app.turn('beforeTurn', async (context) => {
    await rememberTalkingChat(context, services);
    return true;
  });
}

function botIsAmong(context: TurnContext, members: { id: string }[] | undefined): boolean {
  const botId = context.activity.recipient?.id;
  return Boolean(botId && members?.some((member) => member.id === botId));
}

async function remember(context: TurnContext, services: BotServices): Promise<void> {
  const { store, logger } = services;
  const record = conversationRecordOf(context.activity, services.clock());
  const existing = await store.conversations.getConversation(record.key);
  const isNew = !existing || existing.deadReason !== null;
  await store.conversations.putConversation(isNew ? record : { ...record, installedAt: existing.installedAt });
  logger.info({ conversation: record.key, kind: record.kind, tenantId: record.tenantId, teamId: record.teamId }, isNew ? 'app installed' : 'app installation refreshed');
  if (isNew && record.kind === 'personal') {
    await context.sendActivity(
      'Hi! I tell you when one of your calls or meetings had poor quality or a bad rating, the way Call Quality Dashboard judges it. Here is what else I can do:',
    );
    await context.sendActivity(cardActivity(buildHelpCard(CHAT_COMMANDS), 'What I can do'));
  }
}

async function forget(context: TurnContext, services: BotServices): Promise<void> {
  const { store, logger } = services;
  const key = withoutThread(context.activity.conversation?.id ?? '');
  const teamId = conversationKindOf(context.activity) === 'channel' ? (context.activity.channelData as { team?: { id?: string } } | undefined)?.team?.id : undefined;
  const removed = [key];
  if (teamId) {
    // The app leaves the whole team: its channels (the one chosen with `alert here` included) go too.
    const tenantId = tenantOf(context.activity) ?? undefined;
    for (const record of await store.conversations.listConversations({ tenantId, includeDead: true })) {
      if (record.teamId === teamId && record.key !== key) removed.push(record.key);
    }
  }
  for (const conversationKey of removed) await store.conversations.removeConversation(conversationKey);
  logger.info({ conversations: removed, teamId }, 'app uninstalled');
}

async function rememberTalkingChat(context: TurnContext, services: BotServices): Promise<void> {
  const activity = context.activity;
  if (activity.type !== botFramework().ActivityTypes.Message && activity.type !== botFramework().ActivityTypes.Invoke) return;
  if (!activity.conversation?.id || !activity.serviceUrl || conversationKindOf(activity) === 'channel') return;
  const existing = await services.store.conversations.getConversation(withoutThread(activity.conversation.id));
  if (existing && existing.deadReason === null) return;
  if (existing && conversationKindOf(activity) === 'personal' && !activity.from?.aadObjectId) return;
  await services.store.conversations.putConversation(conversationRecordOf(activity, services.clock()));
}
