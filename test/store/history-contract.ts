import assert from 'node:assert/strict';
import type { CallHistoryRecord, Store } from '../../src/store';

const T = 'tenant-a';
const U = 'tenant-b';
const DAY_MS = 86_400_000;

/** A record on `day`, started `minute` minutes into it (null: no start given). */
function call(callId: string, day: string, options: { version?: number; minute?: number | null; people?: string[]; summary?: string; tenantId?: string } = {}): CallHistoryRecord {
  const minute = options.minute === undefined ? 60 : options.minute;
  return {
    tenantId: options.tenantId ?? T,
    callId,
    version: options.version ?? 1,
    day,
    startedAt: minute === null ? null : Date.parse(`${day}T00:00:00Z`) + minute * 60_000,
    people: options.people ?? ['aa11', 'abbie@contoso.com'],
    summary: options.summary ?? `summary of ${callId} v${options.version ?? 1}`,
  };
}

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const found: T[] = [];
  for await (const item of items) found.push(item);
  return found;
}

/** Engine options the contract needs: a page size small enough that a few calls cross pages. */
export interface HistoryContractOptions {
  historyPageSize: number;
}

/** The behaviour of the history and run stores every engine must have. */
export function describeHistoryContract(name: string, open: (options: HistoryContractOptions) => Promise<Store>, cleanup?: (store: Store) => Promise<void>): void {
  describe(`History and run contract: ${name}`, function () {
    this.timeout(30_000);
    let store: Store;
    beforeEach(async () => {
      store = await open({ historyPageSize: 2 });
    });
    afterEach(async () => {
      await cleanup?.(store);
      await store.close();
    });

    describe('history: versions', () => {
      it('keeps the first version, ignores the same and older ones, and replaces it with a newer one', async () => {
        assert.equal(await store.history.putCall(call('c1', '2025-03-01', { version: 2 })), true);
        assert.equal(await store.history.putCall(call('c1', '2025-03-01', { version: 2, summary: 'again' })), false);
        assert.equal(await store.history.putCall(call('c1', '2025-03-01', { version: 1, summary: 'older' })), false);
        assert.equal((await store.history.getCall(T, 'c1'))?.summary, 'summary of c1 v2');
        const newer = call('c1', '2025-03-01', { version: 5, people: ['bb22'], summary: 'newest' });
        assert.equal(await store.history.putCall(newer), true);
        assert.deepEqual(await store.history.getCall(T, 'c1'), newer);
        assert.deepEqual(await all(store.history.listCalls(T, '2025-03-01', '2025-03-01')), [newer], 'one call, kept once');
        assert.equal(await store.history.getCall(T, 'nope'), undefined);
        assert.equal(await store.history.getCall(U, 'c1'), undefined, 'tenants are apart');
      });

      it('moves a call whose newer version has another day, and both days count as changed', async () => {
        await store.history.putCall(call('c1', '2025-03-01'));
        await store.history.putCall(call('c2', '2025-03-02'));
        const before = await store.history.readRollups(T, '2025-03-01', '2025-03-02');
        for (const entry of before) assert.equal(await store.history.writeRollup(T, entry.day, `agg ${entry.day}`, entry.tag), true);
        const tags = await store.history.readRollups(T, '2025-03-01', '2025-03-02');
        assert.deepEqual(tags.map((entry) => entry.rollup), ['agg 2025-03-01', 'agg 2025-03-02']);

        const moved = call('c1', '2025-03-02', { version: 2, minute: 30 });
        assert.equal(await store.history.putCall(moved), true);
        assert.deepEqual(await all(store.history.listCalls(T, '2025-03-01', '2025-03-01')), []);
        assert.deepEqual((await all(store.history.listCalls(T, '2025-03-01', '2025-03-02'))).map((record) => record.callId).sort(), ['c1', 'c2']);
        assert.deepEqual(await store.history.getCall(T, 'c1'), moved);
        assert.deepEqual((await store.history.readRollups(T, '2025-03-01', '2025-03-02')).map((entry) => entry.rollup), [null, null], 'both days changed');
        for (const entry of tags) assert.equal(await store.history.writeRollup(T, entry.day, 'stale', entry.tag), false, `stale tag of ${entry.day}`);
        const again = call('c1', '2025-03-01', { version: 3 });
        assert.equal(await store.history.putCall(again), true, 'and back');
        assert.deepEqual((await all(store.history.listCalls(T, '2025-03-01', '2025-03-02'))).map((record) => `${record.callId}@${record.day}`), ['c1@2025-03-01', 'c2@2025-03-02']);
      });

      it('refuses a record it cannot keep with an error naming what is wrong', async () => {
        await assert.rejects(store.history.putCall(call('c1', '2025-02-30')), (error: Error) => error instanceof RangeError && /"2025-02-30"/.test(error.message));
        await assert.rejects(store.history.putCall({ ...call('c1', '2025-03-01'), version: -1 }), /version .* is -1/);
        await assert.rejects(store.history.putCall({ ...call('c1', '2025-03-01'), tenantId: '' }), /tenant id/);
        await assert.rejects(store.history.readRollups(T, '2025-3-1', '2025-03-02'), /"2025-3-1" is not a date/);
        assert.equal(await store.history.getCall(T, 'c1'), undefined, 'nothing was written');
      });

      it('round-trips a summary and a people list over 64 KiB', async () => {
        const people = Array.from({ length: 1_500 }, (_, index) => `user${index}@a-rather-long-domain-name.example.com`);
        const big = call('big', '2025-03-01', { people, summary: 'é'.repeat(70_000) + 'x'.repeat(50_000) });
        assert.equal(await store.history.putCall(big), true);
        assert.deepEqual(await store.history.getCall(T, 'big'), big);
        assert.deepEqual(await store.history.callsOf(T, 'USER1499@a-rather-long-domain-name.example.com', '2025-03-01', 5), [big]);
        const [entry] = await store.history.readRollups(T, '2025-03-01', '2025-03-01');
        const rollup = JSON.stringify({ rows: Array.from({ length: 9_000 }, (_, index) => ({ building: `b${index}`, poor: index })) });
        assert.ok(rollup.length > 65_536);
        assert.equal(await store.history.writeRollup(T, '2025-03-01', rollup, entry!.tag), true);
        assert.equal((await store.history.readRollups(T, '2025-03-01', '2025-03-01'))[0]!.rollup, rollup);
      });
    });

    describe('history: reading', () => {
      it('lists a range by day across pages, read as the caller iterates', async () => {
        const inRange = [call('x5', '2025-03-03'), call('x1', '2025-03-01', { minute: null }), call('x4', '2025-03-02'), call('x2', '2025-03-01', { minute: 5 }), call('x3', '2025-03-02')];
        for (const record of [...inRange, call('early', '2025-02-28'), call('late', '2025-03-04'), call('other', '2025-03-02', { tenantId: U })]) await store.history.putCall(record);
        const listed = await all(store.history.listCalls(T, '2025-03-01', '2025-03-03'));
        assert.deepEqual(listed.map((record) => record.callId).sort(), ['x1', 'x2', 'x3', 'x4', 'x5']);
        assert.deepEqual(listed.map((record) => record.day), ['2025-03-01', '2025-03-01', '2025-03-02', '2025-03-02', '2025-03-03'], 'by day');
        assert.deepEqual(listed.find((record) => record.callId === 'x1'), inRange[1]);

        // Pages of 2: a call kept on the last day after the first page was read still shows up.
        const iterator = store.history.listCalls(T, '2025-03-01', '2025-03-03')[Symbol.asyncIterator]();
        assert.equal((await iterator.next()).value?.day, '2025-03-01');
        await store.history.putCall(call('x6', '2025-03-03'));
        const rest: string[] = [];
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) rest.push(next.value.callId);
        assert.deepEqual(rest.slice(-2).sort(), ['x5', 'x6']);
        assert.equal(rest.length, 5);
        assert.deepEqual(await all(store.history.listCalls(T, '2025-03-05', '2025-03-09')), []);
      });

      it("finds a person's calls by Entra id or UPN in any case, newest first, per tenant or in all", async () => {
        const abbie = ['AA11', 'Abbie@Contoso.com'];
        await store.history.putCall(call('a1', '2025-03-01', { people: abbie, minute: 600 }));
        await store.history.putCall(call('a2', '2025-03-03', { people: [...abbie, 'bb22'], minute: 60 }));
        await store.history.putCall(call('a3', '2025-03-03', { people: abbie, minute: 120 }));
        await store.history.putCall(call('a4', '2025-03-02', { people: abbie, minute: null }));
        await store.history.putCall(call('b1', '2025-03-04', { people: ['bb22'] }));
        await store.history.putCall(call('u1', '2025-03-02', { people: abbie, tenantId: U, minute: 5 }));
        const ids = (records: CallHistoryRecord[]) => records.map((record) => `${record.tenantId === T ? '' : 'U:'}${record.callId}`);
        // Newest first: a3 (03-03 02:00), a2 (03-03 01:00), a4 (03-02, no start), a1 (03-01).
        assert.deepEqual(ids(await store.history.callsOf(T, 'aa11', '2025-03-01', 10)), ['a3', 'a2', 'a4', 'a1']);
        assert.deepEqual(ids(await store.history.callsOf(T, 'ABBIE@contoso.COM', '2025-03-01', 10)), ['a3', 'a2', 'a4', 'a1']);
        assert.deepEqual(ids(await store.history.callsOf(T, 'aa11', '2025-03-02', 2)), ['a3', 'a2'], 'limit');
        assert.deepEqual(ids(await store.history.callsOf(T, 'aa11', '2025-03-03', 10)), ['a3', 'a2'], 'from a day on');
        // Across tenants, the other tenant's call of 03-02 05:00 comes before a4 of 03-02 (no start).
        assert.deepEqual(ids(await store.history.callsOf(null, 'aa11', '2025-03-01', 10)), ['a3', 'a2', 'U:u1', 'a4', 'a1']);
        assert.deepEqual(ids(await store.history.callsOf(U, 'aa11', '2025-03-01', 10)), ['U:u1']);
        assert.deepEqual(ids(await store.history.callsOf(null, 'bb22', '2025-03-01', 10)), ['b1', 'a2']);
        assert.deepEqual(await store.history.callsOf(null, 'nobody', '2025-03-01', 10), []);
        assert.deepEqual(await store.history.callsOf(T, 'aa11', '2025-03-01', 0), []);
        await assert.rejects(store.history.callsOf(T, 'aa11', '2025-03-01', 2.5), /number of calls to find is 2.5/);
        await assert.rejects(store.history.callsOf(T, ' ', '2025-03-01', 2), /person to look for is empty/);
        const [first] = await store.history.callsOf(T, 'aa11', '2025-03-01', 1);
        assert.deepEqual(first, call('a3', '2025-03-03', { people: abbie, minute: 120 }), 'whole records');
      });

      it('gives one rollup entry per day, null until written, refusing a write with a tag older than a change of its day', async () => {
        await store.history.putCall(call('c1', '2025-03-02'));
        const first = await store.history.readRollups(T, '2025-03-01', '2025-03-03');
        assert.deepEqual(first.map((entry) => [entry.day, entry.rollup]), [['2025-03-01', null], ['2025-03-02', null], ['2025-03-03', null]]);
        assert.equal(await store.history.writeRollup(T, '2025-03-01', 'empty day', first[0]!.tag), true, 'a day without calls can have an aggregate');
        assert.equal(await store.history.writeRollup(T, '2025-03-02', 'one call', first[1]!.tag), true);
        const written = await store.history.readRollups(T, '2025-03-01', '2025-03-03');
        assert.deepEqual(written.map((entry) => entry.rollup), ['empty day', 'one call', null]);

        await store.history.putCall(call('c2', '2025-03-02'));
        assert.equal(await store.history.writeRollup(T, '2025-03-02', 'computed before c2', written[1]!.tag), false);
        assert.equal(await store.history.writeRollup(T, '2025-03-03', 'next day', written[2]!.tag), true, 'another day is unaffected');
        assert.equal(await store.history.writeRollup(T, '2025-03-01', 'empty day, again', written[0]!.tag), true, 'nothing changed on that day');
        const after = await store.history.readRollups(T, '2025-03-01', '2025-03-03');
        assert.deepEqual(after.map((entry) => entry.rollup), ['empty day, again', null, 'next day']);
        assert.equal(await store.history.writeRollup(T, '2025-03-02', 'two calls', after[1]!.tag), true);
        assert.equal((await store.history.readRollups(T, '2025-03-02', '2025-03-02'))[0]!.rollup, 'two calls');
        assert.deepEqual((await store.history.readRollups(U, '2025-03-02', '2025-03-02')).map((entry) => entry.rollup), [null], 'per tenant');
        assert.deepEqual(await store.history.readRollups(T, '2025-03-03', '2025-03-01'), []);
        assert.equal((await store.history.readRollups(T, '2025-02-20', '2025-03-21')).length, 30);
      });

      it('names the tenants with history', async () => {
        assert.deepEqual(await store.history.tenants(), []);
        await store.history.putCall(call('c1', '2025-03-01', { tenantId: 'tenant/z' }));
        await store.history.putCall(call('c2', '2025-03-01', { tenantId: U }));
        await store.history.putCall(call('c3', '2025-03-02', { tenantId: U }));
        await store.history.putCall(call('c4', '2025-03-02'));
        assert.deepEqual((await store.history.tenants()).sort(), [T, U, 'tenant/z'].sort());
      });
    });

    describe('history: retention and forgetting', () => {
      it('prunes the calls and aggregates of days before a day', async () => {
        for (const [callId, day, tenantId] of [['o1', '2025-01-01', T], ['o2', '2025-01-31', T], ['o3', '2025-01-15', U], ['k1', '2025-02-01', T], ['k2', '2025-02-02', U]] as const) {
          await store.history.putCall(call(callId, day, { tenantId }));
        }
        for (const entry of await store.history.readRollups(T, '2025-01-31', '2025-02-01')) await store.history.writeRollup(T, entry.day, `agg ${entry.day}`, entry.tag);
        const [empty] = await store.history.readRollups('tenant-c', '2025-01-10', '2025-01-10');
        assert.equal(await store.history.writeRollup('tenant-c', '2025-01-10', 'no calls', empty!.tag), true);
        assert.equal(await store.history.prune('2025-02-01'), 3);
        assert.deepEqual((await store.history.readRollups('tenant-c', '2025-01-10', '2025-01-10')).map((entry) => entry.rollup), [null], 'also of a tenant without calls');
        assert.equal(await store.history.getCall(T, 'o2'), undefined);
        assert.equal((await store.history.getCall(T, 'k1'))?.callId, 'k1');
        assert.deepEqual((await all(store.history.listCalls(T, '2025-01-01', '2025-12-31'))).map((record) => record.callId), ['k1']);
        assert.deepEqual((await all(store.history.listCalls(U, '2025-01-01', '2025-12-31'))).map((record) => record.callId), ['k2']);
        assert.deepEqual((await store.history.readRollups(T, '2025-01-31', '2025-02-01')).map((entry) => entry.rollup), [null, 'agg 2025-02-01']);
        assert.deepEqual(await store.history.callsOf(null, 'aa11', '2025-01-01', 10).then((records) => records.map((record) => record.callId).sort()), ['k1', 'k2']);
        assert.equal(await store.history.prune('2025-02-01'), 0);
        assert.equal(await store.history.prune('2025-03-01'), 2);
        assert.deepEqual(await store.history.tenants(), []);
        assert.equal(await store.history.putCall(call('o2', '2025-01-31')), true, 'a pruned call can be kept again');
      });

      it("forgets a person in every tenant through the scrub, and their days count as changed", async () => {
        await store.history.putCall(call('f1', '2025-03-01', { people: ['aa11', 'abbie@contoso.com', 'bb22'] }));
        await store.history.putCall(call('f2', '2025-03-02', { people: ['AA11'], tenantId: U }));
        await store.history.putCall(call('k1', '2025-03-03', { people: ['bb22'] }));
        const rollups = await store.history.readRollups(T, '2025-03-01', '2025-03-03');
        for (const entry of rollups) await store.history.writeRollup(T, entry.day, 'agg', entry.tag);
        const seen: string[] = [];
        const forgotten = await store.history.forgetPerson('Abbie@Contoso.com', (record) => {
          seen.push(record.callId);
          // Leaves the id in: the store takes out at least the person asked for.
          return { summary: record.summary.replace('summary', 'scrubbed'), people: record.people.filter((person) => person.toLowerCase() !== 'abbie@contoso.com') };
        });
        assert.equal(forgotten, 1);
        assert.deepEqual(seen, ['f1']);
        assert.deepEqual(await store.history.getCall(T, 'f1'), { ...call('f1', '2025-03-01'), summary: 'scrubbed of f1 v1', people: ['aa11', 'bb22'] });
        assert.deepEqual(await store.history.callsOf(null, 'abbie@contoso.com', '2025-03-01', 10), []);
        assert.deepEqual((await store.history.readRollups(T, '2025-03-01', '2025-03-03')).map((entry) => entry.rollup), [null, 'agg', 'agg']);

        const byId = await store.history.forgetPerson('aa11', (record) => ({ summary: 'gone', people: record.people.filter((person) => person.toLowerCase() !== 'aa11') }));
        assert.equal(byId, 2, 'f1 and the other tenant’s f2');
        assert.deepEqual(await store.history.callsOf(null, 'AA11', '2025-03-01', 10), []);
        assert.deepEqual((await store.history.getCall(U, 'f2'))?.people, []);
        assert.deepEqual((await store.history.callsOf(null, 'bb22', '2025-03-01', 10)).map((record) => record.callId), ['k1', 'f1'], 'others still found');
        assert.equal((await store.history.getCall(T, 'f1'))?.version, 1, 'the version is kept: a newer one still replaces it');
        assert.equal(await store.history.forgetPerson('nobody', () => assert.fail('not called')), 0);
      });
    });

    describe('runs', () => {
      const now = Date.parse('2025-03-03T09:00:00Z');

      it('is claimed once, refused to a second holder, taken over after the lease ran out, finished once', async () => {
        assert.equal(await store.runs.getRun('weekly|t|2025-W10'), undefined);
        assert.equal(await store.runs.claimRun('weekly|t|2025-W10', 'a', now, now + 60_000), true);
        assert.deepEqual(await store.runs.getRun('weekly|t|2025-W10'), { key: 'weekly|t|2025-W10', state: 'running', holder: 'a', leaseUntil: now + 60_000, finishedAt: null });
        assert.equal(await store.runs.claimRun('weekly|t|2025-W10', 'b', now + 59_999, now + 120_000), false, 'held');
        assert.equal(await store.runs.claimRun('weekly|t|2025-W10', 'a', now + 1_000, now + 90_000), true, 'its holder extends it');
        assert.equal(await store.runs.claimRun('weekly|t|2025-W10', 'b', now + 90_000, now + 150_000), true, 'the lease ran out');
        assert.equal(await store.runs.finishRun('weekly|t|2025-W10', 'a', now + 91_000), false, 'a lost it');
        assert.equal(await store.runs.finishRun('weekly|t|2025-W10', 'b', now + 92_000), true);
        assert.deepEqual(await store.runs.getRun('weekly|t|2025-W10'), { key: 'weekly|t|2025-W10', state: 'done', holder: 'b', leaseUntil: now + 150_000, finishedAt: now + 92_000 });
        assert.equal(await store.runs.claimRun('weekly|t|2025-W10', 'c', now + 999_999, now + 9_999_999), false, 'done stays done');
        assert.equal(await store.runs.finishRun('weekly|t|2025-W10', 'b', now + 93_000), false, 'finished once');
        assert.equal(await store.runs.finishRun('never-claimed', 'b', now), false);
        await assert.rejects(store.runs.claimRun('k', 'a', now, now), /not after now/);
      });

      it('lets exactly one of 20 concurrent claimers win', async () => {
        const results = await Promise.all(Array.from({ length: 20 }, (_, index) => store.runs.claimRun('weekly|t|2025-W11', `holder-${index}`, now, now + 60_000)));
        assert.equal(results.filter(Boolean).length, 1);
        const winner = `holder-${results.indexOf(true)}`;
        assert.equal((await store.runs.getRun('weekly|t|2025-W11'))?.holder, winner);
      });
    });
  });
}

/** Days from `day`, for tests that spread calls (exported for the engine-specific tests). */
export function dayAfter(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export { call as historyCall };
