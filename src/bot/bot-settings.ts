import type { SettingsStore } from '../store';

/** The settings scope of a tenant (`global` when Teams did not say which tenant). */
export function tenantScope(tenantId: string | null | undefined): string {
  return tenantId ? `tenant:${tenantId}` : 'global';
}

/** The settings scope of a user, by Entra object id. */
export function userScope(userAadId: string): string {
  return `user:${userAadId.toLowerCase()}`;
}

/** Setting keys the bot owns. */
export const SETTING_KEYS = {
  /** Per user: `{ until }`, epoch ms. */
  mute: 'alerts.mute',
  /** Per tenant: the admins' channel chosen with `alert here`. */
  alertChannel: 'alerts.channel',
  /** Per tenant: the quality profile and threshold overrides set in Teams. */
  quality: 'quality.overrides',
} as const;

/** A user's mute. */
export interface MuteSetting {
  until: number;
  setAt: number;
}

/** The admins' channel of a tenant. */
export interface AlertChannelSetting {
  /** The conversation record key of the channel. */
  conversationKey: string;
  setBy: string | null;
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

/** The admins' channel chosen in Teams for a tenant, if any. */
export async function alertChannelOf(settings: SettingsStore, tenantId: string | null): Promise<AlertChannelSetting | undefined> {
  return settings.getSetting<AlertChannelSetting>(tenantScope(tenantId), SETTING_KEYS.alertChannel);
}

/** Chooses (or with null, clears) a tenant's admins' channel. */
export async function setAlertChannel(settings: SettingsStore, tenantId: string | null, channel: AlertChannelSetting | null): Promise<void> {
  if (channel) await settings.setSetting(tenantScope(tenantId), SETTING_KEYS.alertChannel, channel);
  else await settings.deleteSetting(tenantScope(tenantId), SETTING_KEYS.alertChannel);
}
