import { TableClient, type TableServiceClientOptions } from '@azure/data-tables';
import type { TokenCredential } from '@azure/identity';
import { ContainerClient, BlobServiceClient } from '@azure/storage-blob';
import { QueueClient, QueueServiceClient } from '@azure/storage-queue';

/**
 * How to reach the storage account: a connection string (Azurite, or an account key / SAS in
 * development), or the account's URL with an Entra ID credential (a managed identity on Azure:
 * `new DefaultAzureCredential()` or `new ManagedIdentityCredential({ clientId })` from `@azure/identity`).
 */
export type AzureStorageConnection =
  | { connectionString: string }
  | {
      /**
       * Any endpoint of the account: `https://<account>.blob.core.windows.net` (or `.queue.`, `.table.`);
       * the other two are derived from it. Give `endpoints` instead for custom domains.
       */
      accountUrl: string;
      credential: TokenCredential;
      /** Explicit endpoints, overriding those derived from `accountUrl`. */
      endpoints?: Partial<StorageEndpoints>;
    };

/** The three service endpoints of one storage account. */
export interface StorageEndpoints {
  blob: string;
  queue: string;
  table: string;
}

/** Clients for the named tables, queues and containers of one account. */
export interface StorageClients {
  table(name: string): TableClient;
  queue(name: string): QueueClient;
  container(name: string): ContainerClient;
}

const SERVICE_HOST = /^([a-z0-9]+)\.(blob|queue|table|dfs|file)\.(.+)$/i;

/**
 * The blob, queue and table endpoints of the account an endpoint URL belongs to, e.g.
 * `https://acct.blob.core.windows.net` gives `https://acct.queue.core.windows.net` and
 * `https://acct.table.core.windows.net`.
 */
export function storageEndpointsFromAccountUrl(accountUrl: string): StorageEndpoints {
  let url: URL;
  try {
    url = new URL(accountUrl);
  } catch {
    throw new RangeError(`The storage account URL "${accountUrl}" is not a URL; give the account's endpoint, e.g. https://<account>.blob.core.windows.net.`);
  }
  const match = SERVICE_HOST.exec(url.hostname);
  if (!match) {
    throw new RangeError(
      `The storage account URL "${url.origin}" is not of the form https://<account>.<blob|queue|table>.<suffix>, so the other service endpoints cannot be derived; give them as "endpoints" or use a connection string.`,
    );
  }
  const endpoint = (service: string) => `${url.protocol}//${match[1]}.${service}.${match[3]}${url.port ? `:${url.port}` : ''}`;
  return { blob: endpoint('blob'), queue: endpoint('queue'), table: endpoint('table') };
}

/** Options of the SDK clients. */
export interface StorageClientOptions {
  /** Pipeline policies added to every table client (e.g. one that counts requests, in tests and benchmarks). */
  tablePolicies?: TableServiceClientOptions['additionalPolicies'];
}

/** Creates the SDK clients for a connection (no request is made here). */
export function createStorageClients(connection: AzureStorageConnection, options: StorageClientOptions = {}): StorageClients {
  const additionalPolicies = options.tablePolicies;
  if ('connectionString' in connection) {
    const connectionString = connection.connectionString.trim();
    if (connectionString === '') throw new RangeError('The Azure Storage connection string is empty; set AZURE_STORAGE_CONNECTION_STRING or use an account URL.');
    // Azurite speaks plain http on loopback; the table client refuses that unless told.
    const allowInsecureConnection = /DefaultEndpointsProtocol=http;|UseDevelopmentStorage=true|Endpoint=http:\/\//i.test(connectionString);
    const blobs = BlobServiceClient.fromConnectionString(connectionString);
    const queues = QueueServiceClient.fromConnectionString(connectionString);
    return {
      table: (name) => TableClient.fromConnectionString(connectionString, name, { allowInsecureConnection, additionalPolicies }),
      queue: (name) => queues.getQueueClient(name),
      container: (name) => blobs.getContainerClient(name),
    };
  }
  const derived = connection.endpoints?.blob && connection.endpoints.queue && connection.endpoints.table ? undefined : storageEndpointsFromAccountUrl(connection.accountUrl);
  const endpoints: StorageEndpoints = {
    blob: connection.endpoints?.blob ?? derived!.blob,
    queue: connection.endpoints?.queue ?? derived!.queue,
    table: connection.endpoints?.table ?? derived!.table,
  };
  const blobs = new BlobServiceClient(endpoints.blob, connection.credential);
  const queues = new QueueServiceClient(endpoints.queue, connection.credential);
  return {
    table: (name) => new TableClient(endpoints.table, name, connection.credential, { additionalPolicies }),
    queue: (name) => queues.getQueueClient(name),
    container: (name) => blobs.getContainerClient(name),
  };
}
