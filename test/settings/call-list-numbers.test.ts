import assert from 'node:assert/strict';
import { CALL_LIST_LIFETIME_MS, numberedCall, rememberCallList } from '../../src/settings';
import { openSqliteStore, type Store } from '../../src/store';

describe('settings: the numbers of the last call list (check N)', () => {
  let store: Store;
  const at = Date.parse('2026-03-08T15:00:00Z');

  beforeEach(() => {
    store = openSqliteStore({ path: ':memory:' });
  });

  afterEach(async () => {
    await store.close();
  });

  it('gives back the call each number meant, from 1, for that person in that conversation', async () => {
    await rememberCallList(store.settings, 'a:chat-1', 'User-A', { list: 'recent', tenantId: 't1', callIds: ['c1', 'c2', 'c3'] }, at);
    assert.deepEqual(await numberedCall(store.settings, 'a:chat-1', 'user-a', 2, at + 1_000), { kind: 'call', callId: 'c2', tenantId: 't1' });
    assert.deepEqual(await numberedCall(store.settings, 'a:chat-1', 'user-a', 4, at), { kind: 'out-of-range', list: 'recent', count: 3 });
    assert.deepEqual(await numberedCall(store.settings, 'a:chat-1', 'user-b', 1, at), { kind: 'no-list' });
    assert.deepEqual(await numberedCall(store.settings, 'a:chat-2', 'user-a', 1, at), { kind: 'no-list' });
  });

  it('replaces the list with the newest, forgets it when a list was empty, and lets it run out after an hour', async () => {
    await rememberCallList(store.settings, 'a:chat-1', 'user-a', { list: 'recent', tenantId: null, callIds: ['c1', 'c2'] }, at);
    await rememberCallList(store.settings, 'a:chat-1', 'user-a', { list: 'my calls', tenantId: null, callIds: ['m1'] }, at);
    assert.deepEqual(await numberedCall(store.settings, 'a:chat-1', 'user-a', 1, at), { kind: 'call', callId: 'm1', tenantId: null });
    assert.deepEqual(await numberedCall(store.settings, 'a:chat-1', 'user-a', 1, at + CALL_LIST_LIFETIME_MS), { kind: 'call', callId: 'm1', tenantId: null });
    assert.deepEqual(await numberedCall(store.settings, 'a:chat-1', 'user-a', 1, at + CALL_LIST_LIFETIME_MS + 1), { kind: 'expired', list: 'my calls' });
    await rememberCallList(store.settings, 'a:chat-1', 'user-a', { list: 'last call', tenantId: null, callIds: [] }, at);
    assert.deepEqual(await numberedCall(store.settings, 'a:chat-1', 'user-a', 1, at), { kind: 'no-list' });
  });
});
