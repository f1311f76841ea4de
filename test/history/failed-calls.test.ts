import assert from 'node:assert/strict';
import { countFailedCalls } from '../../src/history';
import { openSqliteStore, type Store } from '../../src/store';
import { keepCall, KEPT_TENANT, olgaCallsRay } from '../support/kept-calls';

const NOW = Date.parse('2026-03-11T15:00:00Z');
const HOUR = 3_600_000;
const OTHER_TENANT = '22222222-2222-4222-8222-222222222222';

/** Olga's call to Ray `hoursAgo` before NOW, with a dropped session when `failed`. */
function call(id: string, hoursAgo: number, failed: boolean, options: { tenantId?: string; version?: number } = {}) {
  const kept = olgaCallsRay(id, NOW - hoursAgo * HOUR, { poor: false, ...options });
  return failed ? { ...kept, failures: [{ stage: 'midcall', reason: null }] } : kept;
}

describe('failed calls of the last 24 hours, from the history', () => {
  let store: Store;

  beforeEach(async () => {
    store = openSqliteStore({ path: ':memory:' });
    // Inside the 24 h (yesterday 15:00 to now 15:00): f1 (1 h ago), f2 (23 h ago, yesterday), f3
    // (version 2 failed; version 1 did not). Outside: f0 (25 h ago). Not failed: ok1 (2 h ago).
    for (const kept of [call('f1', 1, true), call('f2', 23, true), call('f0', 25, true), call('ok1', 2, false), call('f3', 3, false), call('f3', 3, true, { version: 2 })]) {
      await keepCall(store, kept);
    }
    await keepCall(store, call('other-tenant', 1, true, { tenantId: OTHER_TENANT }));
  });
  afterEach(() => store.close());

  it('counts the calls started in the span with a failed session, each once as its newest version', async () => {
    assert.equal(await countFailedCalls({ history: store.history, tenantId: KEPT_TENANT, since: NOW - 24 * HOUR, now: NOW }), 3);
  });

  it('counts every tenant when no tenant is given', async () => {
    assert.equal(await countFailedCalls({ history: store.history, tenantId: null, since: NOW - 24 * HOUR, now: NOW }), 4);
  });

  it('passes over a summary that cannot be read', async () => {
    await store.history.putCall({ tenantId: OTHER_TENANT, callId: 'damaged', version: 1, day: '2026-03-11', startedAt: NOW - HOUR, people: [], summary: 'not a summary' });
    assert.equal(await countFailedCalls({ history: store.history, tenantId: OTHER_TENANT, since: NOW - 24 * HOUR, now: NOW }), 1);
  });
});
