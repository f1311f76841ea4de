import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { TableClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import type { Store } from '../../../src/store';
import { AzureStoreError, azureStoreResourceNames, dropAzureStore, openAzureStore } from '../../../src/store/azure';
import { startAzurite, type AzuriteInstance } from '../../support/azurite';
import { tableRequestCounter } from './table-request-counter';
import { generateCallRecord } from '../../../bench/records';
import { callHistoryOf, encodeCallHistory, peopleOf } from '../../../src/insights';
import { resolveScoringOptions, scoreCallRecord } from '../../../src/quality';
import { dayAfter, historyCall } from '../history-contract';

describe('Azure history store on Azurite', function () {
  this.timeout(60_000);
  let azurite: AzuriteInstance;
  let store: Store;
  let prefix: string;
  let opened = 0;
  const { tablePolicies, counted } = tableRequestCounter();

  before(async () => {
    azurite = await startAzurite();
  });
  after(async () => {
    await azurite?.stop();
  });
  beforeEach(async () => {
    opened += 1;
    prefix = `h${opened}`;
    store = await openAzureStore({ connectionString: azurite.connectionString }, { prefix, tablePolicies });
  });
  afterEach(async () => {
    await dropAzureStore({ connectionString: azurite.connectionString }, { prefix });
    await store.close();
  });

  it('keeps a call in 2 requests (read its index row, one transaction), new, newer, or moved to another day', async () => {
    const newCall = await counted(() => store.history.putCall(historyCall('c1', '2025-03-01')));
    assert.equal(newCall.length, 2, newCall.join(', '));
    assert.match(newCall[0]!, /^GET /);
    assert.match(newCall[1]!, /^POST .*\$batch$/);
    const newer = await counted(() => store.history.putCall(historyCall('c1', '2025-03-01', { version: 2 })));
    assert.equal(newer.length, 2, newer.join(', '));
    const moved = await counted(() => store.history.putCall(historyCall('c1', '2025-03-02', { version: 3 })));
    assert.equal(moved.length, 2, moved.join(', '));
    const older = await counted(() => store.history.putCall(historyCall('c1', '2025-03-02', { version: 1 })));
    assert.equal(older.length, 1, 'an older version is refused after reading the index row');
    const read = await counted(() => store.history.getCall('tenant-a', 'c1'));
    assert.equal(read.length, 2);
  });

  it("keeps a 6,000-session meeting's history (4.7 MB of summary, over an entity's 1 MiB unless gzipped) and reads it back whole", async () => {
    const record = generateCallRecord(6_000);
    const report = scoreCallRecord(record, resolveScoringOptions());
    const history = { ...callHistoryOf({ record, report, tenantId: 'tenant-a', source: 'notification', alert: true }), callId: 'meeting' };
    const summary = encodeCallHistory(history);
    assert.ok(summary.length > 1024 * 1024, `the summary is ${summary.length} characters: the case is meant to pass the entity's limit`);
    await store.history.putCall({ tenantId: 'tenant-a', callId: 'meeting', version: 1, day: '2025-03-01', startedAt: Date.parse('2025-03-01T10:00:00Z'), people: peopleOf(history), summary });
    const read = await store.history.getCall('tenant-a', 'meeting');
    assert.equal(read?.summary, summary);
    assert.deepEqual(read?.people, peopleOf(history));
  });

  /** The names of the history summaries' blobs of this test's store. */
  const summaryBlobs = async (): Promise<string[]> => {
    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(azureStoreResourceNames(prefix).containers.history);
    const names: string[] = [];
    for await (const blob of container.listBlobsFlat()) names.push(blob.name);
    return names;
  };

  it("keeps a call whose summary is over an entity's 1 MiB even gzipped in a blob, and reads it back whole", async () => {
    // Text gzip cannot shrink (as a meeting of about 8,000 sessions or more would be after gzip).
    const summary = randomBytes(900_000).toString('base64');
    const record = { ...historyCall('huge', '2025-03-01'), summary };
    assert.equal(await store.history.putCall(record), true);
    assert.equal((await store.history.getCall('tenant-a', 'huge'))?.summary, summary);
    const blobs = await summaryBlobs();
    assert.equal(blobs.length, 1, 'its summary went to one blob');
    const table = TableClient.fromConnectionString(azurite.connectionString, azureStoreResourceNames(prefix).tables.history, { allowInsecureConnection: true });
    const row = await table.getEntity<Record<string, unknown>>('tenant-a', 'c|2025-03-01|huge');
    assert.equal(row.summaryBlob, blobs[0], 'the row names the blob');
    assert.equal(row.summary ?? row.summary0, undefined, 'and holds no summary itself');
    const listed: string[] = [];
    for await (const call of store.history.listCalls('tenant-a', '2025-03-01', '2025-03-01')) listed.push(call.summary);
    assert.deepEqual(listed, [summary]);
  });

  it('leaves no summary blob behind: a newer version, an older one refused, a person forgotten, a prune', async () => {
    await store.close();
    store = await openAzureStore({ connectionString: azurite.connectionString }, { prefix, maxInlineHistoryBytes: 0 });
    assert.equal(await store.history.putCall(historyCall('c1', '2025-03-01')), true);
    const [first] = await summaryBlobs();
    assert.ok(first, 'the summary is in a blob');
    assert.equal(await store.history.putCall(historyCall('c1', '2025-03-02', { version: 2 })), true);
    const [second, ...more] = await summaryBlobs();
    assert.deepEqual(more, [], 'one blob');
    assert.notEqual(second, first, "version 1's blob is gone, version 2's is there");
    assert.equal(await store.history.putCall(historyCall('c1', '2025-03-02', { version: 1, summary: 'older' })), false);
    assert.deepEqual(await summaryBlobs(), [second], "the refused version's blob was discarded");
    const forgotten = await store.history.forgetPerson('abbie@contoso.com', (record) => ({ summary: 'scrubbed', people: record.people }));
    assert.equal(forgotten, 1);
    const [third, ...rest] = await summaryBlobs();
    assert.deepEqual(rest, []);
    assert.notEqual(third, second, 'the blob that named the forgotten person is deleted at once');
    assert.equal((await store.history.getCall('tenant-a', 'c1'))?.summary, 'scrubbed');
    assert.equal(await store.history.prune('2025-03-03'), 1);
    assert.deepEqual(await summaryBlobs(), [], 'pruned with its row');
  });

  it('reads the rollups of 30 days in one query and writes one in one request', async () => {
    const from = '2025-03-01';
    for (let day = 0; day < 30; day += 1) await store.history.putCall(historyCall(`c${day}`, dayAfter(from, day)));
    const first = await store.history.readRollups('tenant-a', from, dayAfter(from, 29));
    const writes = await counted(async () => {
      for (const entry of first) assert.equal(await store.history.writeRollup('tenant-a', entry.day, JSON.stringify({ day: entry.day, calls: 1 }), entry.tag), true);
    });
    assert.equal(writes.length, 30);
    let rollups: Awaited<ReturnType<Store['history']['readRollups']>> = [];
    const reads = await counted(async () => {
      rollups = await store.history.readRollups('tenant-a', from, dayAfter(from, 29));
    });
    assert.equal(reads.length, 1, reads.join(', '));
    assert.deepEqual(
      rollups.map((entry) => entry.rollup),
      first.map((entry) => JSON.stringify({ day: entry.day, calls: 1 })),
    );
  });

  it('keeps one partition per tenant: call rows by day, an index row per call, a row per day', async () => {
    await store.history.putCall(historyCall('call/1', '2025-03-01', { tenantId: 'tenant/a' }));
    await store.history.putCall(historyCall('call/1', '2025-03-02', { tenantId: 'tenant/a', version: 2 }));
    await store.history.putCall(historyCall('c2', '2025-03-01', { tenantId: 'tenant-b' }));
    const table = TableClient.fromConnectionString(azurite.connectionString, azureStoreResourceNames(prefix).tables.history, { allowInsecureConnection: true });
    const rows: string[] = [];
    for await (const entity of table.listEntities()) rows.push(`${entity.partitionKey} ${entity.rowKey}`);
    assert.deepEqual(rows.sort(), [
      'tenant-b c|2025-03-01|c2',
      'tenant-b d|2025-03-01',
      'tenant-b i|c2',
      'tenant~2Fa c|2025-03-02|call~2F1',
      'tenant~2Fa d|2025-03-01',
      'tenant~2Fa d|2025-03-02',
      'tenant~2Fa i|call~2F1',
    ]);
  });

  it('ends with the newest of several versions written at once by two instances, on its day only', async () => {
    const second = await openAzureStore({ connectionString: azurite.connectionString }, { prefix });
    try {
      const versions = [3, 1, 6, 2, 5, 4];
      // Even versions on one day, odd ones on the next: racing writers also move the call.
      const record = (version: number) => historyCall('c1', version % 2 === 0 ? '2025-03-01' : '2025-03-02', { version });
      const results = await Promise.all(versions.flatMap((version) => [store.history.putCall(record(version)), second.history.putCall(record(version))]));
      const accepted = results.flatMap((kept, index) => (kept ? [versions[Math.floor(index / 2)]!] : []));
      assert.equal(new Set(accepted).size, accepted.length, 'no version kept twice');
      assert.ok(accepted.includes(6));
      assert.deepEqual(await second.history.getCall('tenant-a', 'c1'), record(6));
      const listed: string[] = [];
      for await (const call of store.history.listCalls('tenant-a', '2025-03-01', '2025-03-02')) listed.push(`${call.callId}@${call.day} v${call.version}`);
      assert.deepEqual(listed, ['c1@2025-03-01 v6']);
    } finally {
      await second.close();
    }
  });

  it('reports a failure while listing as an error naming history.listCalls, and use after close', async () => {
    await store.history.putCall(historyCall('c1', '2025-03-01'));
    await TableClient.fromConnectionString(azurite.connectionString, azureStoreResourceNames(prefix).tables.history, { allowInsecureConnection: true }).deleteTable();
    const listing = async (from: Store) => {
      for await (const call of from.history.listCalls('tenant-a', '2025-03-01', '2025-03-01')) assert.fail(`nothing to list, got ${call.callId}`);
    };
    await assert.rejects(listing(store), (error: unknown) => error instanceof AzureStoreError && error.operation === 'history.listCalls' && error.status === 404);
    await store.close();
    await assert.rejects(listing(store), /used after close/);
    await assert.rejects(store.runs.getRun('k'), /used after close/);
  });
});
