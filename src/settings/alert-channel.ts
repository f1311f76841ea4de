import type { ConversationRecord, SettingsStore, Store } from '../store';
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

/**
 * The conversation the admins' posts go to for a tenant: the channel chosen with `alert here`, else
 * the configured default (`ALERT_CHANNEL_ID`) when it belongs to the tenant; none when the channel
 * is unknown or the app was removed from it.
 */
export async function adminsChannelOf(
  store: Pick<Store, 'settings' | 'conversations'>,
  tenantId: string,
  defaultChannelKey: string | null,
): Promise<ConversationRecord | undefined> {
  const chosen = await alertChannelOf(store.settings, tenantId);
  const key = chosen?.conversationKey ?? defaultChannelKey;
  if (!key) return undefined;
  const record = await store.conversations.getConversation(key);
  if (!record || record.deadReason) return undefined;
  if (!chosen && record.tenantId && record.tenantId !== tenantId) return undefined;
  return record;
}
