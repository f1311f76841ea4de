import type { TeamsAdapter } from '@microsoft/teams-ai';
import type { Activity, InvokeResponse, TurnContext } from 'botbuilder';
import type { AppConfig } from '../config';

/**
 * Bot Framework endpoints, for sovereign clouds and loopback tests; the public cloud's when
 * absent. Names as in botbuilder's `ConfigurationBotFrameworkAuthenticationOptions`.
 */
export interface BotFrameworkEndpoints {
  ToChannelFromBotLoginUrl?: string;
  ToChannelFromBotOAuthScope?: string;
  ToBotFromChannelTokenIssuer?: string;
  ToBotFromChannelOpenIdMetadataUrl?: string;
  ToBotFromEmulatorOpenIdMetadataUrl?: string;
  OAuthUrl?: string;
  CallerId?: string;
  ValidateAuthority?: boolean;
}

/**
 * The Teams AI adapter with one more entry point: {@link BotAdapter.runActivity} authenticates and
 * runs an activity the route has already read and checked, and throws when it is refused, so the
 * route decides what a refused request is answered with (botbuilder's `process` answers some
 * refusals with 500 and the internal error text, and prints them on stderr).
 */
export interface BotAdapter extends TeamsAdapter {
  /** Authenticates the request (`authHeader`) and runs `logic` for the activity; resolves to the invoke response, if any. */
  runActivity(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined>;
}

/**
 * The class behind {@link BotAdapter}. Teams AI's adapter module (not the package's index, which
 * loads its planners, models and dialogs too) and the botbuilder it extends are loaded only here,
 * when the first adapter is built: at the first turn or the first card (`createBot`).
 */
function botAdapterClass(): new (settings: ConstructorParameters<typeof TeamsAdapter>[0]) => BotAdapter {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { TeamsAdapter: Base } = require('@microsoft/teams-ai/lib/TeamsAdapter') as { TeamsAdapter: typeof TeamsAdapter };
  return class extends Base implements BotAdapter {
    runActivity(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
      return this.processActivity(authHeader, activity, logic);
    }
  };
}

/**
 * The Teams AI adapter (a Bot Framework `CloudAdapter`) for the bot's credentials. With no
 * `BOT_ID`, authentication is off (local use, Agents Playground); with one, every request must
 * carry a Bot Framework token (unsigned ones get 401) and outgoing calls are signed with the
 * app's credentials: a client secret (`MultiTenant`, `SingleTenant` with `BOT_TENANT_ID`) or a
 * user-assigned managed identity (`UserAssignedMsi`, no password). The credentials were checked
 * against `BOT_TYPE` when the configuration was read (`src/config`).
 */
export function createTeamsAdapter(bot: AppConfig['bot'], endpoints: BotFrameworkEndpoints = {}): BotAdapter {
  const BotAdapter = botAdapterClass();
  if (!bot.id) {
    // Auth is off only when the app id is empty; any type other than MultiTenant insists on an id.
    return new BotAdapter({ MicrosoftAppId: '', MicrosoftAppPassword: '', MicrosoftAppType: 'MultiTenant', MicrosoftAppTenantId: '' });
  }
  return new BotAdapter({
    ...endpoints,
    MicrosoftAppId: bot.id,
    MicrosoftAppPassword: bot.type === 'UserAssignedMsi' ? '' : (bot.password ?? ''),
    MicrosoftAppType: bot.type,
    MicrosoftAppTenantId: bot.tenantId ?? '',
  });
}
