import type { SettingsStore } from './types';

interface Cached {
  readAt: number;
  value: Promise<unknown>;
}

/**
 * A settings store that may answer a read from an earlier one, when the caller says how old an
 * answer it accepts (`maxAgeMs`; without it every read goes to storage). A write or delete
 * through this store forgets the setting at once, so a change made on this instance applies to
 * its next read; a change made on another instance (Azure, several instances) is seen within
 * `maxAgeMs`. Reads of one setting in flight together share one request.
 */
export function withSettingsCache(settings: SettingsStore, clock: () => number = Date.now): SettingsStore {
  const cache = new Map<string, Cached>();
  const keyOf = (scope: string, key: string) => JSON.stringify([scope, key]);
  /** Forgets before and after the write, so a read that started meanwhile is not kept either. */
  const changing = async <T>(scope: string, key: string, write: () => Promise<T>): Promise<T> => {
    const id = keyOf(scope, key);
    cache.delete(id);
    try {
      return await write();
    } finally {
      cache.delete(id);
    }
  };
  return {
    getSetting<T = unknown>(scope: string, key: string, options?: { maxAgeMs?: number }): Promise<T | undefined> {
      const maxAgeMs = options?.maxAgeMs ?? 0;
      if (maxAgeMs <= 0) return settings.getSetting<T>(scope, key);
      const id = keyOf(scope, key);
      const now = clock();
      const cached = cache.get(id);
      if (cached && now - cached.readAt < maxAgeMs) return cached.value as Promise<T | undefined>;
      const value = settings.getSetting<T>(scope, key);
      cache.set(id, { readAt: now, value });
      // A failed read is not an answer: the next caller asks storage again.
      value.catch(() => cache.get(id)?.value === value && cache.delete(id));
      return value;
    },
    setSetting: (scope, key, value) => changing(scope, key, () => settings.setSetting(scope, key, value)),
    addSetting: (scope, key, value) => changing(scope, key, () => settings.addSetting(scope, key, value)),
    deleteSetting: (scope, key) => changing(scope, key, () => settings.deleteSetting(scope, key)),
  };
}
