import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { CallRecordPart } from '../../src/graph';
import { callParticipants, callRecordWithSessions, startGraphTestEnvironment, TENANT_A, type GraphTestEnvironment } from './graph-test-environment';

describe('Graph client: a call record part by part (fetchCallRecordPages)', () => {
  let env: GraphTestEnvironment;

  before(async () => {
    env = await startGraphTestEnvironment({ sessionPageSize: 2, participantPageSize: 2 });
  });
  after(async () => {
    await env.close();
  });
  beforeEach(() => {
    env.graph.resetStats();
    env.graph.setFaultPlan(undefined);
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
