/** Who acknowledged an alert and when (ISO 8601), as the card shows it. */
export interface Acknowledgement {
  name: string;
  at: string;
}

/** The `acknowledgedBy` text kept with a sent card for an acknowledgement. */
export function encodeAcknowledgement(acknowledgement: Acknowledgement): string {
  return JSON.stringify(acknowledgement);
}

/** Reads a stored `acknowledgedBy` (JSON, or a bare name written by something else). */
export function decodeAcknowledgement(value: string | null | undefined, fallbackAt: number): Acknowledgement | null {
  if (!value) return null;
  try {
    const parsed = JSON.parse(value) as Partial<Acknowledgement>;
    if (typeof parsed.name === 'string') return { name: parsed.name, at: typeof parsed.at === 'string' ? parsed.at : new Date(fallbackAt).toISOString() };
  } catch {
    // Not JSON: a bare name.
  }
  return { name: value, at: new Date(fallbackAt).toISOString() };
}

/** What the admins' card of a call says about the organizer: told, not told (and why), or not known yet. */
export interface OrganizerNotice {
  reachable: boolean | undefined;
  reason: string | null;
}
