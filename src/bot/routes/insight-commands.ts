import type { TurnContext } from 'botbuilder';
import { buildLastCallCard, buildPersonCallsCard, buildTopCard, buildTrendsCard, PERSON_CALLS_ROWS, type ChatCommand } from '../../alerts';
import type { BotServices } from '../bot-services';
import { cardActivity } from '../card-activity';
import { conversationKindOf, tenantOf } from '../conversation-records';
import { rememberShownCalls } from './call-numbers';
import { requireAdmin } from './command-replies';

type Handler<C extends ChatCommand> = (context: TurnContext, command: C, services: BotServices) => Promise<void>;

/** How many people a `user NAME` that matches several lists before asking for a UPN or id. */
const CANDIDATES_SHOWN = 5;

/** How far back `last call` looks for the sender's newest call, in days (the longest period the insights read). */
const LAST_CALL_DAYS = 90;

/** An Entra object id (a GUID) or a UPN: `user` looks these up directly, anything else by name. */
const ID_OR_UPN = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[^\s@]+@[^\s@]+)$/i;

/**
 * The insight commands: `trends`, `top`, `user`, `my calls`, `last call`, answered from the history
 * of the conversation's tenant (`GRAPH_TENANT_IDS`' first tenant when Teams does not say). `top
 * people` and `user` are for admins; `my calls` and `last call` show only the sender's own calls,
 * found by their Entra id. A person's calls are shown only in a personal chat, never to a channel or
 * group, and numbered so that `check N` finds the call a number meant.
 */
export const INSIGHT_COMMANDS: {
  trends: Handler<Extract<ChatCommand, { name: 'trends' }>>;
  top: Handler<Extract<ChatCommand, { name: 'top' }>>;
  user: Handler<Extract<ChatCommand, { name: 'user' }>>;
  'my-calls': Handler<Extract<ChatCommand, { name: 'my-calls' }>>;
  'last-call': Handler<Extract<ChatCommand, { name: 'last-call' }>>;
} = {
  async trends(context, command, services) {
    const tenantId = await tenantOrSay(context, services);
    if (!tenantId) return;
    const trends = await services.history.trends(tenantId, command.days, services.clock());
    await context.sendActivity(cardActivity(buildTrendsCard(trends), `Call quality, last ${command.days} days`));
  },

  async top(context, command, services) {
    if (command.list === 'people' && !(await requireAdmin(context, services, 'see which people have the most poor streams'))) return;
    const tenantId = await tenantOrSay(context, services);
    if (!tenantId) return;
    const answer = await services.history.top(tenantId, command.list, command.days, services.clock());
    await context.sendActivity(cardActivity(buildTopCard(answer), `Top ${command.list}, last ${command.days} days`));
  },

  async 'my-calls'(context, command, services) {
    const asker = await ownCallsAsker(context, services);
    if (!asker) return;
    const answer = await services.history.callsOf(asker.tenantId, asker.userAadId, command.days, services.clock(), PERSON_CALLS_ROWS);
    await rememberShownCalls(context, services, 'my calls', asker.tenantId, answer.calls.map((call) => call.callId));
    await context.sendActivity(cardActivity(buildPersonCallsCard(answer, true), `Your calls, last ${command.days} days`));
  },

  async 'last-call'(context, _command, services) {
    const asker = await ownCallsAsker(context, services);
    if (!asker) return;
    const answer = await services.history.callsOf(asker.tenantId, asker.userAadId, LAST_CALL_DAYS, services.clock(), 1);
    const [call] = answer.calls;
    await rememberShownCalls(context, services, 'last call', asker.tenantId, call ? [call.callId] : []);
    await context.sendActivity(cardActivity(buildLastCallCard(call ?? null, LAST_CALL_DAYS), 'Your last call'));
  },

  async user(context, command, services) {
    if (!(await requireAdmin(context, services, "see another person's calls"))) return;
    if (!(await inPersonalChat(context, "a person's calls"))) return;
    const tenantId = await tenantOrSay(context, services);
    if (!tenantId) return;
    const now = services.clock();
    let person = command.who;
    if (!ID_OR_UPN.test(person)) {
      const found = await services.history.findPeople(tenantId, person, command.days, now);
      if (found.length === 0) {
        await context.sendActivity(`Nobody called "${person.slice(0, 60)}" had a scored call in the last ${command.days} days. Try their UPN or Entra object id.`);
        return;
      }
      if (found.length > 1) {
        const shown = found.slice(0, CANDIDATES_SHOWN).map((candidate) => `${candidate.name} (${candidate.userId})`);
        const more = found.length > CANDIDATES_SHOWN ? ` and ${found.length - CANDIDATES_SHOWN} more` : '';
        await context.sendActivity(`"${person.slice(0, 60)}" matches ${found.length} people: ${shown.join(', ')}${more}. Say "user" with the UPN or Entra object id of the one you mean.`);
        return;
      }
      person = found[0]!.userId;
    }
    const answer = await services.history.callsOf(tenantId, person, command.days, now, PERSON_CALLS_ROWS);
    await rememberShownCalls(context, services, 'user', tenantId, answer.calls.map((call) => call.callId));
    await context.sendActivity(cardActivity(buildPersonCallsCard(answer, false), `Calls of ${answer.person.name ?? person}, last ${command.days} days`));
  },
};

/**
 * Who asks for their own calls (`my calls`, `last call`) and in which tenant: only in a personal
 * chat, and only when Teams names them; else says why and resolves to null.
 */
async function ownCallsAsker(context: TurnContext, services: BotServices): Promise<{ userAadId: string; tenantId: string } | null> {
  if (!(await inPersonalChat(context, 'your calls'))) return null;
  const userAadId = context.activity.from?.aadObjectId;
  if (!userAadId) {
    await context.sendActivity('Teams did not tell me who you are, so I cannot find your calls.');
    return null;
  }
  const tenantId = await tenantOrSay(context, services);
  return tenantId ? { userAadId, tenantId } : null;
}

/** The conversation's tenant (else the configured one); says why not and resolves to null when there is none. */
async function tenantOrSay(context: TurnContext, services: BotServices): Promise<string | null> {
  const tenantId = tenantOf(context.activity) ?? services.defaultTenantId;
  if (!tenantId) await context.sendActivity('I cannot tell which tenant this conversation belongs to, so I cannot read its call history.');
  return tenantId;
}

/** True in a personal chat; elsewhere says where to ask and resolves to false (a person's calls are not for a channel or group). */
async function inPersonalChat(context: TurnContext, what: string): Promise<boolean> {
  if (conversationKindOf(context.activity) === 'personal') return true;
  await context.sendActivity(`I show ${what} only in our 1:1 chat, not here where others can read them. Ask me there.`);
  return false;
}
