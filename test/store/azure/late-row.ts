import { TableClient } from '@azure/data-tables';
import { QueueServiceClient } from '@azure/storage-queue';
import type { Store } from '../../../src/store';
import { azureStoreResourceNames } from '../../../src/store/azure';

/**
 * An inbox item whose message goes out before its row, as a writer sends them, with the row
 * written back by hand when the test says: `enqueue` makes the row as the store writes it and
 * takes it away again with its message, `sendMessage` sends the message alone, and `writeRow`
 * writes the row (with `changes`). The clients go to `connectionString` directly (no proxy).
 */
export async function lateInboxRow(store: Store, connectionString: string, prefix: string, tenantId: string, callId: string) {
  const names = azureStoreResourceNames(prefix);
  const queue = QueueServiceClient.fromConnectionString(connectionString).getQueueClient(names.queues.inbox);
  const table = TableClient.fromConnectionString(connectionString, names.tables.inbox, { allowInsecureConnection: true });
  await store.inbox.enqueue([{ tenantId, callId, source: 'notification' }], Date.now());
  const { etag: _etag, timestamp: _timestamp, ...entity } = await table.getEntity(tenantId, callId);
  await table.deleteEntity(tenantId, callId);
  await queue.clearMessages();
  return {
    sendMessage: () => queue.sendMessage(Buffer.from(JSON.stringify({ t: tenantId, c: callId, g: entity.generation })).toString('base64')),
    writeRow: (changes: Record<string, unknown> = {}) => table.createEntity({ ...entity, partitionKey: tenantId, rowKey: callId, ...changes }),
  };
}
