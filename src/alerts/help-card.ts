import type { AdaptiveCardDocument } from './card-document';
import { expandTemplate } from './card-template';
import helpTemplate from './templates/help-card.json';

/** A chat command as the help card lists it. */
export interface CommandDescription {
  /**
   * How it is typed, e.g. `recent N`. Placeholders are in capitals, never in angle brackets:
   * Teams and the Agents Playground read `<word>` as HTML and drop it.
   */
  name: string;
  description: string;
  adminOnly?: boolean;
}

/** The answer to `help` and to anything the bot does not understand: every command, admin-only ones marked. */
export function buildHelpCard(commands: readonly CommandDescription[]): AdaptiveCardDocument {
  return expandTemplate(helpTemplate, {
    title: 'Call Quality Bot',
    subtitle: 'Tells organizers and admins about calls that went badly, judged the way Call Quality Dashboard does.',
    badge: 'Commands',
    commands: commands.map((command) => ({
      name: command.name,
      description: command.description,
      who: command.adminOnly ? 'Admins' : 'Everyone',
      whoColor: command.adminOnly ? 'warning' : 'default',
      whoWeight: command.adminOnly ? 'Bolder' : 'Default',
      whoSubtle: !command.adminOnly,
    })),
    footer: 'In a channel, commands work with or without @mentioning the bot. Admins are the users the bot is configured with and the owners of the team.',
  });
}
