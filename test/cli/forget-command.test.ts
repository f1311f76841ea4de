import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeCallHistory } from '../../src/insights';
import { openSqliteStore } from '../../src/store';
import { endpointOf, keepCall, KEPT_TENANT, OLGA, olgaCallsRay, RAY } from '../support/kept-calls';
import { runInProcess } from './cli-harness';

const OTHER_TENANT = 'ffffffff-0000-4000-8000-000000000001';
const ZOE = { id: 'cccccccc-0000-4000-8000-00000000002e', upn: 'zoe@fabrikam.com', name: 'Zoe' };
const DAY_ONE = Date.UTC(2026, 2, 2);
const HOUR = 3_600_000;

describe('cli forget', function () {
  this.timeout(30_000);
  let dataDir: string;
  const saved = { ...process.env };

  beforeEach(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'cqb-cli-forget-'));
    process.env.DATA_DIR = dataDir;
    const store = openSqliteStore({ dataDir });
    try {
      // Ray is in three calls in two tenants; Zoe calls Olga once without him.
      await keepCall(store, olgaCallsRay('call-1', DAY_ONE, { rating: 'bad' }));
      await keepCall(store, olgaCallsRay('call-2', DAY_ONE + 30 * HOUR));
      await keepCall(store, olgaCallsRay('call-3', DAY_ONE + 2 * HOUR, { tenantId: OTHER_TENANT }));
      const withoutRay = olgaCallsRay('call-4', DAY_ONE + 3 * HOUR);
      withoutRay.endpoints[1] = endpointOf(ZOE);
      withoutRay.ratings = [];
      await keepCall(store, withoutRay);
    } finally {
      await store.close();
    }
  });
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('erases a person from every call of every tenant, by UPN in any case, and says how many calls', async () => {
    const outcome = await runInProcess(['forget', '--user', 'Ray@Contoso.com']);
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.equal(outcome.stdout, 'Rewrote 3 calls without Ray@Contoso.com.\n');
    const store = openSqliteStore({ dataDir });
    try {
      for (const [tenantId, callId] of [[KEPT_TENANT, 'call-1'], [KEPT_TENANT, 'call-2'], [OTHER_TENANT, 'call-3']] as const) {
        const kept = (await store.history.getCall(tenantId, callId))!;
        const call = decodeCallHistory(kept.summary);
        assert.ok(!kept.summary.includes(RAY.id) && !kept.summary.toLowerCase().includes('ray@contoso.com') && !kept.summary.includes(RAY.name), `${callId} names him no more`);
        assert.ok(!kept.people.includes(RAY.id) && !kept.people.includes(RAY.upn), `${callId} is not indexed under him`);
        // His streams stay, anonymous: the call still has two streams and its verdict.
        assert.equal(call.streams.length, 2);
        assert.equal(call.endpoints[1]!.subnet, '192.168.1.0');
        assert.equal(call.endpoints[0]!.upn, OLGA.upn, 'Olga is still there');
      }
      assert.equal(decodeCallHistory((await store.history.getCall(KEPT_TENANT, 'call-1'))!.summary).ratings[0]!.rating, 'bad', 'his bad rating still counts');
      assert.deepEqual(await store.history.callsOf(null, RAY.upn, '2026-01-01', 10), []);
      assert.deepEqual(await store.history.callsOf(null, RAY.id, '2026-01-01', 10), []);
      assert.equal((await store.history.callsOf(null, OLGA.id, '2026-01-01', 10)).length, 4);
      assert.ok((await store.history.getCall(KEPT_TENANT, 'call-4'))!.summary.includes(ZOE.upn), 'a call without him is as it was');
    } finally {
      await store.close();
    }
  });

  it('finds the person by Entra id too', async () => {
    const outcome = await runInProcess(['forget', '--user', RAY.id]);
    assert.equal(outcome.stdout, 'Rewrote 3 calls without bbbbbbbb-0000-4000-8000-0000000000ab.\n');
  });

  it('says so when nobody was found, and refuses anything but an id or a UPN', async () => {
    assert.equal((await runInProcess(['forget', '--user', 'nobody@contoso.com'])).stdout, 'Rewrote 0 calls without nobody@contoso.com.\n');
    for (const [argv, says] of [
      [['forget'], /^Usage: forget --user/],
      [['forget', '--user', 'Ray Remote'], /^--user "Ray Remote" is not an Entra object id \(a GUID\) or a UPN \(name@domain\)\./],
    ] as const) {
      const outcome = await runInProcess([...argv]);
      assert.equal(outcome.code, 2);
      assert.equal(outcome.stdout, '');
      assert.match(outcome.stderr, says);
    }
  });
});
