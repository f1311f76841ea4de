import * as ACData from 'adaptivecards-templating';
import type { AdaptiveCardDocument } from './card-document';

/**
 * Expands an Adaptive Card template with `adaptivecards-templating`. The data must hold every
 * field the template binds, as strings, booleans or arrays of such objects: a missing field
 * would be left in the card as its `${…}` binding.
 */
export function expandTemplate(template: object, data: object): AdaptiveCardDocument {
  return new ACData.Template(template).expand({ $root: data }) as AdaptiveCardDocument;
}
