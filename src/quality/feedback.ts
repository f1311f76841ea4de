import type { FeedbackEntry } from './report';
import { asObject, asString, type JsonObject } from './json-reader';

const ENDPOINTS = ['caller', 'callee'] as const;

/** The user behind an endpoint: `identity.user`, else `associatedIdentity`, else any identity with an id. */
export function endpointUser(endpoint: JsonObject | undefined): { id: string | null; displayName: string | null } {
  const identity = asObject(endpoint?.identity);
  const candidates = [asObject(identity?.user), asObject(endpoint?.associatedIdentity)];
  if (identity) {
    for (const [key, value] of Object.entries(identity)) if (key !== 'user') candidates.push(asObject(value));
  }
  for (const candidate of candidates) {
    const id = asString(candidate?.id);
    if (id) return { id, displayName: asString(candidate?.displayName) };
  }
  const named = candidates.find((candidate) => asString(candidate?.displayName));
  return { id: null, displayName: asString(named?.displayName) };
}

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
