import type { TurnContext } from 'botbuilder';
import type { ChatCommand } from '../../alerts';
import type { BotServices } from '../bot-services';

type Handler<C extends ChatCommand> = (context: TurnContext, command: C, services: BotServices) => Promise<void>;

/**
 * The insight commands: `trends`, `top`, `user`, `my calls`.
 * PLACEHOLDER while issue 12 is built: every handler below is replaced by the real one before it lands.
 */
export const INSIGHT_COMMANDS: {
  trends: Handler<Extract<ChatCommand, { name: 'trends' }>>;
  top: Handler<Extract<ChatCommand, { name: 'top' }>>;
  user: Handler<Extract<ChatCommand, { name: 'user' }>>;
  'my-calls': Handler<Extract<ChatCommand, { name: 'my-calls' }>>;
} = {
  async trends(context) {
    await context.sendActivity('PLACEHOLDER: trends');
  },
  async top(context) {
    await context.sendActivity('PLACEHOLDER: top');
  },
  async user(context) {
    await context.sendActivity('PLACEHOLDER: user');
  },
  async 'my-calls'(context) {
    await context.sendActivity('PLACEHOLDER: my calls');
  },
};
