import type { SettingsStore } from '../store';
import { SETTING_KEYS, tenantScope } from './setting-scopes';

/** The admins' channel of a tenant, chosen in Teams with `alert here`. */
export interface AlertChannelSetting {
  /** The conversation record key of the channel. */
  conversationKey: string;
  setBy: string | null;
  setAt: number;
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
