import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { callTraceIds } from '../../src/telemetry';

describe('callTraceIds', () => {
  const tenant = '11111111-1111-4111-8111-111111111111';
  const call = 'aaaaaaaa-0000-4000-8000-000000000001';

  it('is the first 16 bytes of SHA-256("<tenant>:<call>") and the next 8 as the root span id', () => {
    const digest = createHash('sha256').update(`${tenant}:${call}`).digest();
    const ids = callTraceIds(tenant, call);
    assert.equal(ids.traceId, digest.subarray(0, 16).toString('hex'));
    assert.equal(ids.rootSpanId, digest.subarray(16, 24).toString('hex'));
    assert.match(ids.traceId, /^[0-9a-f]{32}$/);
    assert.match(ids.rootSpanId, /^[0-9a-f]{16}$/);
  });

  it('gives every instance the same ids for a call, whatever the case of the ids, and other ids to other calls', () => {
    assert.deepEqual(callTraceIds(tenant.toUpperCase(), call.toUpperCase()), callTraceIds(tenant, call));
    const other = callTraceIds(tenant, 'aaaaaaaa-0000-4000-8000-000000000002');
    assert.notEqual(other.traceId, callTraceIds(tenant, call).traceId);
    assert.notEqual(callTraceIds('22222222-2222-4222-8222-222222222222', call).traceId, callTraceIds(tenant, call).traceId, 'the same call id in another tenant is another trace');
  });
});
