import type { AppConfig } from './config';
import { openSqliteStore, type Store } from './store';

/**
 * Opens the store the configuration names (`STORE`). The Azure engine and `@azure/identity` are
 * loaded only when chosen, so the embedded default starts without them.
 */
export async function openConfiguredStore(config: AppConfig): Promise<Store> {
  if (config.store === 'sqlite') return openSqliteStore({ dataDir: config.dataDir });
  const { openAzureStore } = await import('./store/azure/index.js');
  const { connectionString, accountUrl, prefix } = config.azureStorage;
  if (connectionString) return openAzureStore({ connectionString }, { prefix });
  // On App Service: the user-assigned identity named by AZURE_CLIENT_ID, no account keys anywhere.
  const { DefaultAzureCredential } = await import('@azure/identity');
  return openAzureStore({ accountUrl: accountUrl!, credential: new DefaultAzureCredential() }, { prefix });
}
