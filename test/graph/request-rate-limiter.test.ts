import assert from 'node:assert/strict';
import { GraphRequestError, RequestRateLimiter, type GraphRateLimits, type RateLimitPermit } from '../../src/graph';
import { callRecordWithSessions, startGraphTestEnvironment, TENANT_A, type GraphTestEnvironment } from './graph-test-environment';

/** Virtual time: `sleep` registers a timer, `run` fires timers in order until nothing is left. */
class VirtualClock {
  time = 0;
  private timers: Array<{ at: number; resolve: () => void }> = [];

  readonly now = (): number => this.time;
  readonly sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      this.timers.push({ at: this.time + ms, resolve });
    });

  /** Fires timers in time order (letting promise chains settle between them) up to `until`. */
  async run(until = Number.POSITIVE_INFINITY): Promise<void> {
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > until) break;
      this.timers.shift();
      this.time = Math.max(this.time, next.at);
      next.resolve();
    }
    if (until !== Number.POSITIVE_INFINITY) this.time = Math.max(this.time, until);
  }
}

describe('Request rate limiter (sliding window, virtual time)', () => {
  it('lets `limit` requests through per window and makes the rest wait, first come first served', async () => {
    const clock = new VirtualClock();
    const limiter = new RequestRateLimiter(clock);
    const rule = { limit: 3, windowMs: 1000 };
    const granted: Array<{ index: number; at: number }> = [];
    const all = Array.from({ length: 7 }, (_, index) =>
      limiter.acquire('tenant', rule).then((permit) => {
        granted.push({ index, at: clock.time });
        permit.release();
      }),
    );
    await clock.run();
    await Promise.all(all);
    assert.deepEqual(
      granted.map((grant) => grant.index),
      [0, 1, 2, 3, 4, 5, 6],
    );
    assert.deepEqual(
      granted.map((grant) => grant.at),
      [0, 0, 0, 1000, 1000, 1000, 2000],
    );
  });

  it('counts a request from its answer: a slot frees one window after the request finished', async () => {
    const clock = new VirtualClock();
    const limiter = new RequestRateLimiter(clock);
    const rule = { limit: 2, windowMs: 1000 };
    const first = await limiter.acquire('record', rule);
    const second = await limiter.acquire('record', rule);
    let thirdAt: number | undefined;
    const third = limiter.acquire('record', rule).then((permit) => {
      thirdAt = clock.time;
      return permit;
    });
    await clock.run(300);
    assert.equal(thirdAt, undefined);
    first.release();
    await clock.run(1200);
    assert.equal(thirdAt, undefined);
    await clock.run();
    assert.equal(thirdAt, 1300);
    second.release();
    (await third).release();
  });

  it('keeps keys apart: a full record window does not hold another record', async () => {
    const clock = new VirtualClock();
    const limiter = new RequestRateLimiter(clock);
    const rule = { limit: 1, windowMs: 1000 };
    (await limiter.acquire('record:a', rule)).release();
    const permit = await limiter.acquire('record:b', rule);
    assert.equal(clock.time, 0);
    assert.equal(limiter.waiting, 0);
    permit.release();
  });

  it('holds a paused key until the pause ends', async () => {
    const clock = new VirtualClock();
    const limiter = new RequestRateLimiter(clock);
    const rule = { limit: 10, windowMs: 1000 };
    limiter.pause('tenant', rule, 5000);
    let at: number | undefined;
    const waiting = limiter.acquire('tenant', rule).then((permit) => {
      at = clock.time;
      permit.release();
    });
    await clock.run();
    await waiting;
    assert.equal(at, 5000);
  });

  it('forgets idle keys, so thousands of call records do not accumulate', async () => {
    const clock = new VirtualClock();
    const limiter = new RequestRateLimiter(clock);
    const rule = { limit: 40, windowMs: 1000 };
    const permits: RateLimitPermit[] = [];
    for (let index = 0; index < 600; index += 1) permits.push(await limiter.acquire(`record:${index}`, rule));
    for (const permit of permits) permit.release();
    clock.time = 5000;
    for (let index = 0; index < 600; index += 1) (await limiter.acquire('tenant', { limit: 1000, windowMs: 1000 })).release();
    assert.ok(limiter.trackedKeys < 600, `expected idle keys to be dropped, ${limiter.trackedKeys} are tracked`);
  });

  it('refuses a limit that allows nothing', () => {
    const limiter = new RequestRateLimiter(new VirtualClock());
    assert.throws(() => limiter.acquire('tenant', { limit: 0, windowMs: 1000 }), /at least 1 request/);
  });
});

describe('Graph client rate limiting against a loopback Graph that enforces the limits', () => {
  // The documented limits (1,500 / 20 s per tenant, 40 / 20 s per record) scaled down so the test is quick.
  const limits: GraphRateLimits = {
    perTenant: { limit: 30, windowMs: 400 },
    perCallRecord: { limit: 4, windowMs: 400 },
    listCallRecords: { limit: 4, windowMs: 400 },
  };
  let env: GraphTestEnvironment;
  const recordIds = Array.from({ length: 15 }, (_, index) => `burst-${index}`);

  before(async () => {
    env = await startGraphTestEnvironment({ sessionPageSize: 3, limits, enforceLimits: true });
    // 5 sessions at 3 per page, then one page of participants: every fetch is 3 requests.
    for (const id of recordIds) env.graph.putRecord(callRecordWithSessions(id, 5));
  });

  after(async () => {
    await env.close();
  });

  beforeEach(() => {
    env.graph.resetStats();
  });

  it('drains a burst (each record fetched 3 times: 135 requests) without a single 429, filling the tenant window', async () => {
    const client = env.client({ limits });
    const fetches = recordIds.flatMap((id) => [id, id, id]).map((id) => client.getCallRecord(TENANT_A, id));
    const records = await Promise.all(fetches);
    assert.equal(records.length, 45);
    assert.ok(records.every((record) => record.sessions.length === 5));
    assert.equal(env.graph.stats.throttled, 0);
    assert.equal(env.graph.stats.requests, 15 * 3 * 3);
    assert.equal(env.graph.stats.peakInWindow.perTenant, limits.perTenant.limit);
    assert.ok(env.graph.stats.peakInWindow.perCallRecord <= limits.perCallRecord.limit);
  });

  it('is what prevents the 429s: the same burst with limits above the server\'s is throttled', async () => {
    const client = env.client({
      limits: { perTenant: { limit: 10_000, windowMs: 400 }, perCallRecord: { limit: 10_000, windowMs: 400 } },
    });
    const outcomes = await Promise.allSettled(recordIds.flatMap((id) => [id, id, id]).map((id) => client.getCallRecord(TENANT_A, id)));
    const throttled = outcomes.filter((outcome) => outcome.status === 'rejected' && outcome.reason instanceof GraphRequestError && outcome.reason.throttled);
    assert.ok(throttled.length > 0);
    assert.equal(env.graph.stats.throttledByLimits, env.graph.stats.throttled);
  });
});
