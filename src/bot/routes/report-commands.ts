import type { TurnContext } from 'botbuilder';
import type { ChatCommand } from '../../alerts';
import type { BotServices } from '../bot-services';

type Handler<C extends ChatCommand> = (context: TurnContext, command: C, services: BotServices) => Promise<void>;

/**
 * The weekly report and export commands: `report now|on|off`, `export`.
 * PLACEHOLDER while issue 12 is built: every handler below is replaced by the real one before it lands.
 */
export const REPORT_COMMANDS: {
  report: Handler<Extract<ChatCommand, { name: 'report' }>>;
  export: Handler<Extract<ChatCommand, { name: 'export' }>>;
} = {
  async report(context) {
    await context.sendActivity('PLACEHOLDER: report');
  },
  async export(context) {
    await context.sendActivity('PLACEHOLDER: export');
  },
};
