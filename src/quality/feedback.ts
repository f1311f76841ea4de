import type { FeedbackEntry } from './report';
import { asObject, asString, type JsonObject } from './json-reader';
import { endpointUser } from './call-parties';

const ENDPOINTS = ['caller', 'callee'] as const;

/**
 * Appends the "rate my call" answers of one session (already de-duplicated), once per user, with
 * the names of the tokens that were `true`: a call scored page by page collects them as its
 * sessions arrive. Without garbage beyond the entries: it runs for every session of every call scored.
 */
export function feedbackOfSession(session: JsonObject, into: FeedbackEntry[]): void {
  // Both ends are of this session: an answer is told apart by its user (its role when the user has no id).
  let firstUser: string | undefined;
  for (const role of ENDPOINTS) {
    const endpoint = asObject(session[role]);
    const feedback = asObject(endpoint?.feedback);
    if (!feedback) continue;
    const user = endpointUser(endpoint);
    // Answers are kept once per user and session: the callee is dropped when it is the caller's user again.
    const key = user.id ?? role;
    if (key === firstUser) continue;
    firstUser = key;
    into.push({
      sessionId: asString(session.id),
      userId: user.id,
      displayName: user.displayName,
      rating: asString(feedback.rating),
      tokens: trueTokens(asObject(feedback.tokens)),
      text: asString(feedback.text),
    });
  }
}

/** The names of the tokens that are `true`, in the order Graph gave them. */
function trueTokens(tokens: JsonObject | undefined): string[] {
  const names: string[] = [];
  if (!tokens) return names;
  for (const name in tokens) if (tokens[name] === true && Object.prototype.hasOwnProperty.call(tokens, name)) names.push(name);
  return names;
}
