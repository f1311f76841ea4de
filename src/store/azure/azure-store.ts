import { withSettingsCache } from '../cached-settings';
import { keepScoredCallInSteps } from '../scored-call-steps';
import type { Store } from '../types';
import { createAzureConversationStore } from './azure-conversation-store';
import { createAzureDocumentStore } from './azure-document-store';
import { createAzureHistoryStore } from './azure-history-store';
import { createAzureInbox } from './azure-inbox';
import { createAzureReportStore, parseAlertMessage } from './azure-report-store';
import { parseInboxMessage } from './inbox-messages';
import { createPoisonQueue, type PoisonQueue, type ReplayTarget } from './poison-queue';
import { createAzureRunStore } from './azure-run-store';
import { createAzureSentCardStore } from './azure-sent-card-store';
import { createAzureSettingsStore } from './azure-settings-store';
import { AzureStoreError, toAzureStoreError, withStorageErrors } from './azure-store-error';
import { ignoreStatus } from './ignore-status';
import { createAzureSubscriptionStore } from './azure-subscription-store';
import { DEFAULT_MAX_INLINE_REPORT_BYTES, ReportBodies } from './report-body';
import { GzipBlobs } from './gzip-blobs';
import { MAX_BYTES_IN_ENTITY } from './table-properties';
import { createStorageClients, type AzureStorageConnection, type StorageClientOptions } from './storage-clients';

/** Options of the Azure store. */
export interface AzureStoreOptions {
  /**
   * Starts the name of every table, queue and container, so several bots (or test runs) can share
   * one account: lowercase letters and digits, starting with a letter, 2 to 40 characters.
   * Default `callquality`.
   */
  prefix?: string;
  /** Gzipped report bodies up to this many bytes stay in the table row; bigger ones go to a blob. Default 256 KiB. */
  maxInlineReportBytes?: number;
  /** Rows per page when the history is listed (1 to 1,000, default 1,000); tests use a small one to cross pages. */
  historyPageSize?: number;
  /** A history row up to this many bytes keeps the call's summary in itself; a bigger one puts it in a blob. Default: what an entity holds (about 900 KB). */
  maxInlineHistoryBytes?: number;
  /** Pipeline policies added to every table client (e.g. one that counts storage requests). */
  tablePolicies?: StorageClientOptions['tablePolicies'];
}

/** The tables, queues and blob containers one store uses. */
export interface AzureStoreResourceNames {
  tables: { inbox: string; calls: string; subscriptions: string; conversations: string; sentCards: string; settings: string; history: string; runs: string };
  queues: { inbox: string; alerts: string; poison: string };
  containers: { reports: string; documents: string; history: string };
}

/** The default resource name prefix. */
export const DEFAULT_AZURE_STORE_PREFIX = 'callquality';

const PREFIX = /^[a-z][a-z0-9]{1,39}$/;

/** The names of the tables, queues and containers for a prefix (queue and container names take a hyphen). */
export function azureStoreResourceNames(prefix: string = DEFAULT_AZURE_STORE_PREFIX): AzureStoreResourceNames {
  if (!PREFIX.test(prefix)) {
    throw new RangeError(
      `The Azure store prefix "${prefix}" is not usable in table, queue and container names; use 2 to 40 lowercase letters and digits, starting with a letter.`,
    );
  }
  return {
    tables: {
      inbox: `${prefix}inbox`,
      calls: `${prefix}calls`,
      subscriptions: `${prefix}subscriptions`,
      conversations: `${prefix}conversations`,
      sentCards: `${prefix}sentcards`,
      settings: `${prefix}settings`,
      history: `${prefix}history`,
      runs: `${prefix}runs`,
    },
    queues: { inbox: `${prefix}-inbox`, alerts: `${prefix}-alerts`, poison: `${prefix}-poison` },
    containers: { reports: `${prefix}-reports`, documents: `${prefix}-documents`, history: `${prefix}-history` },
  };
}

/**
 * Opens the Azure Storage engine of the {@link Store} (creating its tables, queues and blob
 * containers when missing), for several instances sharing one storage account:
 * - inbox and alert jobs: storage queues deliver work, table rows decide it with ETag-conditional
 *   writes (a queue message's visibility timeout is the lease; see `QueueLeases`);
 * - reports and processed versions: a table partition per call, written in one entity group
 *   transaction with the call's alert job; report bodies gzipped in the row or, when big, in a blob;
 * - subscriptions, conversations, sent cards, settings, runs that must happen once: tables;
 * - the history of scored calls: a table partition per tenant, its calls by day with one aggregate
 *   row per day (see `createAzureHistoryStore`);
 * - documents (bot turn state): one blob per key, its ETag the document's.
 *
 * Real time: queue visibility runs on the service's clock. The `now` passed to `claim` and the
 * lease calls decides what is due, but a message only arrives when the service's clock says so;
 * with `now` close to real time (as in production) the two agree.
 */
export async function openAzureStore(connection: AzureStorageConnection, options: AzureStoreOptions = {}): Promise<Store> {
  const names = azureStoreResourceNames(options.prefix);
  const maxInlineReportBytes = options.maxInlineReportBytes ?? DEFAULT_MAX_INLINE_REPORT_BYTES;
  if (!Number.isInteger(maxInlineReportBytes) || maxInlineReportBytes < 0 || maxInlineReportBytes > 800_000) {
    throw new RangeError(`maxInlineReportBytes is ${maxInlineReportBytes}; give a whole number of bytes from 0 to 800000 (a table entity holds at most 1 MiB).`);
  }
  const maxInlineHistoryBytes = options.maxInlineHistoryBytes ?? MAX_BYTES_IN_ENTITY;
  if (!Number.isInteger(maxInlineHistoryBytes) || maxInlineHistoryBytes < 0 || maxInlineHistoryBytes > MAX_BYTES_IN_ENTITY) {
    throw new RangeError(`maxInlineHistoryBytes is ${maxInlineHistoryBytes}; give a whole number of bytes from 0 to ${MAX_BYTES_IN_ENTITY} (a table entity holds at most 1 MiB).`);
  }
  const clients = createStorageClients(connection, { tablePolicies: options.tablePolicies });
  const tables = {
    inbox: clients.table(names.tables.inbox),
    calls: clients.table(names.tables.calls),
    subscriptions: clients.table(names.tables.subscriptions),
    conversations: clients.table(names.tables.conversations),
    sentCards: clients.table(names.tables.sentCards),
    settings: clients.table(names.tables.settings),
    history: clients.table(names.tables.history),
    runs: clients.table(names.tables.runs),
  };
  const queues = {
    inbox: clients.queue(names.queues.inbox),
    alerts: clients.queue(names.queues.alerts),
    poison: clients.queue(names.queues.poison),
  };
  const containers = {
    reports: clients.container(names.containers.reports),
    documents: clients.container(names.containers.documents),
    history: clients.container(names.containers.history),
  };
  try {
    await Promise.all([
      ...Object.values(tables).map((table) => table.createTable()),
      ...Object.values(queues).map((queue) => queue.createIfNotExists()),
      ...Object.values(containers).map((container) => container.createIfNotExists()),
    ]);
  } catch (error) {
    throw toAzureStoreError('open (creating tables, queues and containers)', error);
  }

  let closed = false;
  const assertOpen = () => {
    if (closed) throw new AzureStoreError('The Azure store was used after close(); open a new one.', { operation: 'use after close' });
  };
  const stores = {
    engine: 'azure' as const,
    inbox: withStorageErrors('inbox', createAzureInbox(tables.inbox, queues.inbox, queues.poison), assertOpen),
    reports: withStorageErrors(
      'reports',
      createAzureReportStore(tables.calls, queues.alerts, queues.poison, new ReportBodies(containers.reports, maxInlineReportBytes)),
      assertOpen,
    ),
    subscriptions: withStorageErrors('subscriptions', createAzureSubscriptionStore(tables.subscriptions), assertOpen),
    conversations: withStorageErrors('conversations', createAzureConversationStore(tables.conversations), assertOpen),
    sentCards: withStorageErrors('sentCards', createAzureSentCardStore(tables.sentCards), assertOpen),
    settings: withSettingsCache(withStorageErrors('settings', createAzureSettingsStore(tables.settings), assertOpen)),
    documents: withStorageErrors('documents', createAzureDocumentStore(containers.documents), assertOpen),
    history: withStorageErrors('history', createAzureHistoryStore(tables.history, {
        pageSize: options.historyPageSize,
        summaryBlobs: new GzipBlobs(containers.history),
        maxInlineBytes: maxInlineHistoryBytes,
      }), assertOpen, ['listCalls']),
    runs: withStorageErrors('runs', createAzureRunStore(tables.runs), assertOpen),
  };
  return {
    ...stores,
    keepScoredCall: (call) => keepScoredCallInSteps(stores, call),
    async close() {
      // The SDK clients hold no connections of their own (the shared HTTP agent keeps none alive for long).
      closed = true;
    },
  };
}

/**
 * The poison queue of the store at `connection` (with `prefix`): what its claims set aside, and a
 * replay that sends back what this build can read (`npm run cli -- poison`).
 */
export function openAzurePoisonQueue(connection: AzureStorageConnection, options: Pick<AzureStoreOptions, 'prefix'> = {}): PoisonQueue {
  const names = azureStoreResourceNames(options.prefix);
  const clients = createStorageClients(connection);
  const targets = new Map<string, ReplayTarget>([
    [names.queues.inbox, { client: clients.queue(names.queues.inbox), parse: parseInboxMessage }],
    [names.queues.alerts, { client: clients.queue(names.queues.alerts), parse: parseAlertMessage }],
  ]);
  const poison = createPoisonQueue(clients.queue(names.queues.poison), targets);
  return withStorageErrors('poison', poison);
}

/**
 * Deletes every table, queue and container of a store (all its data): for tests and for tearing
 * down a deployment. Missing ones are skipped.
 */
export async function dropAzureStore(connection: AzureStorageConnection, options: Pick<AzureStoreOptions, 'prefix'> = {}): Promise<void> {
  const names = azureStoreResourceNames(options.prefix);
  const clients = createStorageClients(connection);
  try {
    await Promise.all([
      ...Object.values(names.tables).map((name) => ignoreStatus(clients.table(name).deleteTable(), [404])),
      ...Object.values(names.queues).map((name) => clients.queue(name).deleteIfExists()),
      ...Object.values(names.containers).map((name) => clients.container(name).deleteIfExists()),
    ]);
  } catch (error) {
    throw toAzureStoreError('drop', error);
  }
}
