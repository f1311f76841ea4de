import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { CallRecordPart } from '../../src/graph';
import type { CallRecordSource } from '../../src/ingest/call-record-source';
import { assessRecordParts, readRecordPages } from '../../src/ingest/record-read';
import { resolveScoringOptions } from '../../src/quality';
import { openSqliteStore, type WorkItem } from '../../src/store';
import { callRecordWithSessions, TENANT_A } from '../graph/graph-test-environment';

/**
 * A source of a record of 8 sessions in 4 pages of 2 that notes, each time the reader asks for the
 * part after the record, which pages of sessions it gave before are still alive after a collection.
 */
function watchedSource() {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const record = callRecordWithSessions('read-memory', 8);
  const { sessions, ...own } = record;
  const pages: Array<WeakRef<object>> = [];
  /** When the reader asks for each part after the record: the sessions parts given before it that are still alive. */
  const alive: number[][] = [];
  const pageOf = (index: number): CallRecordPart<unknown> => {
    const page = structuredClone(sessions.slice(index * 2, index * 2 + 2));
    pages.push(new WeakRef(page));
    return { kind: 'sessions', sessions: page };
  };
  const watch = async () => {
    // A WeakRef keeps its target until the job that made it ends; a collection in a later one tells.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    alive.push(pages.flatMap((page, index) => (page.deref() === undefined ? [] : [index])));
  };
  const source: CallRecordSource = {
    getCallRecord: () => Promise.reject(new Error('read whole: not expected')),
    listCallRecordsSince: () => ({ [Symbol.asyncIterator]: () => ({ next: () => Promise.resolve({ done: true, value: undefined }) }) }),
    async *getCallRecordPages() {
      yield { kind: 'record', record: own };
      for (let index = 0; index < 4; index += 1) {
        await watch();
        yield pageOf(index);
      }
      await watch();
      yield { kind: 'participants', participants: undefined };
    },
  };
  return { record, source, pages, alive };
}

describe('reading a record page by page (readRecordPages for the worker, assessRecordParts for check)', () => {
  it('holds no page of sessions while the next part is read', async () => {
    const { record, source, pages, alive } = watchedSource();
    const store = openSqliteStore({ path: ':memory:' });
    try {
      const item = { tenantId: TENANT_A, callId: record.id, source: 'notification' } as WorkItem;
      const read = await readRecordPages(item, { store, source, scoringFor: async () => resolveScoringOptions() });
      assert.equal(read.kind, 'read');
      assert.equal(pages.length, 4);
      assert.deepEqual(alive, [[], [], [], [], []]);
    } finally {
      store.close();
    }
  });

  it("holds no page of sessions while the next part is read for the chat's check either (assessRecordParts)", async () => {
    const { record, source, pages, alive } = watchedSource();
    const assessed = await assessRecordParts(source.getCallRecordPages!(TENANT_A, record.id), { scoring: resolveScoringOptions(), tenantId: TENANT_A, source: 'check' });
    assert.equal(assessed.report.callId, record.id);
    assert.equal(pages.length, 4);
    assert.deepEqual(alive, [[], [], [], [], []]);
  });
});
