import type { OrganizerNotice } from '../alerts';
import type { SettingsStore } from '../store';
import { callScope, SETTING_KEYS } from './setting-scopes';

/** Remembers whether the organizer of a call could be told, so a refreshed admins' card says it again. */
export async function saveOrganizerNotice(settings: SettingsStore, tenantId: string, callId: string, notice: OrganizerNotice): Promise<void> {
  await settings.setSetting(callScope(tenantId, callId), SETTING_KEYS.organizerNotice, { reachable: notice.reachable ?? null, reason: notice.reason });
}

/** What was said about the organizer of a call, when anything was. */
export async function organizerNoticeOf(settings: SettingsStore, tenantId: string, callId: string): Promise<OrganizerNotice> {
  const saved = await settings.getSetting<{ reachable: boolean | null; reason: string | null }>(callScope(tenantId, callId), SETTING_KEYS.organizerNotice);
  return { reachable: saved?.reachable ?? undefined, reason: saved?.reason ?? null };
}
