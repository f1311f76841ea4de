import type { AppConfig } from './config';
import { openSqliteStore, type Store } from './store';

/** Opens the store the configuration names (`STORE`). */
export async function openConfiguredStore(config: AppConfig): Promise<Store> {
  if (config.store === 'sqlite') return openSqliteStore({ dataDir: config.dataDir });
  throw new Error('STORE=azure is not available in this build; use STORE=sqlite.');
}
