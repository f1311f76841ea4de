import type * as BotBuilder from 'botbuilder';

/**
 * The `botbuilder` package, loaded at its first use instead of at start-up. It brings the Bot
 * Connector client and `@azure/identity` (about 50 MB of RSS), which only a turn or a card being
 * sent needs: a bot that is only taking Graph's notifications stays without it. Modules of this
 * folder import botbuilder's types statically and its values through this; `require` caches it.
 */
export function botFramework(): typeof BotBuilder {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('botbuilder') as typeof BotBuilder;
}
