import type { Activity, ChannelAccount, CloudAdapter, ConversationParameters, ConversationReference } from 'botbuilder';
import { botFramework } from './bot-framework';
import type { ConversationRecord } from '../store';
import { referenceOf, threadConversationId, withoutThread } from './conversation-records';
import { DEFAULT_SEND_RETRY, withSendRetries, type SendRetryOptions } from './send-retry';

/** No explicit audience: the connector factory then uses the bot's configured OAuth scope. */
const NO_AUDIENCE = undefined as unknown as string;

/** What {@link ProactiveMessenger.openPersonalChat} needs to open a 1:1 chat with a user. */
export interface PersonalChatRequest {
  tenantId: string;
  /** The user's Entra object id. */
  userAadId: string;
  /** A service URL of the tenant (from any conversation reference of it). */
  serviceUrl: string;
  /** The bot's account as Teams knows it (`28:<app id>`), from a reference of the tenant. */
  bot: ChannelAccount;
  now: number;
}

/**
 * Sends, outside any turn, into conversations the bot keeps references to: a message in a chat,
 * a new thread in a channel, an update of a message sent before, and a new 1:1 chat with a user.
 * Every Bot Connector call goes through the real adapter (`continueConversationAsync`,
 * `createConversationAsync`, `botFramework().TeamsInfo.sendMessageToTeamsChannel`) and is retried on 429, 412,
 * 502 and 504; other failures are thrown as `TeamsSendError`.
 */
export class ProactiveMessenger {
  constructor(
    /** The adapter, asked for at the first send (it is built then: `createBot`). */
    private readonly adapterOf: () => CloudAdapter,
    /** The bot's app id; empty when the bot runs without authentication. */
    private readonly botAppId: string,
    private readonly retry: SendRetryOptions = DEFAULT_SEND_RETRY,
  ) {}

  /** Posts an activity: a new thread in a channel, a plain message in a chat. Resolves to the activity id. */
  async post(record: ConversationRecord, activity: Partial<Activity>): Promise<string> {
    return record.kind === 'channel' ? this.startChannelThread(record, activity) : this.sendToChat(record, activity);
  }

  /** Replaces an activity sent before with a new one (same id). */
  async update(record: ConversationRecord, activityId: string, activity: Partial<Activity>): Promise<void> {
    const reference = this.referenceFor(record);
    if (record.kind === 'channel') reference.conversation = { ...reference.conversation!, id: threadConversationId(record.key, activityId) };
    const replace = () =>
      this.adapterOf().continueConversationAsync(this.botAppId, reference, async (context) => {
        await context.updateActivity({ ...activity, type: activity.type ?? 'message', id: activityId });
      });
    await withSendRetries(`Updating message ${activityId} in conversation ${record.key}`, replace, this.retry);
  }

  /**
   * Opens (or finds: Teams answers with the existing one) the 1:1 chat between the bot and a user
   * who has the app, by Entra object id. Resolves to the conversation record to keep.
   */
  async openPersonalChat(request: PersonalChatRequest): Promise<ConversationRecord> {
    const parameters = {
      isGroup: false,
      bot: request.bot,
      members: [{ id: request.userAadId }],
      tenantId: request.tenantId,
      channelData: { tenant: { id: request.tenantId } },
    } as unknown as ConversationParameters;
    let conversationId: string | undefined;
    const open = () =>
      this.adapterOf().createConversationAsync(this.botAppId, botFramework().Channels.Msteams, request.serviceUrl, NO_AUDIENCE, parameters, async (context) => {
        conversationId = context.activity.conversation.id;
      });
    await withSendRetries(`Opening a 1:1 chat with user ${request.userAadId}`, open, this.retry);
    if (!conversationId) throw new Error(`Teams did not return a conversation id for the 1:1 chat with user ${request.userAadId}.`);
    const reference: Partial<ConversationReference> = {
      channelId: botFramework().Channels.Msteams,
      serviceUrl: request.serviceUrl,
      bot: request.bot,
      user: { id: request.userAadId, name: '', aadObjectId: request.userAadId } as ChannelAccount,
      conversation: { id: conversationId, conversationType: 'personal', tenantId: request.tenantId, isGroup: false, name: '' },
    };
    return {
      key: conversationId,
      kind: 'personal',
      tenantId: request.tenantId,
      userAadId: request.userAadId,
      teamId: null,
      channelId: null,
      serviceUrl: request.serviceUrl,
      reference,
      installedAt: request.now,
      deadReason: null,
    };
  }

  private async sendToChat(record: ConversationRecord, activity: Partial<Activity>): Promise<string> {
    let id: string | undefined;
    const send = () =>
      this.adapterOf().continueConversationAsync(this.botAppId, this.referenceFor(record), async (context) => {
        // The continuation event has a made-up id; without this the message would be a reply to it.
        delete (context.activity as Partial<Activity>).id;
        id = (await context.sendActivity(activity))?.id;
      });
    await withSendRetries(`Sending to conversation ${record.key}`, send, this.retry);
    if (!id) throw new Error(`Teams accepted the message for conversation ${record.key} but returned no activity id.`);
    return id;
  }

  /**
   * A new thread in a channel. With an app id this is `botFramework().TeamsInfo.sendMessageToTeamsChannel`
   * (which opens the thread with `createConversationAsync`); without one (local use) the same
   * `createConversation` call is made directly, since TeamsInfo needs an app id on a CloudAdapter.
   */
  private async startChannelThread(record: ConversationRecord, activity: Partial<Activity>): Promise<string> {
    const channelId = record.channelId ?? record.key;
    let threadId: string | undefined;
    const start = async () => {
      if (this.botAppId) {
        await this.adapterOf().continueConversationAsync(this.botAppId, this.referenceFor(record), async (context) => {
          const [, newActivityId] = await botFramework().TeamsInfo.sendMessageToTeamsChannel(context, activity as Activity, channelId, this.botAppId);
          threadId = newActivityId;
        });
      } else {
        const reference = this.referenceFor(record);
        const parameters = {
          isGroup: true,
          bot: reference.bot,
          channelData: { channel: { id: channelId } },
          activity,
          tenantId: record.tenantId ?? undefined,
        } as unknown as ConversationParameters;
        await this.adapterOf().createConversationAsync('', botFramework().Channels.Msteams, record.serviceUrl, NO_AUDIENCE, parameters, async (context) => {
          threadId = context.activity.conversation.id;
        });
      }
    };
    await withSendRetries(`Starting a thread in channel ${channelId}`, start, this.retry);
    if (!threadId) throw new Error(`Teams accepted the new thread in channel ${channelId} but returned no id.`);
    return activityIdOfThread(threadId);
  }

  private referenceFor(record: ConversationRecord): Partial<ConversationReference> {
    const reference = referenceOf(record);
    return {
      ...reference,
      serviceUrl: reference.serviceUrl ?? record.serviceUrl,
      channelId: reference.channelId ?? botFramework().Channels.Msteams,
      conversation: { ...(reference.conversation ?? { isGroup: record.kind !== 'personal', name: '', conversationType: record.kind }), id: withoutThread(record.key) },
    } as Partial<ConversationReference>;
  }
}

/**
 * The root message id of a channel thread. `createConversation` in a channel answers with the
 * thread's conversation id (`19:…;messageid=<root id>`) and the id; the CloudAdapter passes on
 * only the conversation id, so the root id is read from it.
 */
export function activityIdOfThread(threadOrActivityId: string): string {
  const marker = ';messageid=';
  const at = threadOrActivityId.indexOf(marker);
  return at === -1 ? threadOrActivityId : threadOrActivityId.slice(at + marker.length);
}
