import type { SettingsStore } from '../store';
import { callScope } from './setting-scopes';

/** A note, written just before a new card is posted, that a post of this version is under way. */
export interface SendingMarker {
  version: number;
  /** Epoch ms. */
  at: number;
}

function markerKey(conversationKey: string): string {
  return `alerts.sending:${conversationKey}`;
}

/**
 * Notes that a new card of `version` of a call is about to be posted in a conversation, and says
 * whether an earlier post of this version (or a newer one) was under way: the Bot Connector has no
 * idempotency key, so a crash between its answer and the record of the sent card makes the retry
 * post the card again; with this note the retry knows, and says on the card that it may be a copy.
 *
 * The note is usually absent (a first post), so it is added in one request; only when one is there
 * is it read, then replaced (three requests, on a retry or a repost).
 */
export async function markSending(settings: SettingsStore, tenantId: string, callId: string, conversationKey: string, marker: SendingMarker): Promise<{ resent: boolean }> {
  const scope = callScope(tenantId, callId);
  const key = markerKey(conversationKey);
  if (await settings.addSetting(scope, key, marker)) return { resent: false };
  const earlier = await settings.getSetting<SendingMarker>(scope, key);
  await settings.setSetting(scope, key, marker);
  return { resent: earlier !== undefined && earlier.version >= marker.version };
}

/**
 * Takes the note back: the connector answered that it did not post (429, 412 or another 4xx), so
 * the next try is no copy and must not say it may be one.
 */
export async function clearSending(settings: SettingsStore, tenantId: string, callId: string, conversationKey: string): Promise<void> {
  await settings.deleteSetting(callScope(tenantId, callId), markerKey(conversationKey));
}
