import type * as ACData from 'adaptivecards-templating';
import type { AdaptiveCardDocument } from './card-document';

/**
 * Each template object's prepared `Template`. Constructing one parses every `${…}` binding of the
 * template with the expression engine (an ANTLR parser, about 4 ms for the alert card, and
 * `adaptive-expressions`' own parse cache never hits); `expand` only evaluates. The package
 * documents that one instance "can be bound to different data objects in a loop", and `expand`
 * is synchronous, so one instance per template serves every card. Keyed weakly: a template built
 * on the fly is prepared again when it is a new object, and dropped with it.
 */
const prepared = new WeakMap<object, ACData.Template>();

/**
 * Expands an Adaptive Card template with `adaptivecards-templating`. The data must hold every
 * field the template binds, as strings, booleans or arrays of such objects: a missing field
 * would be left in the card as its `${…}` binding. The template object must not be changed
 * after its first card: it is parsed once.
 *
 * The package (with the expression engine it brings, about 25 MB of RSS) is loaded at the first
 * card, not when the bot starts: a bot with nothing to say does not need it. `require` caches it.
 */
export function expandTemplate(template: object, data: object): AdaptiveCardDocument {
  let ready = prepared.get(template);
  if (!ready) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const templating = require('adaptivecards-templating') as typeof ACData;
    ready = new templating.Template(template);
    prepared.set(template, ready);
  }
  return ready.expand({ $root: data }) as AdaptiveCardDocument;
}
