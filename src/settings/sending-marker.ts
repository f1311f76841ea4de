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
 * Notes that a new card of `version` of a call is about to be posted in a conversation. The Bot
 * Connector has no idempotency key, so a crash between its answer and the record of the sent card
 * would make the retry post the card again; with this note the retry knows, and says on the card
 * that it may be a copy.
 */
export async function markSending(settings: SettingsStore, tenantId: string, callId: string, conversationKey: string, marker: SendingMarker): Promise<void> {
  await settings.setSetting(callScope(tenantId, callId), markerKey(conversationKey), marker);
}

/** The note of the last post that was under way in a conversation for a call, if any. */
export async function sendingMarkerOf(settings: SettingsStore, tenantId: string, callId: string, conversationKey: string): Promise<SendingMarker | undefined> {
  return settings.getSetting<SendingMarker>(callScope(tenantId, callId), markerKey(conversationKey));
}

/**
 * Takes the note back: the connector answered that it did not post (429, 412 or another 4xx), so
 * the next try is no copy and must not say it may be one.
 */
export async function clearSending(settings: SettingsStore, tenantId: string, callId: string, conversationKey: string): Promise<void> {
  await settings.deleteSetting(callScope(tenantId, callId), markerKey(conversationKey));
}
