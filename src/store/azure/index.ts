/** The Azure Storage engine of the store (queues, tables and blobs), for several instances on one account. */
export {
  openAzureStore,
  openAzurePoisonQueue,
  dropAzureStore,
  azureStoreResourceNames,
  DEFAULT_AZURE_STORE_PREFIX,
  type AzureStoreOptions,
  type AzureStoreResourceNames,
} from './azure-store';
export { storageEndpointsFromAccountUrl, type AzureStorageConnection, type StorageEndpoints } from './storage-clients';
export { AzureStoreError, type AzureStoreErrorDetails } from './azure-store-error';
export { tableKey, callPartitionKey } from './table-keys';
export type { PoisonQueue, PoisonedMessage, PoisonReplay } from './poison-queue';
