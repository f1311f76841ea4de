import type { SettingsStore } from '../store';

/** Who acknowledged an alert and when (ISO 8601), as the card shows it. */
export interface Acknowledgement {
  name: string;
  at: string;
}

/** The `acknowledgedBy` text kept in the sent-cards store for an acknowledgement. */
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

/** What the admins' card of a call said about the organizer, so a refreshed card says it again. */
export interface OrganizerNotice {
  reachable: boolean | undefined;
  reason: string | null;
}

const NOTICE_KEY = 'alerts.organizer-notice';

function callScope(tenantId: string, callId: string): string {
  return `call:${tenantId}:${callId}`;
}

/** Remembers whether the organizer of a call could be told. */
export async function saveOrganizerNotice(settings: SettingsStore, tenantId: string, callId: string, notice: OrganizerNotice): Promise<void> {
  await settings.setSetting(callScope(tenantId, callId), NOTICE_KEY, { reachable: notice.reachable ?? null, reason: notice.reason });
}

/** What was said about the organizer of a call, when anything was. */
export async function organizerNoticeOf(settings: SettingsStore, tenantId: string, callId: string): Promise<OrganizerNotice> {
  const saved = await settings.getSetting<{ reachable: boolean | null; reason: string | null }>(callScope(tenantId, callId), NOTICE_KEY);
  return { reachable: saved?.reachable ?? undefined, reason: saved?.reason ?? null };
}
