import { TeamsAdapter } from '@microsoft/teams-ai';
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
 * The Teams AI adapter (a Bot Framework `CloudAdapter`) for the bot's credentials. With no
 * `BOT_ID`, authentication is off (local use, Agents Playground); with one, every request must
 * carry a Bot Framework token (unsigned ones get 401) and outgoing calls are signed with the
 * app's credentials: a client secret (`MultiTenant`, `SingleTenant` with `BOT_TENANT_ID`) or a
 * user-assigned managed identity (`UserAssignedMsi`, no password).
 */
export function createTeamsAdapter(bot: AppConfig['bot'], endpoints: BotFrameworkEndpoints = {}): TeamsAdapter {
  if (!bot.id) {
    // Auth is off only when the app id is empty; any type other than MultiTenant insists on an id.
    return new TeamsAdapter({ MicrosoftAppId: '', MicrosoftAppPassword: '', MicrosoftAppType: 'MultiTenant', MicrosoftAppTenantId: '' });
  }
  if (bot.type === 'UserAssignedMsi' && bot.password) {
    throw new Error('BOT_PASSWORD must not be set when BOT_TYPE=UserAssignedMsi: the managed identity signs the bot\'s requests.');
  }
  if (bot.type === 'UserAssignedMsi' && !bot.tenantId) {
    throw new Error('BOT_TENANT_ID is required when BOT_TYPE=UserAssignedMsi.');
  }
  if (bot.type !== 'UserAssignedMsi' && !bot.password) {
    throw new Error(`BOT_PASSWORD is required when BOT_ID is set and BOT_TYPE=${bot.type}: it is the client secret of the bot's app registration.`);
  }
  return new TeamsAdapter({
    ...endpoints,
    MicrosoftAppId: bot.id,
    MicrosoftAppPassword: bot.type === 'UserAssignedMsi' ? '' : (bot.password ?? ''),
    MicrosoftAppType: bot.type,
    MicrosoftAppTenantId: bot.tenantId ?? '',
  });
}
