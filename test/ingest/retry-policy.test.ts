import assert from 'node:assert/strict';
import { decideRetry, NOT_FOUND_GRACE_MS, RECORD_RETENTION_MS } from '../../src/ingest';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const MIN = 60_000;

describe('retry policy', () => {
  it('retries a 404 on a schedule while the call ended less than 150 minutes ago', () => {
    const decision = decideRetry({ status: 404, message: 'Not found' }, { now: NOW, attempts: 1, enqueuedAt: NOW, callEndedAt: null, random: 0.5 });
    assert.equal(decision.action, 'retry');
    assert.ok(decision.action === 'retry' && decision.at > NOW && decision.at <= NOW + 5 * MIN);
  });

  it('never schedules a 404 retry past the 150-minute mark', () => {
    const enqueuedAt = NOW - 140 * MIN;
    const decision = decideRetry({ status: 404, message: 'Not found' }, { now: NOW, attempts: 12, enqueuedAt, callEndedAt: null, random: 0.5 });
    assert.ok(decision.action === 'retry' && decision.at <= enqueuedAt + NOT_FOUND_GRACE_MS);
  });

  it('gives up on a 404 150 minutes after the call ended, with the reason', () => {
    const decision = decideRetry({ status: 404, message: 'Not found' }, { now: NOW, attempts: 14, enqueuedAt: NOW - 151 * MIN, callEndedAt: null, random: 0.5 });
    assert.equal(decision.action, 'dead');
    assert.match(decision.action === 'dead' ? decision.reason : '', /404/);
  });

  it('gives up at once on a record older than 30 days', () => {
    const decision = decideRetry({ status: 404, message: 'Not found' }, { now: NOW, attempts: 1, enqueuedAt: NOW, callEndedAt: NOW - RECORD_RETENTION_MS - MIN, random: 0.5 });
    assert.equal(decision.action, 'dead');
    assert.match(decision.action === 'dead' ? decision.reason : '', /30 days/);
  });

  it('honours Retry-After on 429', () => {
    const decision = decideRetry({ status: 429, retryAfterMs: 7_000, message: 'Too many requests' }, { now: NOW, attempts: 1, enqueuedAt: NOW, callEndedAt: null, random: 0 });
    assert.ok(decision.action === 'retry' && decision.at >= NOW + 7_000);
  });

  it('backs off exponentially with jitter without Retry-After, for 429, 5xx and network errors', () => {
    for (const status of [429, 500, 503, undefined]) {
      const at = (attempts: number, random: number) => {
        const decision = decideRetry({ status, message: 'x' }, { now: NOW, attempts, enqueuedAt: NOW, callEndedAt: null, random });
        assert.equal(decision.action, 'retry');
        return decision.action === 'retry' ? decision.at - NOW : NaN;
      };
      assert.ok(at(3, 0.5) > at(1, 0.5), `grows with attempts (${status})`);
      assert.notEqual(at(2, 0), at(2, 0.99), `jittered (${status})`);
      assert.ok(at(40, 0.99) <= 10 * MIN, `capped (${status})`);
    }
  });

  it('gives up transient failures after 24 hours', () => {
    const decision = decideRetry({ status: 503, message: 'Service unavailable' }, { now: NOW, attempts: 200, enqueuedAt: NOW - 25 * 60 * MIN, callEndedAt: NOW - 25 * 60 * MIN, random: 0.5 });
    assert.equal(decision.action, 'dead');
  });
});
