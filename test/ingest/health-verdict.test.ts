import assert from 'node:assert/strict';
import { decideHealth, type HealthInputs } from '../../src/ingest';

const NOW = Date.parse('2026-12-02T12:00:00Z');
const MINUTE = 60_000;
const TENANT_A = 'dc368399-474c-4d40-900c-6265431fd81f';
const TENANT_B = '7f0e7d3a-1c44-4a55-9a0e-2b8f3c6d9e01';
const CALL = 'e523d2ed-2966-4b6b-925b-754a88034cc5';

/** A healthy bot: two tenants subscribed, nothing pending, every write succeeded. */
function healthy(overrides: Partial<HealthInputs> = {}): HealthInputs {
  return {
    now: NOW,
    storeReadError: null,
    expectedTenants: [TENANT_A, TENANT_B],
    subscriptions: [
      { tenantId: TENANT_A, subscriptionId: 'sub-a', expiresAt: NOW + 3_000 * MINUTE },
      { tenantId: TENANT_B, subscriptionId: 'sub-b', expiresAt: NOW + 3_000 * MINUTE },
    ],
    oldestPendingAgeMs: null,
    dead: { count: 0, newestAt: null, newest: [] },
    lastSweeps: [{ tenantId: TENANT_A, at: NOW - 10 * MINUTE, error: null }],
    inboxWrites: { lastSuccessAt: NOW - MINUTE, lastFailureAt: null, lastError: null, failuresInLastHour: 0 },
    ...overrides,
  };
}

const IDS = [TENANT_A, TENANT_B, CALL, 'sub-a', 'sub-b'];
const ERROR_TEXT = 'SQLITE_FULL: database or disk is full';

describe('decideHealth (the verdict of /healthz and the status card)', () => {
  it('is ok with no reasons when data flows', () => {
    assert.deepEqual(decideHealth(healthy()), { status: 'ok', reasons: [] });
  });

  it('is failing while the inbox cannot be written (the disk is full and the webhook answers 503)', () => {
    const verdict = decideHealth(
      healthy({ inboxWrites: { lastSuccessAt: NOW - 30 * MINUTE, lastFailureAt: NOW - 2 * MINUTE, lastError: ERROR_TEXT, failuresInLastHour: 12 } }),
    );
    assert.equal(verdict.status, 'failing');
    assert.equal(verdict.reasons[0]!.code, 'inbox-unwritable');
    assert.match(verdict.reasons[0]!.summary, /12 failures in the last hour/);
    assert.match(verdict.reasons[0]!.details.join(' '), /database or disk is full/);
  });

  it('is degraded, not failing, once a write has succeeded after the failures', () => {
    const verdict = decideHealth(
      healthy({ inboxWrites: { lastSuccessAt: NOW - MINUTE, lastFailureAt: NOW - 5 * MINUTE, lastError: ERROR_TEXT, failuresInLastHour: 3 } }),
    );
    assert.equal(verdict.status, 'degraded');
    assert.deepEqual(verdict.reasons.map((r) => r.code), ['inbox-write-failures']);
  });

  it('stops calling the inbox unwritable when the last failure is old and nothing was written since', () => {
    const verdict = decideHealth(healthy({ inboxWrites: { lastSuccessAt: null, lastFailureAt: NOW - 40 * MINUTE, lastError: ERROR_TEXT, failuresInLastHour: 1 } }));
    assert.equal(verdict.status, 'degraded');
    assert.deepEqual(verdict.reasons.map((r) => r.code), ['inbox-write-failures']);
    assert.equal(decideHealth(healthy({ inboxWrites: { lastSuccessAt: null, lastFailureAt: NOW - 90 * MINUTE, lastError: ERROR_TEXT, failuresInLastHour: 0 } })).status, 'ok');
  });

  it('is failing when the store cannot be read', () => {
    const verdict = decideHealth(healthy({ storeReadError: 'connect ECONNREFUSED 127.0.0.1:10000', subscriptions: [] }));
    assert.equal(verdict.status, 'failing');
    assert.equal(verdict.reasons[0]!.code, 'store-unreadable');
  });

  it('is degraded for a missing or expired subscription, a failed sweep, a backlog and recent dead items', () => {
    const verdict = decideHealth(
      healthy({
        subscriptions: [{ tenantId: TENANT_A, subscriptionId: 'sub-a', expiresAt: NOW - MINUTE }],
        lastSweeps: [{ tenantId: TENANT_B, at: NOW - 5 * MINUTE, error: `Graph answered 403 for tenant ${TENANT_B}` }],
        oldestPendingAgeMs: 4 * 60 * MINUTE,
        dead: { count: 2, newestAt: NOW - 30 * MINUTE, newest: [{ tenantId: TENANT_A, callId: CALL, reason: 'The sessions next link points to another host.' }] },
      }),
    );
    assert.equal(verdict.status, 'degraded');
    assert.deepEqual(verdict.reasons.map((r) => r.code).sort(), ['dead-items', 'inbox-backlog', 'subscription-expired', 'subscription-missing', 'sweep-failed']);
    assert.ok(verdict.reasons.every((r) => r.severity === 'degraded'));
    const details = verdict.reasons.flatMap((r) => r.details).join('\n');
    assert.match(details, new RegExp(`No Graph subscription for tenant ${TENANT_B}`));
    assert.match(details, new RegExp(`Call ${CALL} of tenant ${TENANT_A} is dead: The sessions next link`));
  });

  it('forgets dead items after 24 hours (they stay counted in the inbox)', () => {
    assert.equal(decideHealth(healthy({ dead: { count: 5, newestAt: NOW - 25 * 60 * MINUTE, newest: [] } })).status, 'ok');
  });

  it('puts failing reasons first and never puts an id or an error text in a summary', () => {
    const verdict = decideHealth(
      healthy({
        subscriptions: [],
        lastSweeps: [{ tenantId: TENANT_A, at: NOW, error: ERROR_TEXT }],
        dead: { count: 1, newestAt: NOW, newest: [{ tenantId: TENANT_A, callId: CALL, reason: ERROR_TEXT }] },
        inboxWrites: { lastSuccessAt: null, lastFailureAt: NOW, lastError: ERROR_TEXT, failuresInLastHour: 1 },
      }),
    );
    assert.equal(verdict.status, 'failing');
    assert.equal(verdict.reasons[0]!.severity, 'failing');
    for (const reason of verdict.reasons) {
      for (const secret of [...IDS, ERROR_TEXT, 'SQLITE']) assert.ok(!reason.summary.includes(secret), `${reason.code}: "${reason.summary}" shows ${secret}`);
    }
    assert.match(verdict.reasons.find((r) => r.code === 'subscription-missing')!.summary, /^2 tenants of 2 have no Graph subscription/);
  });
});
