import frame from './templates/alert-card/frame.json';
import callSummary from './templates/alert-card/call-summary.json';
import failures from './templates/alert-card/failures.json';
import feedback from './templates/alert-card/feedback.json';
import hints from './templates/alert-card/hints.json';
import poorStreams from './templates/alert-card/poor-streams.json';
import streamDetails from './templates/alert-card/stream-details.json';

/** The sections of the alert card, each in a template file of its own, by the name the frame places them with. */
const SECTIONS: Record<string, object> = {
  'call-summary': callSummary,
  failures,
  'poor-streams': poorStreams,
  feedback,
  hints,
  'stream-details': streamDetails,
};

/** The frame with its sections in place, built at the first card. */
let assembled: object | undefined;

/**
 * The alert card's Adaptive Card template: `templates/alert-card/frame.json` (header, notices,
 * footer and actions) with each `{ "$section": name }` placeholder replaced by that section's
 * template. Built once and the same object every time, so that `expandTemplate` parses its
 * bindings once; neither it nor the templates it is made of are ever changed.
 */
export function alertCardTemplate(): object {
  if (assembled) return assembled;
  const body = frame.body.map((element) => {
    const name = (element as { $section?: string }).$section;
    if (name === undefined) return element;
    const section = SECTIONS[name];
    if (!section) throw new Error(`The alert card frame names a section "${name}" that has no template in templates/alert-card/.`);
    return section;
  });
  assembled = { ...frame, body };
  return assembled;
}
