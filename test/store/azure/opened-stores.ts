import type { Store } from '../../../src/store';
import { dropAzureStore } from '../../../src/store/azure';

/** Stores a test opened, each with its prefix, so that `after` can close them and delete what they made. */
export type OpenedStores = Array<{ store: Store; prefix: string }>;

/** Closes every store opened and drops its tables, queues and containers (through `connectionString`, not a proxy). */
export async function dropOpenedStores(opened: OpenedStores, connectionString: string): Promise<void> {
  for (const { store, prefix } of opened) {
    await store.close();
    await dropAzureStore({ connectionString }, { prefix }).catch(() => undefined);
  }
}
