import assert from 'node:assert/strict';
import { readCallSummary } from '../../src/alerts';
import { InboxWorker, IngestStatus } from '../../src/ingest';
import { decodeCallHistory } from '../../src/insights';
import { createLogger } from '../../src/logger';
import { resolveScoringOptions } from '../../src/quality';
import { openSqliteStore, type Store } from '../../src/store';
import { callParticipants, callRecordWithSessions, startGraphTestEnvironment, TENANT_A, type GraphTestEnvironment } from './graph-test-environment';

/** More people than the deprecated `participants` list could hold (Graph cut it at 130). */
const PEOPLE = 150;
const OLD_LIST_CAP = 130;

describe('a call with more people than the old participants list held, through the inbox worker', function () {
  this.timeout(30_000);
  let env: GraphTestEnvironment;
  let store: Store;
  let worker: InboxWorker;

  before(async () => {
    // Graph's own page size for participants (130): 150 people are two pages.
    env = await startGraphTestEnvironment();
  });
  after(async () => {
    await env.close();
  });
  beforeEach(() => {
    env.graph.resetStats();
    store = openSqliteStore({ path: ':memory:' });
    worker = new InboxWorker({
      store,
      source: env.client(),
      logger: createLogger('silent'),
      status: new IngestStatus(),
      scoringFor: async () => resolveScoringOptions(),
      random: () => 0.5,
    });
  });
  afterEach(() => store.close());

  /** A call that ended ten minutes ago, listing all its people in participants_v2 and the first 130 in the deprecated list. */
  const largeCall = (id: string) => {
    const people = callParticipants(PEOPLE);
    return {
      ...callRecordWithSessions(id, 2, 1, new Date(Date.now() - 40 * 60_000).toISOString()),
      participants: people.slice(0, OLD_LIST_CAP).map((person) => person.identity),
      participants_v2: people,
    };
  };

  const scored = async (id: string) => {
    await store.inbox.enqueue([{ tenantId: TENANT_A, callId: id, source: 'notification' }], Date.now());
    assert.deepEqual(await worker.drainOnce(), ['scored']);
    const report = await store.reports.getReport(TENANT_A, id);
    const history = await store.history.getCall(TENANT_A, id);
    assert.ok(report && history, 'the call has a report and a history entry');
    return { card: readCallSummary(report.summary), history: decodeCallHistory(history.summary) };
  };

  it('counts all 150 people on the card summary and in the history', async () => {
    env.graph.putRecord(largeCall('cccccccc-0000-4000-8000-000000000150'));
    const { card, history } = await scored('cccccccc-0000-4000-8000-000000000150');
    assert.equal(env.graph.stats.byOperation.getParticipantsPage, 2, '150 people at 130 a page');
    assert.equal(card.participantCount, PEOPLE);
    assert.equal(history.participantCount, PEOPLE);
  });

  it('still scores the call when Graph will not give the list, counting what the old list held', async () => {
    env.graph.putRecord(largeCall('cccccccc-0000-4000-8000-000000000400'));
    env.graph.failNext(1, { status: 400, code: 'BadRequest', operations: ['getParticipantsPage'] });
    const { card, history } = await scored('cccccccc-0000-4000-8000-000000000400');
    assert.equal(card.participantCount, OLD_LIST_CAP);
    assert.equal(history.participantCount, OLD_LIST_CAP);
  });
});
