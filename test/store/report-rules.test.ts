import assert from 'node:assert/strict';
import { assertReportVersion, completeAlertJob, killAlertJob, needsPreviousJob, newAlertJob, recordDecision, retryAlertJob } from '../../src/store/report-rules';
import { leased } from '../../src/store/lease-rules';
import type { StoredReport } from '../../src/store';

const NOW = 1_700_000_000_000;
const entry = (version: number): StoredReport => ({
  tenantId: 't',
  callId: 'c1',
  version,
  report: {},
  summary: {},
  quality: 'poor',
  alert: true,
  startedAt: null,
  endedAt: null,
  processedAt: NOW,
});

describe('report rules', () => {
  it('refuses a version that is not a non-negative safe integer, saying which call and what to pass', () => {
    for (const version of [-1, 0.5, Number.NaN, Number.NEGATIVE_INFINITY, Number.MAX_SAFE_INTEGER + 1]) {
      assert.throws(() => assertReportVersion(entry(version)), (error: unknown) => error instanceof RangeError && error.message.includes(`version ${version} of call c1`) && /whole number of zero or more/.test(error.message));
    }
    for (const version of [0, 1, Number.MAX_SAFE_INTEGER]) assert.doesNotThrow(() => assertReportVersion(entry(version)));
  });

  it('keeps only a version newer than the processed one', () => {
    assert.deepEqual(recordDecision(undefined, entry(0), false), { accepted: true, previousVersion: null, alertQueued: false });
    assert.deepEqual(recordDecision({ version: 3, alert: false }, entry(3), true), { accepted: false, previousVersion: 3, alertQueued: false });
    assert.deepEqual(recordDecision({ version: 3, alert: false }, entry(2), true), { accepted: false, previousVersion: 3, alertQueued: false });
    assert.deepEqual(recordDecision({ version: 3, alert: false }, entry(4), true), { accepted: true, previousVersion: 3, alertQueued: true });
  });

  it('queues an alert job for a newer version of a call that alerted, to update its card', () => {
    assert.equal(recordDecision({ version: 1, alert: true }, entry(2), false).alertQueued, true);
    assert.equal(recordDecision({ version: 1, alert: false }, entry(2), false).alertQueued, false);
    assert.equal(recordDecision({ version: 1, alert: false }, entry(2), false, true).alertQueued, true, 'the previous version had a job: its cards are kept current');
    assert.equal(needsPreviousJob({ version: 1, alert: false }, entry(2), false), true);
    assert.equal(needsPreviousJob({ version: 1, alert: true }, entry(2), false), false, 'the previous version alerted: no need to look');
    assert.equal(needsPreviousJob({ version: 1, alert: false }, entry(2), true), false, 'asked to queue: no need to look');
    assert.equal(needsPreviousJob({ version: 2, alert: false }, entry(2), false), false, 'not kept: no need to look');
    assert.equal(needsPreviousJob(undefined, entry(1), false), false, 'a first version has no previous');
  });

  it('queues the job pending from the processing time and settles it by the lease rules', () => {
    const job = newAlertJob(entry(2));
    assert.deepEqual([job.version, job.state, job.attempts, job.nextAttemptAt, job.createdAt], [2, 'pending', 0, NOW, NOW]);
    const held = leased(job, 'token', NOW, 60_000);
    assert.deepEqual([completeAlertJob({ ...held, lastError: 'x' }).state, completeAlertJob(held).lastError, completeAlertJob(held).leaseToken], ['done', null, null]);
    const retried = retryAlertJob(held, NOW + 5_000, '429');
    assert.deepEqual([retried.state, retried.nextAttemptAt, retried.lastError, retried.attempts, retried.leaseUntil], ['pending', NOW + 5_000, '429', 1, null]);
    assert.deepEqual([killAlertJob(held, 'no conversation').state, killAlertJob(held, 'no conversation').lastError], ['dead', 'no conversation']);
  });
});
