import type { Application } from '@microsoft/teams-ai';
import type { Activity } from 'botbuilder';
import { botFramework } from '../bot-framework';
import restify from 'restify';
import type { Logger } from '../../logger';
import type { BotAdapter } from '../teams-adapter';

/** The path Teams (through Azure Bot Service) posts activities to. */
export const MESSAGES_PATH = '/api/messages';

/** Activities are small; a card action's data or a long message stays far below this. */
const MAX_ACTIVITY_BYTES = 1024 * 1024;

/** What a refused request is answered with: a status and a short body that says nothing about the bot's insides. */
const REFUSALS = {
  badRequest: { status: 400, body: { error: 'BadRequest', message: 'The body is not a Bot Framework activity.' } },
  tooLarge: { status: 413, body: { error: 'PayloadTooLarge', message: 'The body is larger than an activity can be.' } },
  unauthorized: { status: 401, body: { error: 'Unauthorized', message: 'The request is not authorized.' } },
  failed: { status: 500, body: { error: 'InternalError', message: 'The bot could not handle this activity.' } },
} as const;

/**
 * The `POST /api/messages` route: restify's body parser (restify 12 does not parse bodies by
 * itself), a check that the body is an activity (400 otherwise), then the adapter, which
 * authenticates the request and runs the application. Every refused request gets 401 with a short
 * generic body; why goes to the log at debug level. A handler's failure is logged; a message gets an
 * apology, an invoke a 500 so that Teams shows the action failed. `HEAD` is answered quietly
 * (the Agents Playground probes the endpoint with it). `adapter` and `app` are asked for when a
 * turn needs them, so that they may be built at the first one.
 */
export function messagesRoute(adapter: () => BotAdapter, app: () => Application, logger: Logger): (server: restify.Server) => void {
  return (server) => {
    server.head(MESSAGES_PATH, async (_req: restify.Request, res: restify.Response) => answer(res, { status: 200 }));
    server.post(
      MESSAGES_PATH,
      async (req: restify.Request, res: restify.Response) => {
        const unreadable = await readBody(req, res);
        if (unreadable) {
          // Not JSON, too big, a content type the parser refuses: the parser's words stay in the debug log.
          logger.debug({ contentType: req.headers['content-type'], err: unreadable.message }, 'refused a request to /api/messages: the body could not be read');
          return answer(res, unreadable.tooLarge ? REFUSALS.tooLarge : REFUSALS.badRequest);
        }
        const activity = activityOf(req.body);
        if (!activity) {
          logger.debug({ contentType: req.headers['content-type'] }, 'refused a request to /api/messages: the body is not an activity');
          return answer(res, REFUSALS.badRequest);
        }
        let started = false;
        try {
          const invokeResponse = await adapter().runActivity(String(req.headers.authorization ?? ''), activity, async (context) => {
            started = true;
            try {
              await app().run(context);
            } catch (error) {
              logger.error(
                { err: (error as Error).message, stack: (error as Error).stack, type: context.activity.type, conversation: context.activity.conversation?.id },
                'bot turn failed',
              );
              if (context.activity.type !== botFramework().ActivityTypes.Message) throw error;
              await context.sendActivity('Sorry, something went wrong on my side. Please try again in a moment.').catch(() => undefined);
            }
          });
          return answer(res, { status: invokeResponse?.status ?? 200, body: invokeResponse?.body });
        } catch (error) {
          if (started) return answer(res, REFUSALS.failed);
          // Authentication refused it (unsigned, forged, expired, for another bot), or the channel's keys could not be read.
          logger.debug({ err: (error as Error).message, type: activity.type }, 'refused a request to /api/messages: not authenticated');
          return answer(res, REFUSALS.unauthorized);
        }
      },
    );
  };
}

const parseBody = restify.plugins.bodyParser({ mapParams: false, maxBodySize: MAX_ACTIVITY_BYTES });

/**
 * Runs restify's body parser (read, then parse) and resolves to what it refused, if anything,
 * instead of letting restify answer with the parser's own message.
 */
async function readBody(req: restify.Request, res: restify.Response): Promise<{ message: string; tooLarge: boolean } | undefined> {
  for (const step of parseBody) {
    const error = await new Promise<unknown>((resolve) => {
      (step as unknown as (req: restify.Request, res: restify.Response, next: (error?: unknown) => void) => void)(req, res, (value?: unknown) => resolve(value));
    });
    if (error instanceof Error) {
      const status = (error as { statusCode?: number }).statusCode;
      return { message: error.message, tooLarge: status === 413 };
    }
    if (error === false) return { message: 'the body parser stopped the request', tooLarge: false };
  }
  return undefined;
}

/** The body as an activity, when it is one (an object with a `type`). */
function activityOf(body: unknown): Activity | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const activity = body as Partial<Activity>;
  return typeof activity.type === 'string' && activity.type !== '' ? (activity as Activity) : undefined;
}

function answer(res: restify.Response, { status, body }: { status: number; body?: unknown }): void {
  res.status(status);
  if (body !== undefined) res.send(body);
  res.end();
}
