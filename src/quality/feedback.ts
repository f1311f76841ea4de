import type { FeedbackEntry } from './report';
import { asObject, asString, type JsonObject } from './json-reader';
import { endpointUser } from './call-parties';

const ENDPOINTS = ['caller', 'callee'] as const;

/**
 * The "rate my call" answers of the given (already de-duplicated) sessions, once per user and
 * session, with the names of the tokens that were `true`.
 */
export function collectFeedback(sessions: readonly JsonObject[]): FeedbackEntry[] {
  const entries: FeedbackEntry[] = [];
  const seen = new Set<string>();
  sessions.forEach((session, index) => {
    const sessionId = asString(session.id);
    for (const role of ENDPOINTS) {
      const endpoint = asObject(session[role]);
      const feedback = asObject(endpoint?.feedback);
      if (!feedback) continue;
      const user = endpointUser(endpoint);
      const key = JSON.stringify([sessionId ?? `#${index}`, user.id ?? role]);
      if (seen.has(key)) continue;
      seen.add(key);
      const tokens = asObject(feedback.tokens);
      entries.push({
        sessionId,
        userId: user.id,
        displayName: user.displayName,
        rating: asString(feedback.rating),
        tokens: tokens ? Object.keys(tokens).filter((name) => tokens[name] === true) : [],
        text: asString(feedback.text),
      });
    }
  });
  return entries;
}
