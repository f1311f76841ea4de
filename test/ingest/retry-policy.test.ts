import assert from 'node:assert/strict';
import { decideRetry, NOT_FOUND_GRACE_MS, RECORD_RETENTION_MS } from '../../src/ingest';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const SEC = 1000;
const MIN = 60_000;
/** Graph's per-call-record limit: 40 requests / 20 s; an older page says 10 / 20 s for the first page (platform-facts.md). */
const PER_RECORD_WINDOW_MS = 20 * SEC;
const PER_RECORD_STRICTER_LIMIT = 10;

/**
 * The times the policy has a worker fetch a record that Graph answers 404 for until `appearsAt`
 * (never, by default): the first try when the notification arrives, then each `at` it decides,
 * with the worker on time, until the record is found or given up.
 */
function triesOfA404(appearsAt = Infinity): { tries: number[]; foundAt: number | undefined } {
  const tries = [NOW];
  for (;;) {
    const now = tries[tries.length - 1]!;
    if (now >= appearsAt) return { tries, foundAt: now };
    const decision = decideRetry({ status: 404, message: 'Not found' }, { now, attempts: tries.length, enqueuedAt: NOW, callEndedAt: null, random: 0.5 });
    if (decision.action === 'dead') return { tries, foundAt: undefined };
    assert.ok(decision.at > now, 'each try is later than the one before');
    tries.push(decision.at);
  }
}

describe('retry policy', () => {
  it('retries a 404 seconds after the notification, since Graph often lacks the record for a few seconds', () => {
    const decision = decideRetry({ status: 404, message: 'Not found' }, { now: NOW, attempts: 1, enqueuedAt: NOW, callEndedAt: null, random: 0.5 });
    assert.equal(decision.action, 'retry');
    assert.ok(decision.action === 'retry' && decision.at > NOW && decision.at <= NOW + 2 * SEC, 'the second try within 2 s');
  });

  it('fetches a record that appears 3 s after its notification within 15 s of its appearing', () => {
    const appearsAt = NOW + 3 * SEC;
    const { foundAt } = triesOfA404(appearsAt);
    assert.ok(foundAt !== undefined && foundAt - appearsAt <= 15 * SEC, `found ${(foundAt! - appearsAt) / SEC} s after it appeared`);
  });

  it('fetches any record that appears in the first minute within 15 s of its appearing', () => {
    for (let delay = 0; delay <= 60 * SEC; delay += 500) {
      const { foundAt } = triesOfA404(NOW + delay);
      assert.ok(foundAt !== undefined && foundAt - (NOW + delay) <= 15 * SEC, `a record appearing after ${delay / SEC} s was found ${(foundAt! - NOW - delay) / SEC} s later`);
    }
  });

  it('stays within the per-record limit while dense: never more than 10 tries in 20 s (the stricter documented figure)', () => {
    const { tries } = triesOfA404();
    for (const start of tries) {
      const inWindow = tries.filter((at) => at >= start && at < start + PER_RECORD_WINDOW_MS).length;
      assert.ok(inWindow <= PER_RECORD_STRICTER_LIMIT, `${inWindow} tries in the 20 s from ${(start - NOW) / SEC} s`);
    }
  });

  it('slows down after the first two minutes: tries at least 3 minutes apart until it gives up at 150 minutes', () => {
    const { tries, foundAt } = triesOfA404();
    assert.equal(foundAt, undefined, 'given up in the end');
    const late = tries.filter((at) => at >= NOW + 2 * MIN);
    assert.ok(late.length > 0);
    for (let index = 1; index < late.length; index++) assert.ok(late[index]! - late[index - 1]! >= 3 * MIN, `tries at ${(late[index - 1]! - NOW) / MIN} and ${(late[index]! - NOW) / MIN} minutes`);
    assert.ok(tries[tries.length - 1]! <= NOW + NOT_FOUND_GRACE_MS, 'no try after the 150-minute mark');
  });

  it('counts the schedule from the notification: a worker that comes late skips the tries it missed', () => {
    const late = decideRetry({ status: 404, message: 'Not found' }, { now: NOW + 10 * MIN, attempts: 2, enqueuedAt: NOW, callEndedAt: null, random: 0.5 });
    assert.ok(late.action === 'retry' && late.at - (NOW + 10 * MIN) >= 3 * MIN, 'ten minutes in, the next try is minutes away, not seconds');
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
