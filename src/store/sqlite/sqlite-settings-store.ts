import type { SettingsStore } from '../types';
import type { SqliteDatabase } from './sqlite-database';
import type { Row } from './sqlite-rows';

/** Settings, one row per scope and key, the value as JSON. */
export function createSqliteSettingsStore(db: SqliteDatabase): SettingsStore {
  return {
    async getSetting<T = unknown>(scope: string, key: string): Promise<T | undefined> {
      const row = db.sql('SELECT value FROM settings WHERE scope = ? AND key = ?').get(scope, key) as Row | undefined;
      return row ? (JSON.parse(row.value as string) as T) : undefined;
    },
    async setSetting(scope, key, value) {
      db.sql('INSERT INTO settings (scope, key, value) VALUES (?, ?, ?) ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value').run(scope, key, JSON.stringify(value));
    },
    async addSetting(scope, key, value) {
      return Number(db.sql('INSERT INTO settings (scope, key, value) VALUES (?, ?, ?) ON CONFLICT (scope, key) DO NOTHING').run(scope, key, JSON.stringify(value)).changes) === 1;
    },
    async deleteSetting(scope, key) {
      db.sql('DELETE FROM settings WHERE scope = ? AND key = ?').run(scope, key);
    },
  };
}
