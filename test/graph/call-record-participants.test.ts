import assert from 'node:assert/strict';
import { GraphRequestError, type GraphClient, type GraphRateLimits } from '../../src/graph';
import { startLoopbackGraph, type LoopbackFault, type LoopbackGraph } from '../support/loopback-graph';
import { callParticipants, callRecordWithSessions, rejectionOf, startGraphTestEnvironment, TENANT_A, type GraphTestEnvironment } from './graph-test-environment';

/** A record with `sessions` sessions (one per request at 2 a page after the record's own) and `participants` participants. */
function recordWithPeople(id: string, sessions: number, participants: number): ReturnType<typeof callRecordWithSessions> {
  return { ...callRecordWithSessions(id, sessions), participants_v2: callParticipants(participants) };
}

describe('Graph client: participants_v2, every page', () => {
  let env: GraphTestEnvironment;
  let client: GraphClient;
  let foreign: LoopbackGraph;

  before(async () => {
    env = await startGraphTestEnvironment({ sessionPageSize: 2, participantPageSize: 4 });
    client = env.client();
    foreign = await startLoopbackGraph();
  });

  after(async () => {
    await Promise.all([env.close(), foreign.close()]);
  });

  beforeEach(() => {
    env.graph.resetStats();
    env.graph.setFaultPlan(undefined);
  });

  /** The warnings logged since `from` that name the participants operation. */
  const participantWarnings = (from: number) =>
    env.logLines.slice(from).filter((line) => line.level === 40 && typeof line.operation === 'string' && line.operation.includes('participants_v2') && 'kind' in line);

  it('reads participants over three pages after the sessions, every participant once and whole', async () => {
    const participants = callParticipants(10);
    env.graph.putRecord({ ...callRecordWithSessions('people-1', 3), participants_v2: participants });
    const record = await client.getCallRecord(TENANT_A, 'people-1');
    assert.deepEqual(record.participants_v2, participants);
    assert.equal(record.sessions.length, 3);
    // 3 sessions at 2 a page: the record and one sessions page; 10 participants at 4 a page: 3 pages.
    assert.deepEqual(env.graph.stats.byOperation, { getCallRecord: 1, getSessionsPage: 1, getParticipantsPage: 3 });
    const pages = env.graph.requests.filter((request) => request.operation === 'getParticipantsPage');
    assert.equal(pages[0]?.path, '/v1.0/communications/callRecords/people-1/participants_v2');
    assert.ok(pages.every((request) => request.prefer === 'include-unknown-enum-members'));
    assert.deepEqual(
      env.graph.requests.map((request) => request.operation),
      ['getCallRecord', 'getSessionsPage', 'getParticipantsPage', 'getParticipantsPage', 'getParticipantsPage'],
      'the participants after every session page',
    );
    assert.equal('participants_v2@odata.nextLink' in record, false);
  });

  it('keeps a participant repeated across a page boundary once', async () => {
    const participants = callParticipants(10);
    env.graph.putRecord({ ...callRecordWithSessions('people-2', 1), participants_v2: participants }, { duplicateParticipantsAcrossPages: true });
    const record = await client.getCallRecord(TENANT_A, 'people-2');
    assert.deepEqual(record.participants_v2, participants);
    // Each page starts with the last of the one before: 4 a page from 0, 3 and 6 (the last holds the 7th to the 10th).
    assert.equal(env.graph.stats.byOperation.getParticipantsPage, 3);
  });

  it('keeps two people that Graph gives one id (its documentation example does), and nobody twice', async () => {
    const [first, second] = callParticipants(2) as [Record<string, unknown>, Record<string, unknown>];
    const sameId = { ...second, id: first.id };
    env.graph.putRecord({ ...callRecordWithSessions('people-3', 1), participants_v2: [first, sameId] });
    const record = await client.getCallRecord(TENANT_A, 'people-3');
    assert.deepEqual(record.participants_v2, [first, sameId]);
  });

  it('gives a call Graph lists nobody for an empty list, in one request', async () => {
    env.graph.putRecord(callRecordWithSessions('people-4', 1));
    const record = await client.getCallRecord(TENANT_A, 'people-4');
    assert.deepEqual(record.participants_v2, []);
    assert.equal(env.graph.stats.byOperation.getParticipantsPage, 1);
  });

  describe('answers that asking again would not change: the call is scored without the list', () => {
    it('refuses a next link to another origin, sends nothing there, and says why in the log', async () => {
      const logged = env.logLines.length;
      env.graph.putRecord(recordWithPeople('people-foreign', 3, 10), { foreignParticipantsNextLink: `${foreign.url}/communications/callRecords/people-foreign/participants_v2?$skiptoken=steal` });
      const record = await client.getCallRecord(TENANT_A, 'people-foreign');
      assert.equal('participants_v2' in record, false);
      assert.equal(record.sessions.length, 3, 'the sessions are whole');
      assert.equal(foreign.stats.requests, 0);
      assert.equal(env.graph.stats.byOperation.getParticipantsPage, 1, 'not asked again');
      const [warning] = participantWarnings(logged);
      assert.equal(warning?.kind, 'foreign-next-link');
      assert.equal(warning?.callId, 'people-foreign');
      assert.match(String(warning?.reason), new RegExp(foreign.origin.replace(/[.:/]/g, '\\$&')));
      assert.doesNotMatch(JSON.stringify(env.logLines.slice(logged)), /Bearer|eyJ/);
    });

    it('stops a next link that loops at its first repeat', async () => {
      const logged = env.logLines.length;
      // 9 participants at 4 a page: pages at 0, 4 and 8; the last links back to the one at 4.
      env.graph.putRecord(recordWithPeople('people-loop', 1, 9), { loopingParticipantsNextLink: true });
      const record = await client.getCallRecord(TENANT_A, 'people-loop');
      assert.equal('participants_v2' in record, false);
      assert.equal(env.graph.stats.byOperation.getParticipantsPage, 3);
      assert.equal(participantWarnings(logged)[0]?.kind, 'looping-next-link');
    });

    it('stops a first page that links to itself after one request', async () => {
      env.graph.putRecord(recordWithPeople('people-loop-1', 1, 3), { loopingParticipantsNextLink: true });
      const record = await client.getCallRecord(TENANT_A, 'people-loop-1');
      assert.equal('participants_v2' in record, false);
      assert.equal(env.graph.stats.byOperation.getParticipantsPage, 1);
    });

    it('stops at the page cap', async () => {
      const logged = env.logLines.length;
      env.graph.putRecord(recordWithPeople('people-cap', 1, 10));
      const record = await env.client({ maxSessionPages: 2 }).getCallRecord(TENANT_A, 'people-cap');
      assert.equal('participants_v2' in record, false);
      assert.equal(env.graph.stats.byOperation.getParticipantsPage, 2);
      assert.equal(participantWarnings(logged)[0]?.kind, 'page-cap');
    });

    for (const [status, code] of [
      [400, 'BadRequest'],
      [404, 'NotFound'],
    ] as const) {
      it(`scores without the list when Graph answers ${status} for it`, async () => {
        const logged = env.logLines.length;
        env.graph.putRecord(recordWithPeople(`people-${status}`, 3, 10));
        env.graph.failNext(1, { status, code, operations: ['getParticipantsPage'] });
        const record = await client.getCallRecord(TENANT_A, `people-${status}`);
        assert.equal('participants_v2' in record, false);
        assert.equal(record.sessions.length, 3);
        assert.equal(participantWarnings(logged)[0]?.status, status);
      });
    }
  });

  describe('answers that can change: the fetch fails as retryable, and the next try reads everyone', () => {
    const faults: Array<[string, LoopbackFault]> = [
      ['429', { kind: 'status', status: 429, retryAfter: 3 }],
      ['503', { kind: 'status', status: 503 }],
      ['an answer cut short', { kind: 'invalid-json' }],
      ['a reset connection', { kind: 'reset' }],
    ];
    for (const [name, fault] of faults) {
      it(`on ${name} for the second page`, async () => {
        const participants = callParticipants(10);
        env.graph.putRecord({ ...callRecordWithSessions('people-retry', 3), participants_v2: participants });
        let pages = 0;
        env.graph.setFaultPlan(({ operation }) => (operation === 'getParticipantsPage' && ++pages === 2 ? fault : undefined));
        // A client of its own: a 429's Retry-After pauses the client's later requests for the tenant.
        const error = await rejectionOf(env.client().getCallRecord(TENANT_A, 'people-retry'));
        assert.ok(error instanceof GraphRequestError, String(error));
        assert.equal(error.retryable, true);
        assert.match(error.operation, /participants_v2/);
        env.graph.setFaultPlan(undefined);
        assert.deepEqual((await env.client().getCallRecord(TENANT_A, 'people-retry')).participants_v2, participants);
      });
    }

    it('fails the fetch when Graph refuses the app (403), which an admin can lift', async () => {
      env.graph.putRecord(recordWithPeople('people-403', 1, 2));
      env.graph.failNext(1, { status: 403, code: 'Forbidden', operations: ['getParticipantsPage'] });
      const error = await rejectionOf(client.getCallRecord(TENANT_A, 'people-403'));
      assert.ok(error instanceof GraphRequestError);
      assert.equal(error.needsAdmin, true);
    });
  });
});

describe('Graph client: participant pages within the per-record limit', () => {
  // The documented 40 / 20 s per record, scaled down: 3 requests in any 300 ms.
  const limits: Partial<GraphRateLimits> = { perCallRecord: { limit: 3, windowMs: 300 } };
  let env: GraphTestEnvironment;

  before(async () => {
    env = await startGraphTestEnvironment({ sessionPageSize: 2, participantPageSize: 4, limits, enforceLimits: true });
  });

  after(async () => {
    await env.close();
  });

  beforeEach(() => {
    env.graph.resetStats();
  });

  it('counts the participant pages in the record\'s budget with its session pages: no 429, the window full', async () => {
    const participants = callParticipants(10);
    // 5 sessions at 2 a page: the record and 2 pages; 10 participants at 4 a page: 3 pages. 6 requests, 3 per window.
    env.graph.putRecord({ ...callRecordWithSessions('budget-1', 5), participants_v2: participants });
    const started = Date.now();
    const record = await env.client({ limits }).getCallRecord(TENANT_A, 'budget-1');
    assert.deepEqual(record.participants_v2, participants);
    assert.equal(env.graph.stats.requests, 6);
    assert.equal(env.graph.stats.throttled, 0);
    assert.equal(env.graph.stats.peakInWindow.perCallRecord, 3);
    assert.ok(Date.now() - started >= 300, 'the fourth request waited for the window');
  });

  it('is what prevents the 429: a client that allows more gets one on the first participants page, retryable', async () => {
    env.graph.putRecord(recordWithPeople('budget-2', 5, 10));
    const error = await rejectionOf(env.client({ limits: { perCallRecord: { limit: 100, windowMs: 300 } } }).getCallRecord(TENANT_A, 'budget-2'));
    assert.ok(error instanceof GraphRequestError);
    assert.equal(error.throttled, true);
    assert.equal(error.retryable, true);
    assert.match(error.operation, /participants_v2/);
    assert.equal(env.graph.stats.throttledByLimits, 1);
  });
});
