import type { TurnContext } from 'botbuilder';
import { isAdmin } from '../admin-check';
import type { BotServices } from '../bot-services';

/** Answers with why not and resolves to false unless the sender is one of the bot's admins. */
export async function requireAdmin(context: TurnContext, services: BotServices, what: string): Promise<boolean> {
  if (await isAdmin(context, services.admins)) return true;
  await context.sendActivity(
    `Sorry, only the bot's admins can ${what}: the people listed in ADMIN_USER_IDS, or the owners of the team where the command is given.`,
  );
  return false;
}

/** "2026-11-23 16:09 UTC". */
export function readableTime(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
