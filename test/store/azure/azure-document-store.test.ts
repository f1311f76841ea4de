import assert from 'node:assert/strict';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import type { Store } from '../../../src/store';
import { azureStoreResourceNames, dropAzureStore, openAzureStore } from '../../../src/store/azure';
import { documentBlobName } from '../../../src/store/azure/azure-document-store';
import { startAzurite, type AzuriteInstance } from '../../support/azurite';

describe('Azure documents on blobs (Azurite)', function () {
  this.timeout(60_000);
  const prefix = 'docs';
  let azurite: AzuriteInstance;
  let store: Store;
  let container: ContainerClient;

  before(async () => {
    azurite = await startAzurite();
  });
  after(async () => {
    await azurite?.stop();
  });
  beforeEach(async () => {
    store = await openAzureStore({ connectionString: azurite.connectionString }, { prefix });
    container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(azureStoreResourceNames(prefix).containers.documents);
  });
  afterEach(async () => {
    await dropAzureStore({ connectionString: azurite.connectionString }, { prefix });
    await store.close();
  });

  const blobNames = async () => {
    const names: string[] = [];
    for await (const blob of container.listBlobsFlat()) names.push(blob.name);
    return names.sort();
  };

  it('keeps one blob per key, holding { value }, with the blob ETag as the document ETag', async () => {
    const key = 'msteams/28:bot/conversations/19:abc@thread.tacv2';
    await store.documents.writeDocuments({ [key]: { value: { turns: 1, name: 'Zoë' } } });
    assert.deepEqual(await blobNames(), [encodeURIComponent(key)]);
    const blob = container.getBlobClient(encodeURIComponent(key));
    assert.deepEqual(JSON.parse((await blob.downloadToBuffer()).toString('utf8')), { value: { turns: 1, name: 'Zoë' } });
    const { etag } = await blob.getProperties();
    assert.equal((await store.documents.readDocuments([key]))[key]!.eTag, etag);
  });

  it('reads turn state that botbuilder BlobsStorage wrote ({ value } under the URI-encoded key)', async () => {
    const key = 'msteams/28:bot/users/29:ada';
    const body = JSON.stringify({ value: { seen: true } });
    await container.getBlockBlobClient(encodeURIComponent(key)).upload(body, Buffer.byteLength(body));
    assert.deepEqual((await store.documents.readDocuments([key]))[key]!.value, { seen: true });
  });

  it('gives keys too long or empty for a blob name a distinct hashed name, and stores them too', async () => {
    const long = 'k'.repeat(2_000);
    const names = [documentBlobName(long), documentBlobName(`${long}x`), documentBlobName('')];
    assert.equal(new Set(names).size, 3);
    for (const name of names) assert.match(name, /^%H[0-9a-f]{64}$/);
    await store.documents.writeDocuments({ [long]: { value: 1 }, [`${long}x`]: { value: 2 }, '': { value: 3 } });
    const read = await store.documents.readDocuments([long, `${long}x`, '']);
    assert.deepEqual([read[long]?.value, read[`${long}x`]?.value, read['']?.value], [1, 2, 3]);
    await store.documents.deleteDocuments([long, `${long}x`, '']);
    assert.deepEqual(await blobNames(), []);
  });
});
