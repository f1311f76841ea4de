import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { TableClient } from '@azure/data-tables';
import { QueueServiceClient } from '@azure/storage-queue';
import { startAzurite, type AzuriteInstance } from './azurite';
import { delayAzurite, type DelayedAzurite } from './latency-proxy';

describe('delayAzurite: Azurite behind latency proxies', function () {
  this.timeout(60_000);
  const DELAY_MS = 40;
  let azurite: AzuriteInstance;
  let delayed: DelayedAzurite;

  before(async () => {
    azurite = await startAzurite();
    delayed = await delayAzurite(azurite, DELAY_MS);
  });
  after(async () => {
    await delayed?.stop();
    await azurite?.stop();
  });

  it('passes table requests and answers through, each request held at least the delay', async () => {
    const table = TableClient.fromConnectionString(delayed.connectionString, 'proxied', { allowInsecureConnection: true });
    await table.createTable();
    await table.createEntity({ partitionKey: 'p', rowKey: 'r', value: 'x'.repeat(30_000) });
    const started = performance.now();
    const entity = await table.getEntity<{ value: string }>('p', 'r');
    const elapsed = performance.now() - started;
    assert.equal(entity.value.length, 30_000);
    assert.ok(elapsed >= DELAY_MS - 1, `one read took ${elapsed.toFixed(1)} ms, less than the ${DELAY_MS} ms delay`);
  });

  it('keeps the order of requests on one connection, and serves the queue service too', async () => {
    const queue = QueueServiceClient.fromConnectionString(delayed.connectionString).getQueueClient('proxied-queue');
    await queue.create();
    for (const text of ['one', 'two', 'three']) await queue.sendMessage(text);
    const { receivedMessageItems } = await queue.receiveMessages({ numberOfMessages: 3 });
    assert.deepEqual(receivedMessageItems.map((item) => item.messageText), ['one', 'two', 'three']);
  });

  it('counts whole requests, by kind, whatever their size', async () => {
    const table = TableClient.fromConnectionString(delayed.connectionString, 'counted', { allowInsecureConnection: true });
    await table.createTable();
    const before = delayed.requests();
    const kindsBefore = delayed.requestsByKind();
    // A body of about 60 kB arrives in several chunks; it is still one request.
    await table.createEntity({ partitionKey: 'p', rowKey: 'big', value: 'y'.repeat(30_000), more: 'z'.repeat(30_000) });
    for (const rowKey of ['a', 'b', 'c']) await table.upsertEntity({ partitionKey: 'p', rowKey, value: rowKey });
    await table.getEntity('p', 'big');
    // 1 create (POST), 3 upserts (PATCH or PUT), 1 read (GET): five requests.
    assert.equal(delayed.requests() - before, 5);
    const kinds = delayed.requestsByKind();
    const added = (kind: string) => (kinds[kind] ?? 0) - (kindsBefore[kind] ?? 0);
    assert.equal(added('POST counted'), 1);
    assert.equal(added('GET counted()'), 1);
    assert.equal(added('PATCH counted()') + added('PUT counted()') + added('MERGE counted()'), 3);
  });

  it('reports how long it really held the chunks, about the delay, and starts afresh when reset', async () => {
    const table = TableClient.fromConnectionString(delayed.connectionString, 'held', { allowInsecureConnection: true });
    await table.createTable();
    delayed.resetHolds();
    assert.equal(delayed.holds().chunks, 0);
    assert.ok(Number.isNaN(delayed.holds().meanMs));
    for (const rowKey of ['a', 'b', 'c']) await table.upsertEntity({ partitionKey: 'p', rowKey, value: rowKey });
    const held = delayed.holds();
    // Three small requests, each one chunk at least.
    assert.ok(held.chunks >= 3, `${held.chunks} chunks held`);
    // Timers keep whole milliseconds: a chunk may go up to one millisecond before its delay is up.
    assert.ok(held.p50Ms >= DELAY_MS - 1 && held.meanMs >= DELAY_MS - 1, `held ${held.meanMs} ms on average, less than the ${DELAY_MS} ms delay`);
    assert.ok(held.maxMs >= held.p99Ms && held.p99Ms >= held.p50Ms);
    delayed.resetHolds();
    assert.equal(delayed.holds().chunks, 0);
  });
});
