import type { Activity, ConversationReference } from 'botbuilder';
import { botFramework } from './bot-framework';
import type { ConversationKind, ConversationRecord } from '../store';

/** The Teams channel data the bot reads (a subset of `TeamsChannelData`). */
export interface TeamsChannelDataView {
  team?: { id?: string; name?: string; aadGroupId?: string };
  channel?: { id?: string; name?: string };
  tenant?: { id?: string };
  eventType?: string;
}

/** The Teams channel data of an activity, or an empty object. */
export function channelDataOf(activity: Partial<Activity>): TeamsChannelDataView {
  const data = activity.channelData as unknown;
  return data !== null && typeof data === 'object' ? (data as TeamsChannelDataView) : {};
}

/** The tenant of an activity: the conversation's, else the channel data's. */
export function tenantOf(activity: Partial<Activity>): string | null {
  return activity.conversation?.tenantId ?? channelDataOf(activity).tenant?.id ?? null;
}

/**
 * A channel conversation id without its thread part: Teams writes a reply's conversation as
 * `19:…@thread.tacv2;messageid=…`; the channel itself is what precedes `;messageid=`.
 */
export function withoutThread(conversationId: string): string {
  const at = conversationId.indexOf(';messageid=');
  return at === -1 ? conversationId : conversationId.slice(0, at);
}

/** The conversation id of the thread whose root message is `activityId` in a channel. */
export function threadConversationId(channelConversationId: string, activityId: string): string {
  return `${withoutThread(channelConversationId)};messageid=${activityId}`;
}

/** Where the activity happened: a 1:1 chat, a team channel, or a group chat. */
export function conversationKindOf(activity: Partial<Activity>): ConversationKind {
  const type = activity.conversation?.conversationType;
  if (type === 'channel' || channelDataOf(activity).team?.id) return 'channel';
  if (type === 'groupChat' || activity.conversation?.isGroup) return 'groupChat';
  return 'personal';
}

/**
 * The conversation record for the conversation an activity came from: the reference to send
 * there later (the channel itself for a team, never a reply thread), the installing user's
 * Entra object id for a 1:1 chat, the team and channel ids, the tenant and the service URL.
 */
export function conversationRecordOf(activity: Partial<Activity>, now: number): ConversationRecord {
  const conversationId = activity.conversation?.id;
  if (!conversationId || !activity.serviceUrl) {
    throw new Error('The activity has no conversation id or service URL, so it cannot be kept as a conversation reference.');
  }
  const kind = conversationKindOf(activity);
  const channelData = channelDataOf(activity);
  const key = withoutThread(conversationId);
  const reference = botFramework().TurnContext.getConversationReference(activity) as Partial<ConversationReference>;
  delete reference.activityId;
  reference.conversation = { ...reference.conversation!, id: key };
  const teamId = kind === 'channel' ? (channelData.team?.id ?? null) : null;
  return {
    key,
    kind,
    tenantId: tenantOf(activity),
    userAadId: kind === 'personal' ? (activity.from?.aadObjectId ?? null) : null,
    teamId,
    channelId: kind === 'channel' ? (channelData.channel?.id ?? key) : null,
    serviceUrl: activity.serviceUrl,
    reference: JSON.parse(JSON.stringify(reference)) as unknown,
    installedAt: now,
    deadReason: null,
  };
}

/** The record of a channel other than the one the app was installed from (for `alert here`). */
export function channelRecordOf(activity: Partial<Activity>, now: number): ConversationRecord {
  const record = conversationRecordOf(activity, now);
  const channelId = channelDataOf(activity).channel?.id ?? record.key;
  const reference = record.reference as Partial<ConversationReference>;
  return {
    ...record,
    key: channelId,
    channelId,
    reference: { ...reference, conversation: { ...reference.conversation!, id: channelId } },
  };
}

/** The stored reference of a record, typed. */
export function referenceOf(record: ConversationRecord): Partial<ConversationReference> {
  return record.reference as Partial<ConversationReference>;
}
