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
  sessions.forEach((session, index) => feedbackOfSession(session, index, entries));
  return entries;
}

/**
 * Appends the answers of one session (the `index`-th of the call's de-duplicated sessions, which
 * stands for the id of a session without one), once per user: a call scored page by page collects
 * them as its sessions arrive, with the same result as {@link collectFeedback}.
 */
export function feedbackOfSession(session: JsonObject, index: number, into: FeedbackEntry[]): void {
  const sessionId = asString(session.id);
  let firstUser: string | undefined;
  for (const role of ENDPOINTS) {
    const endpoint = asObject(session[role]);
    const feedback = asObject(endpoint?.feedback);
    if (!feedback) continue;
    const user = endpointUser(endpoint);
    // Answers are kept once per user and session: the callee is dropped when it is the caller's user again.
    const key = JSON.stringify([sessionId ?? `#${index}`, user.id ?? role]);
    if (key === firstUser) continue;
    firstUser = key;
    const tokens = asObject(feedback.tokens);
    into.push({
      sessionId,
      userId: user.id,
      displayName: user.displayName,
      rating: asString(feedback.rating),
      tokens: tokens ? Object.keys(tokens).filter((name) => tokens[name] === true) : [],
      text: asString(feedback.text),
    });
  }
}
