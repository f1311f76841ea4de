import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { alertDue, summarizeCall } from '../../src/alerts';
import { callHistoryOf, decodeCallHistory, encodeCallHistory, peopleOf, type PlaceEndpoint } from '../../src/insights';
import { InboxWorker, IngestStatus } from '../../src/ingest';
import { compactAssessment } from '../../src/ingest/compact-assessment';
import { PagedAssessment } from '../../src/ingest/paged-assessment';
import { storedReportOf } from '../../src/ingest/stored-report';
import { createLogger } from '../../src/logger';
import { resolveScoringOptions, scoreCallRecord, type JsonObject } from '../../src/quality';
import { openSqliteStore } from '../../src/store';
import { generateCallRecord } from '../../bench/records';
import { startGraphTestEnvironment, TENANT_A, type GraphTestEnvironment } from '../graph/graph-test-environment';
import { GRAPH_FIXTURES, loadFixture } from '../support/graph-fixtures';
import { startLoopbackGraph, type LoopbackGraph } from '../support/loopback-graph';

const scoring = resolveScoringOptions();
/** Every network on 10.x is in one building, so the summary and history name places. */
const place: PlaceEndpoint = ({ subnet, ip }) => ((subnet ?? ip ?? '').startsWith('10.') ? { buildingName: 'HQ', networkName: 'Floor 1' } : null);

/** The record's own fields, as the Graph client's first part gives them. */
function ownFields(record: JsonObject): JsonObject {
  const { sessions: _sessions, participants_v2: _participants, ...own } = record;
  return own;
}

/** Pages of `size` sessions, each after the first starting with the last session of the page before, and the first session once more at the end. */
function pagesOf(sessions: readonly unknown[], size: number): unknown[][] {
  const pages: unknown[][] = [];
  for (let start = 0; start < sessions.length; start += size) pages.push([...(start > 0 ? [sessions[start - 1]] : []), ...sessions.slice(start, start + size)]);
  if (sessions.length > 0) pages.push([sessions[0]]);
  return pages;
}

/** Scores, summarizes and records the whole record at once: the path the paged one must equal. */
function wholePath(record: JsonObject) {
  const report = scoreCallRecord(record, scoring);
  const alert = alertDue(report, { failures: true });
  const summary = summarizeCall(record, { place });
  // As a stored row keeps them: the paged path holds no more than that.
  const compact = compactAssessment(report, summary);
  return { report, alert, summary, compact, history: callHistoryOf({ record, report, tenantId: TENANT_A, source: 'notification', place, alert }) };
}

function pagedPath(record: JsonObject, pageSize: number) {
  const assessment = new PagedAssessment(ownFields(record), { scoring, tenantId: TENANT_A, source: 'notification', place });
  for (const page of pagesOf(Array.isArray(record.sessions) ? record.sessions : [], pageSize)) assessment.addSessions(page);
  const done = assessment.finish(Array.isArray(record.participants_v2) ? record.participants_v2 : undefined);
  const alert = alertDue(done.report, { failures: true });
  const encoded = done.encodedHistory(alert, 'stored-id');
  // Decoded as the store's readers decode it (history-reader, export).
  return { report: done.report, alert, summary: done.summary, history: decodeCallHistory(encoded.summary), encoded, call: done.call };
}

describe('a call assessed page by page equals the whole record assessed at once', () => {
  for (const [sessions, seed, pageSize] of [
    [1, 3, 1],
    [45, 7, 6],
    [130, 2026, 60],
  ] as const) {
    it(`a generated record of ${sessions} sessions (seed ${seed}) in pages of ${pageSize}, sessions repeated across pages`, () => {
      const record = generateCallRecord(sessions, seed);
      const whole = wholePath(record);
      const paged = pagedPath(record, pageSize);
      assert.ok(whole.report.streams.length > 0);
      assert.deepEqual(paged.report, whole.compact.report);
      assert.equal(paged.alert, whole.alert);
      assert.deepEqual(paged.summary, whole.compact.summary);
      assert.deepEqual(paged.summary.people, whole.summary.people);
      assert.deepEqual(paged.history, { ...whole.history, callId: 'stored-id' });
      // The text kept page by page is what encoding the objects gives, under the id it is stored by.
      assert.equal(paged.encoded.summary, encodeCallHistory({ ...whole.history, callId: 'stored-id' }));
      assert.deepEqual(paged.encoded.people, peopleOf(whole.history));
      assert.equal(paged.encoded.startedAt, whole.history.startedAt);
      const now = Date.UTC(2026, 10, 21);
      assert.deepEqual(storedReportOf({ tenantId: TENANT_A, callId: 'c' }, paged.call, paged.report, paged.summary, now, paged.alert), storedReportOf({ tenantId: TENANT_A, callId: 'c' }, record, whole.report, whole.summary, now, whole.alert));
    });
  }

  for (const name of readdirSync(GRAPH_FIXTURES).filter((file) => file.startsWith('callrecord-'))) {
    it(`the shared fixture ${name}, one session a page`, () => {
      const record = loadFixture(name);
      const whole = wholePath(record);
      const paged = pagedPath(record, 1);
      assert.deepEqual(paged.report, whole.compact.report);
      assert.deepEqual(paged.summary, whole.compact.summary);
      assert.deepEqual(paged.history, { ...whole.history, callId: 'stored-id' });
      assert.equal(paged.encoded.summary, encodeCallHistory({ ...whole.history, callId: 'stored-id' }));
      assert.deepEqual(paged.encoded.people, peopleOf(whole.history));
    });
  }

  it('lists the people of the streams first and those only the hints name after them, whatever page named them first', () => {
    const user = (id: string, name: string) => ({ identity: { user: { id, displayName: name } } });
    const wifi = { connectionType: 'wifi', wifiSignalStrength: 40 };
    // Page 1: a media entry without streams, so Hana (caller) is met by the hints walk only.
    const first = { id: 's1', modalities: ['audio'], caller: user('u-hana', 'Hana'), callee: user('u-ian', 'Ian'), segments: [{ id: 'g1', caller: user('u-hana', 'Hana'), callee: user('u-ian', 'Ian'), media: [{ label: 'main-audio', callerNetwork: wifi, streams: [] }] }] };
    // Page 2: a stream from Jo to Ian.
    const stream = { streamId: '1', streamDirection: 'callerToCallee' };
    const second = { id: 's2', modalities: ['audio'], caller: user('u-jo', 'Jo'), callee: user('u-ian', 'Ian'), segments: [{ id: 'g2', caller: user('u-jo', 'Jo'), callee: user('u-ian', 'Ian'), media: [{ label: 'main-audio', streams: [stream] }] }] };
    const assessment = new PagedAssessment({ id: 'people-order', version: 1 }, { scoring, tenantId: TENANT_A, source: 'notification' });
    const { summary } = assessment.addSessions([first]).addSessions([second]).finish();
    // Jo and Ian from the one stream, then Hana, whom only the hints walk met.
    assert.deepEqual(summary.people.map((person) => person.displayName), ['Jo', 'Ian', 'Hana']);
    assert.deepEqual(summary.streams.map((entry) => [entry.fromPerson, entry.toPerson]), [[0, 1]]);
    const hana = summary.hints.find((hint) => hint.kind === 'wifi');
    assert.equal(hana?.person, 2);
  });
});

describe('the inbox worker scores a record page by page from Graph, as if read whole', function () {
  this.timeout(30_000);
  let env: GraphTestEnvironment;
  let beta: LoopbackGraph;

  before(async () => {
    env = await startGraphTestEnvironment();
    beta = await startLoopbackGraph({ basePath: '/beta', verifyAccessToken: env.tokenServer.verifyAccessToken });
  });
  after(async () => {
    await Promise.all([beta.close(), env.close()]);
  });

  for (const [api, spelling] of [
    ['v1.0', 'nextLink'],
    ['v1.0', 'nextlink'],
    ['beta', 'nextLink'],
  ] as const) {
    it(`stores what the whole record gives (${api}, sessions@odata.${spelling}, a session repeated on every page)`, async () => {
      const graph = api === 'beta' ? beta : env.graph;
      const id = `dddddddd-0000-4000-8000-${spelling === 'nextlink' ? '1' : '0'}${api === 'beta' ? '1' : '0'}0000000000`;
      const record = { ...generateCallRecord(40, spelling.length + api.length), id };
      graph.putRecord(record, { sessionPageSize: 6, duplicateAcrossPages: true, nextLinkSpelling: spelling });
      const client = env.client({ baseUrl: graph.url });
      const now = Date.UTC(2026, 10, 22);
      const store = openSqliteStore({ path: ':memory:' });
      try {
        const worker = new InboxWorker({ store, source: client, logger: createLogger('silent'), status: new IngestStatus(), scoringFor: async () => scoring, place, clock: () => now, random: () => 0.5 });
        await store.inbox.enqueue([{ tenantId: TENANT_A, callId: id, source: 'notification' }], now);
        assert.deepEqual(await worker.drainOnce(), ['scored']);
        const whole = (await client.getCallRecord(TENANT_A, id)) as unknown as JsonObject;
        assert.equal((whole.sessions as unknown[]).length, 40, 'the whole record has each session once');
        const expected = wholePath(whole);
        const row = await store.reports.getReport(TENANT_A, id);
        const stored = storedReportOf({ tenantId: TENANT_A, callId: id }, whole, expected.report, expected.summary, now, expected.alert);
        assert.deepEqual(row?.report, stored.report);
        assert.deepEqual(row?.summary, stored.summary);
        assert.equal(row?.alert, expected.alert);
        const history = await store.history.getCall(TENANT_A, id);
        assert.deepEqual(history?.summary, encodeCallHistory({ ...expected.history, callId: id }));
      } finally {
        store.close();
      }
    });
  }
});
