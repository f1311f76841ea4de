import type * as ACData from 'adaptivecards-templating';
import type { AdaptiveCardDocument } from './card-document';

/**
 * Expands an Adaptive Card template with `adaptivecards-templating`. The data must hold every
 * field the template binds, as strings, booleans or arrays of such objects: a missing field
 * would be left in the card as its `${…}` binding.
 *
 * The package (with the expression engine it brings, about 25 MB of RSS) is loaded at the first
 * card, not when the bot starts: a bot with nothing to say does not need it. `require` caches it.
 */
export function expandTemplate(template: object, data: object): AdaptiveCardDocument {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const templating = require('adaptivecards-templating') as typeof ACData;
  return new templating.Template(template).expand({ $root: data }) as AdaptiveCardDocument;
}
