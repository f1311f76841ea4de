import type { SettingsStore } from '../store';
import { conversationScope, SETTING_KEYS } from './setting-scopes';

/**
 * How long the numbers of a list stay good for `check N`: an hour. Lists are read and acted on
 * together; later, newer calls have moved the numbers, and a stale number would check the wrong call.
 */
export const CALL_LIST_LIFETIME_MS = 60 * 60_000;

/** The calls a list showed someone, numbered from 1 in the order shown. */
export interface CallListNumbers {
  /** The command that showed them (`recent`, `my calls`, …), named in the answers. */
  list: string;
  /** The tenant the calls are in, null when Teams did not say. */
  tenantId: string | null;
  callIds: string[];
  /** Epoch ms. */
  shownAt: number;
}

/** What a number of the last list stands for. */
export type NumberedCall =
  | { kind: 'call'; callId: string; tenantId: string | null }
  /** No list was shown to this person in this conversation (or too long ago to keep). */
  | { kind: 'no-list' }
  /** The list is older than {@link CALL_LIST_LIFETIME_MS}. */
  | { kind: 'expired'; list: string }
  /** The number is not one the list showed. */
  | { kind: 'out-of-range'; list: string; count: number };

function numbersKey(userId: string): string {
  return `${SETTING_KEYS.callListNumbers}:${userId.toLowerCase()}`;
}

/**
 * Remembers which call each number of a list meant, for one person in one conversation (a channel's
 * threads count as the channel), replacing the list before. A list with no calls forgets the numbers.
 */
export async function rememberCallList(
  settings: SettingsStore,
  conversationKey: string,
  userId: string,
  list: Omit<CallListNumbers, 'shownAt'>,
  now: number,
): Promise<void> {
  if (list.callIds.length === 0) {
    await settings.deleteSetting(conversationScope(conversationKey), numbersKey(userId));
    return;
  }
  await settings.setSetting(conversationScope(conversationKey), numbersKey(userId), { ...list, shownAt: now } satisfies CallListNumbers);
}

/** The call that `number` (from 1) stood for in the last list shown to this person in this conversation. */
export async function numberedCall(settings: SettingsStore, conversationKey: string, userId: string, number: number, now: number): Promise<NumberedCall> {
  const saved = await settings.getSetting<CallListNumbers>(conversationScope(conversationKey), numbersKey(userId));
  if (!saved || !Array.isArray(saved.callIds) || typeof saved.shownAt !== 'number') return { kind: 'no-list' };
  if (now - saved.shownAt > CALL_LIST_LIFETIME_MS) return { kind: 'expired', list: saved.list };
  const callId = Number.isInteger(number) && number >= 1 ? saved.callIds[number - 1] : undefined;
  if (typeof callId !== 'string') return { kind: 'out-of-range', list: saved.list, count: saved.callIds.length };
  return { kind: 'call', callId, tenantId: saved.tenantId ?? null };
}
