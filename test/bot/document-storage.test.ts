import assert from 'node:assert/strict';
import { DocumentStorage } from '../../src/bot';
import { openSqliteStore, type Store } from '../../src/store';

describe('bot: botbuilder Storage over the store\'s documents', () => {
  let store: Store;
  let storage: DocumentStorage;

  beforeEach(() => {
    store = openSqliteStore({ path: ':memory:' });
    storage = new DocumentStorage(store.documents);
  });

  afterEach(async () => {
    await store.close();
  });

  it('reads nothing for unknown keys, and what was written with an eTag', async () => {
    assert.deepEqual(await storage.read(['missing']), {});
    await storage.write({ 'msteams/bot/conversations/c1': { topic: 'calls', count: 1 } });
    const items = await storage.read(['msteams/bot/conversations/c1', 'missing']);
    assert.deepEqual(Object.keys(items), ['msteams/bot/conversations/c1']);
    assert.equal(items['msteams/bot/conversations/c1']!.topic, 'calls');
    assert.equal(typeof items['msteams/bot/conversations/c1']!.eTag, 'string');
  });

  it('writes back with the eTag it read, and refuses a stale eTag', async () => {
    await storage.write({ key: { count: 1 } });
    const first = (await storage.read(['key']))['key']!;
    await storage.write({ key: { ...first, count: 2 } });
    await assert.rejects(storage.write({ key: { ...first, count: 3 } }), /eTag conflict/);
    assert.equal((await storage.read(['key']))['key']!.count, 2);
  });

  it('overwrites with eTag "*" or none, and creates with an eTag for a new key', async () => {
    await storage.write({ key: { count: 1 } });
    await storage.write({ key: { count: 5, eTag: '*' } });
    assert.equal((await storage.read(['key']))['key']!.count, 5);
    await storage.write({ fresh: { count: 1, eTag: 'from-elsewhere' } });
    assert.equal((await storage.read(['fresh']))['fresh']!.count, 1);
  });

  it('deletes', async () => {
    await storage.write({ a: { x: 1 }, b: { x: 2 } });
    await storage.delete(['a']);
    assert.deepEqual(Object.keys(await storage.read(['a', 'b'])), ['b']);
  });

  it('does not keep the eTag inside the stored value', async () => {
    await storage.write({ key: { count: 1, eTag: '*' } });
    const raw = await store.documents.readDocuments(['key']);
    assert.deepEqual(raw['key']!.value, { count: 1 });
  });
});
