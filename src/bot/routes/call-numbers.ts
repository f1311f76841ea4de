import type { TurnContext } from 'botbuilder';
import { numberedCall, rememberCallList, CALL_LIST_LIFETIME_MS } from '../../settings';
import type { BotServices } from '../bot-services';
import { withoutThread } from '../conversation-records';

/**
 * The numbers of the call lists (`recent`, `my calls`, `user`, `last call`), so `check N` can
 * find the call a number meant: remembered per conversation and per person, for a short while.
 */

/** Who is asking, in which conversation; null when Teams said neither. */
function askerOf(context: TurnContext): { conversationKey: string; userId: string } | null {
  const conversationId = context.activity.conversation?.id;
  const userId = context.activity.from?.aadObjectId ?? context.activity.from?.id;
  return conversationId && userId ? { conversationKey: withoutThread(conversationId), userId } : null;
}

/** Remembers the calls a list just showed the sender, numbered from 1 in the order shown. */
export async function rememberShownCalls(context: TurnContext, services: BotServices, list: string, tenantId: string | null, callIds: readonly string[]): Promise<void> {
  const asker = askerOf(context);
  if (!asker) return;
  await rememberCallList(services.store.settings, asker.conversationKey, asker.userId, { list, tenantId, callIds: [...callIds] }, services.clock());
}

/**
 * The call number `number` of the last list shown to the sender here; when there is none, answers
 * why (no list yet, an old list, a number the list did not show) and resolves to null.
 */
export async function callOfNumber(context: TurnContext, services: BotServices, number: number): Promise<{ callId: string; tenantId: string | null } | null> {
  const asker = askerOf(context);
  const found = asker ? await numberedCall(services.store.settings, asker.conversationKey, asker.userId, number, services.clock()) : ({ kind: 'no-list' } as const);
  switch (found.kind) {
    case 'call':
      return { callId: found.callId, tenantId: found.tenantId };
    case 'no-list':
      await context.sendActivity(`I have shown you no numbered list here yet. Send "recent" or "my calls", then "check ${number}" with a number it shows, or "check" with a call record id.`);
      return null;
    case 'expired':
      await context.sendActivity(
        `Your last list ("${found.list}") is more than ${CALL_LIST_LIFETIME_MS / 60_000} minutes old, and newer calls may have moved its numbers. Send "${found.list}" again, then "check" with a number it shows.`,
      );
      return null;
    case 'out-of-range':
      await context.sendActivity(
        `Your last list ("${found.list}") showed ${found.count === 1 ? 'one call, number 1' : `${found.count} calls, numbered 1 to ${found.count}`}; there is no call ${number} in it. Say "check" with one of those numbers.`,
      );
      return null;
  }
}
