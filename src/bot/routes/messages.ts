import type { Application, TeamsAdapter } from '@microsoft/teams-ai';
import { ActivityTypes } from 'botbuilder';
import restify from 'restify';
import type { Logger } from '../../logger';

/** The path Teams (through Azure Bot Service) posts activities to. */
export const MESSAGES_PATH = '/api/messages';

/** Activities are small; a card action's data or a long message stays far below this. */
const MAX_ACTIVITY_BYTES = 1024 * 1024;

/**
 * The `POST /api/messages` route: restify's body parser (restify 12 does not parse bodies by
 * itself), then the adapter, which authenticates the request (401 when unsigned and a BOT_ID is
 * set) and runs the application. A handler's failure is logged; a message gets an apology, an
 * invoke a 500 so that Teams shows the action failed.
 */
export function messagesRoute(adapter: TeamsAdapter, app: Application, logger: Logger): (server: restify.Server) => void {
  return (server) => {
    server.post(
      MESSAGES_PATH,
      restify.plugins.bodyParser({ mapParams: false, maxBodySize: MAX_ACTIVITY_BYTES }),
      async (req: restify.Request, res: restify.Response) => {
        await adapter.process(req, res, async (context) => {
          try {
            await app.run(context);
          } catch (error) {
            logger.error(
              { err: (error as Error).message, stack: (error as Error).stack, type: context.activity.type, conversation: context.activity.conversation?.id },
              'bot turn failed',
            );
            if (context.activity.type !== ActivityTypes.Message) throw error;
            await context.sendActivity('Sorry, something went wrong on my side. Please try again in a moment.').catch(() => undefined);
          }
        });
      },
    );
  };
}
