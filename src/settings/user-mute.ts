import type { SettingsStore } from '../store';
import { SETTING_KEYS, userScope } from './setting-scopes';

/** A user's mute of their own alerts. */
export interface MuteSetting {
  /** Epoch ms. */
  until: number;
  setAt: number;
}

/** Until when a user muted their alerts, or null when they did not (or it ran out). */
export async function mutedUntil(settings: SettingsStore, userAadId: string, now: number): Promise<number | null> {
  const mute = await settings.getSetting<MuteSetting>(userScope(userAadId), SETTING_KEYS.mute);
  return mute && typeof mute.until === 'number' && mute.until > now ? mute.until : null;
}

/** Mutes a user's alerts for `hours`; resolves to the end of the mute. */
export async function muteUser(settings: SettingsStore, userAadId: string, hours: number, now: number): Promise<number> {
  const until = now + Math.round(hours * 3_600_000);
  await settings.setSetting(userScope(userAadId), SETTING_KEYS.mute, { until, setAt: now } satisfies MuteSetting);
  return until;
}

/** Ends a user's mute. */
export async function unmuteUser(settings: SettingsStore, userAadId: string): Promise<void> {
  await settings.deleteSetting(userScope(userAadId), SETTING_KEYS.mute);
}
