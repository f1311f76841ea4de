import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { GraphRequestError, type CallRecordPart, type GraphClient } from '../../src/graph';
import { callParticipants, callRecordWithSessions, startGraphTestEnvironment, TENANT_A, type GraphTestEnvironment } from './graph-test-environment';

/** Each part in a word: `record <id>`, `sessions <ids>`, `participants <ids>`. */
function describePart(part: CallRecordPart): string {
  if (part.kind === 'record') return `record ${part.record.id}`;
  if (part.kind === 'sessions') return `sessions ${part.sessions.map((session) => (session as { id?: unknown }).id).join(',')}`;
  return `participants ${part.participants === undefined ? 'none' : part.participants.map((participant) => participant.id).join(',')}`;
}

/** The parts read before the iteration ended, and the error it ended with (undefined when it ended well). */
async function readParts(parts: AsyncIterable<CallRecordPart>): Promise<{ parts: string[]; error: unknown }> {
  const read: string[] = [];
  try {
    for await (const part of parts) read.push(describePart(part));
  } catch (error) {
    return { parts: read, error };
  }
  return { parts: read, error: undefined };
}

describe('Graph client: a call record part by part (fetchCallRecordPages)', () => {
  let env: GraphTestEnvironment;
  let client: GraphClient;

  before(async () => {
    env = await startGraphTestEnvironment({ sessionPageSize: 2, participantPageSize: 2 });
    client = env.client();
  });
  after(async () => {
    await env.close();
  });
  beforeEach(() => {
    env.graph.resetStats();
    env.graph.setFaultPlan(undefined);
  });

  for (const spelling of ['nextLink', 'nextlink'] as const) {
    it(`gives the record, then each page of sessions as Graph sent it, then the participants (sessions@odata.${spelling})`, async () => {
      const id = `parts-${spelling}`;
      env.graph.putRecord({ ...callRecordWithSessions(id, 5), participants_v2: callParticipants(3) }, { nextLinkSpelling: spelling });
      const { parts, error } = await readParts(client.getCallRecordPages(TENANT_A, id));
      assert.equal(error, undefined);
      // 2 sessions a page: the record's own page holds the first two; 2 participants a page.
      assert.deepEqual(parts, [`record ${id}`, 'sessions s-0001,s-0002', 'sessions s-0003,s-0004', 'sessions s-0005', 'participants p-0001,p-0002,p-0003']);
      assert.equal(env.graph.stats.byOperation.getSessionsPage, 2);
      assert.equal(env.graph.stats.byOperation.getParticipantsPage, 2);
    });
  }

  it('leaves the sessions Graph repeats across pages in their pages (the reader passes over them)', async () => {
    const id = 'parts-repeated';
    env.graph.putRecord(callRecordWithSessions(id, 4), { duplicateAcrossPages: true });
    const { parts, error } = await readParts(client.getCallRecordPages(TENANT_A, id));
    assert.equal(error, undefined);
    // Each next page starts with the last session of the page before.
    assert.deepEqual(parts, [`record ${id}`, 'sessions s-0001,s-0002', 'sessions s-0002,s-0003', 'sessions s-0003,s-0004', 'participants ']);
  });

  it('throws a 500 on the third page from the iteration, after the record and two pages of sessions, without asking again', async () => {
    const id = 'parts-500';
    env.graph.putRecord(callRecordWithSessions(id, 7));
    let sessionPages = 0;
    env.graph.setFaultPlan(({ operation }) => (operation === 'getSessionsPage' && ++sessionPages === 2 ? { kind: 'status', status: 500 } : undefined));
    const { parts, error } = await readParts(client.getCallRecordPages(TENANT_A, id));
    assert.deepEqual(parts, [`record ${id}`, 'sessions s-0001,s-0002', 'sessions s-0003,s-0004']);
    assert.ok(error instanceof GraphRequestError, String(error));
    assert.equal(error.status, 500);
    assert.equal(env.graph.stats.byOperation.getSessionsPage, 2);
    assert.equal(env.graph.stats.byOperation.getParticipantsPage, undefined);
  });

  it('throws a next link to the third page that leads back from the iteration, after the record and two pages of sessions', async () => {
    const id = 'parts-looping';
    // The second page of sessions links back to itself, the first sessions page after the record.
    env.graph.putRecord(callRecordWithSessions(id, 4), { loopingNextLink: true });
    const { parts, error } = await readParts(client.getCallRecordPages(TENANT_A, id));
    assert.deepEqual(parts, [`record ${id}`, 'sessions s-0001,s-0002', 'sessions s-0003,s-0004']);
    assert.ok(error instanceof GraphRequestError, String(error));
    assert.equal(error.kind, 'looping-next-link');
    assert.equal(error.retryable, false);
    assert.equal(env.graph.stats.byOperation.getSessionsPage, 1);
  });

  it('throws a foreign next link to the third page from the iteration, after the record and two pages of sessions, sending nothing there', async () => {
    const id = 'parts-foreign';
    env.graph.putRecord(callRecordWithSessions(id, 7));
    const foreignRequests: string[] = [];
    // The loopback's second page of sessions is given a next link to another host on its way to the client.
    const rewriting = env.client({
      fetch: async (input, init) => {
        const url = String(input);
        if (!url.startsWith(env.graph.url)) foreignRequests.push(url);
        const response = await fetch(input, init);
        if (!url.includes('/sessions?')) return response;
        const body = (await response.json()) as Record<string, unknown>;
        return Response.json({ ...body, '@odata.nextLink': 'https://attacker.example/v1.0/communications/callRecords/parts-foreign/sessions?$skiptoken=x' });
      },
    });
    const { parts, error } = await readParts(rewriting.getCallRecordPages(TENANT_A, id));
    assert.deepEqual(parts, [`record ${id}`, 'sessions s-0001,s-0002', 'sessions s-0003,s-0004']);
    assert.ok(error instanceof GraphRequestError, String(error));
    assert.equal(error.kind, 'foreign-next-link');
    assert.equal(error.retryable, false);
    assert.deepEqual(foreignRequests, []);
  });

  it('refuses sessions that are not an array before giving the record', async () => {
    const id = 'parts-not-array';
    env.graph.putRecord(callRecordWithSessions(id, 1));
    // The loopback pages sessions itself: the record's sessions become an object on their way to the client.
    const rewriting = env.client({
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        if (!String(input).includes('$expand=sessions')) return response;
        const body = (await response.json()) as Record<string, unknown>;
        return Response.json({ ...body, sessions: { id: 's-0001' } });
      },
    });
    const { parts, error } = await readParts(rewriting.getCallRecordPages(TENANT_A, id));
    assert.deepEqual(parts, []);
    assert.ok(error instanceof GraphRequestError, String(error));
    assert.match(error.message, /has sessions that are not an array/);
  });

  it('holds no page of sessions once the next part is asked for (nor the record page for the whole walk)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const id = 'parts-memory';
    env.graph.putRecord({ ...callRecordWithSessions(id, 7), participants_v2: callParticipants(1) });
    const pages: Array<WeakRef<object>> = [];
    /** At each request, the sessions parts given before it that are still alive. */
    const alive: number[][] = [];
    const watching = env.client({
      fetch: async (input, init) => {
        // A WeakRef keeps its target until the job that made it ends; a collection in a later one tells.
        await new Promise((resolve) => setImmediate(resolve));
        gc();
        alive.push(pages.flatMap((page, index) => (page.deref() === undefined ? [] : [index])));
        return fetch(input, init);
      },
    });
    const iterator = watching.getCallRecordPages(TENANT_A, id)[Symbol.asyncIterator]();
    for (;;) {
      let step: IteratorResult<CallRecordPart> | undefined = await iterator.next();
      if (step.done) break;
      if (step.value.kind === 'sessions') pages.push(new WeakRef(step.value.sessions));
      step = undefined;
    }
    assert.equal(pages.length, 4);
    // The record (with the first page), three pages of sessions, one of participants: none of the pages before held.
    assert.deepEqual(alive, [[], [], [], [], []]);
  });
});
