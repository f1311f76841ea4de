/** What Azurite itself allows the webhook: a queue message and a table row per notification, with no webhook in front. */
import { randomUUID } from 'node:crypto';
import { TableClient } from '@azure/data-tables';
import { QueueServiceClient } from '@azure/storage-queue';
import { median } from './timing';

/** Pairs per second and their latencies, from `workers` loops each sending a message and then creating a row, as the inbox does. */
export interface CeilingFigures {
  pairsPerSecond: number;
  p50: number;
  p99: number;
}

/**
 * The same two requests the inbox makes for a new call, with the SDK clients alone: the most any
 * code making two storage requests per notification can get from this emulator on this machine.
 * On a busy 2-core machine Azurite, not the bot, is then what a webhook case measures.
 */
export async function azuriteCeiling(connectionString: string, workers: number, seconds: number): Promise<CeilingFigures> {
  const table = TableClient.fromConnectionString(connectionString, 'ceiling', { allowInsecureConnection: true });
  const queue = QueueServiceClient.fromConnectionString(connectionString).getQueueClient('ceiling');
  await Promise.all([table.createTable(), queue.createIfNotExists()]);
  const latencies: number[] = [];
  const ends = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() < ends) {
        const at = performance.now();
        await queue.sendMessage(Buffer.from(JSON.stringify({ t: 'bench', c: randomUUID(), g: 1 })).toString('base64'), { messageTimeToLive: -1 });
        await table.createEntity({ partitionKey: 'bench', rowKey: randomUUID(), state: 'pending', attempts: 0, nextAttemptAt: Date.now() });
        latencies.push(performance.now() - at);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { pairsPerSecond: latencies.length / elapsed, p50: median(latencies), p99: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))]! };
}
