import assert from 'node:assert/strict';
import { GraphRequestError, type CallRecordSummary } from '../../src/graph';
import { callRecordWithSessions, rejectionOf, startGraphTestEnvironment, TENANT_A, TENANT_B, type GraphTestEnvironment } from './graph-test-environment';

async function collect(iterable: AsyncIterable<CallRecordSummary>): Promise<CallRecordSummary[]> {
  const items: CallRecordSummary[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe('Graph client: listing call records for the reconciliation sweep', () => {
  let env: GraphTestEnvironment;
  const start = Date.parse('2024-06-01T00:00:00Z');
  const at = (minutes: number): string => new Date(start + minutes * 60_000).toISOString();

  before(async () => {
    env = await startGraphTestEnvironment({ listPageSize: 4 });
    // 11 records an hour apart; the filter below keeps the last 9 (3 pages of 4, 4, 1).
    for (let index = 0; index < 11; index += 1) env.graph.putRecord(callRecordWithSessions(`listed-${index}`, 2, index + 1, at(index * 60)));
    env.graph.putRecord(callRecordWithSessions('other-tenant', 1, 1, at(600)), { tenantId: TENANT_B });
  });

  after(async () => {
    await env.close();
  });

  beforeEach(() => {
    env.graph.resetStats();
    env.graph.setForeignListNextLink(undefined);
  });

  it('lists the records that started since the time, across pages, with id, version and times', async () => {
    const items = await collect(env.client().listCallRecordsSince(TENANT_A, new Date(start + 120 * 60_000)));
    assert.deepEqual(
      items.map((item) => item.id),
      Array.from({ length: 9 }, (_, index) => `listed-${index + 2}`),
    );
    assert.deepEqual(items[0], {
      id: 'listed-2',
      version: 3,
      startDateTime: at(120),
      endDateTime: new Date(start + 150 * 60_000).toISOString(),
      lastModifiedDateTime: at(120),
    });
    assert.equal(env.graph.stats.byOperation.listCallRecords, 3);
    assert.equal(
      new URL(env.graph.requests[0]!.path, env.graph.origin).searchParams.get('$filter'),
      `startDateTime ge ${new Date(start + 120 * 60_000).toISOString()}`,
    );
  });

  it('accepts an ISO string and shows only the tenant\'s own records', async () => {
    const items = await collect(env.client().listCallRecordsSince(TENANT_B, at(0)));
    assert.ok(items.some((item) => item.id === 'other-tenant'));
    const ownItems = await collect(env.client().listCallRecordsSince(TENANT_A, at(0)));
    assert.ok(!ownItems.some((item) => item.id === 'other-tenant'));
    assert.equal(ownItems.length, 11);
  });

  it('leaves out a record Graph does not have yet', async () => {
    env.graph.setNotFoundUntil('listed-10', Date.now() + 60_000);
    try {
      const items = await collect(env.client().listCallRecordsSince(TENANT_A, at(540)));
      assert.deepEqual(
        items.map((item) => item.id),
        ['listed-9'],
      );
    } finally {
      env.graph.setNotFoundUntil('listed-10', 0);
    }
  });

  it('yields the first page, then refuses a next link to a foreign host', async () => {
    env.graph.setForeignListNextLink('https://attacker.example/v1.0/communications/callRecords?$skiptoken=x');
    const seen: string[] = [];
    const error = await rejectionOf(
      (async () => {
        for await (const item of env.client().listCallRecordsSince(TENANT_A, at(0))) seen.push(item.id);
      })(),
    );
    assert.ok(error instanceof GraphRequestError);
    assert.equal(error.kind, 'foreign-next-link');
    assert.equal(seen.length, 4);
    assert.equal(env.graph.stats.requests, 1);
  });

  it('stops a listing whose next link leads back to its first page at the first repeat', async () => {
    const firstPage = `${env.graph.url}/communications/callRecords?$filter=${encodeURIComponent(`startDateTime ge ${at(0)}`)}`;
    env.graph.setForeignListNextLink(firstPage);
    const error = await rejectionOf(collect(env.client().listCallRecordsSince(TENANT_A, at(0))));
    assert.ok(error instanceof GraphRequestError);
    assert.equal(error.kind, 'looping-next-link');
    assert.equal(error.retryable, false);
    assert.equal(env.graph.stats.byOperation.listCallRecords, 1);
  });

  it('stops at the list page cap', async () => {
    const error = await rejectionOf(collect(env.client({ maxListPages: 2 }).listCallRecordsSince(TENANT_A, at(0))));
    assert.ok(error instanceof GraphRequestError);
    assert.equal(error.kind, 'page-cap');
    assert.equal(env.graph.stats.byOperation.listCallRecords, 2);
  });

  it('refuses a time that is not a time', async () => {
    await assert.rejects(collect(env.client().listCallRecordsSince(TENANT_A, 'yesterday-ish')), /not a time/);
  });
});
