/**
 * Readers for JSON of unknown shape. Graph may send nulls, unknown properties and unknown enum
 * members anywhere; the engine reads through these so it never throws on a well-formed object.
 */

/** A JSON object. */
export type JsonObject = Record<string, unknown>;

/** The value when it is a plain object, else undefined. */
export function asObject(value: unknown): JsonObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

/** The value when it is an array, else an empty array. */
export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The value when it is a string, else null. */
export function asString(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** The value when it is a finite number, else null. */
export function asNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** The epoch milliseconds of a date-time string (`2020-02-25T18:52:21.2169889Z`), else null. */
export function asTime(value: unknown): number | null {
  const text = asString(value);
  if (!text) return null;
  const time = Date.parse(text);
  return Number.isNaN(time) ? null : time;
}

/**
 * The sessions of a record, without duplicates: sessions sharing an `id` are one session and the
 * first one seen is kept (Graph repeats sessions across pages and service identities).
 */
export function uniqueSessions(record: JsonObject): JsonObject[] {
  return newSessions(asArray(record.sessions), new Set());
}

/**
 * The sessions of one page not seen before: objects only, in order, a session whose `id` is in
 * `seen` passed over and the ids of those returned added to it (Graph repeats sessions across pages).
 */
export function newSessions(items: readonly unknown[], seen: Set<string>): JsonObject[] {
  const sessions: JsonObject[] = [];
  for (const item of items) {
    const session = asObject(item);
    if (!session) continue;
    const id = asString(session.id);
    if (id !== null) {
      if (seen.has(id)) continue;
      seen.add(id);
    }
    sessions.push(session);
  }
  return sessions;
}
