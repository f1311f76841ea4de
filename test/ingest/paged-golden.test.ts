import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { alertDue } from '../../src/alerts';
import type { CallRecordSource } from '../../src/ingest/call-record-source';
import type { CallRecordPart } from '../../src/graph';
import { readRecordPages } from '../../src/ingest/record-read';
import { storedReportOf } from '../../src/ingest/stored-report';
import { resolveScoringOptions, type JsonObject } from '../../src/quality';
import type { Store, WorkItem } from '../../src/store';
import { generateCallRecord } from '../../bench/records';
import { GRAPH_FIXTURES } from '../support/graph-fixtures';
import { describeDifferences, differences, digestDifferences } from '../support/golden/golden-diff';
import { canonicalJson, casePages, digestTree, GOLDEN_PAGE_SIZE, goldenPlace, mergedRecord, PART_NAMES, sha256, type GoldenFile, type GoldenParts } from '../support/golden/paged-golden-cases';

/**
 * Today's worker path against golden values computed by the build before it existed (5477af2,
 * which scored, summarized and recorded the whole record at once): see
 * test/support/golden/make-paged-golden.ts. The golden values are never regenerated from today's
 * code; a difference is reported with its path and both values.
 */
const GOLDEN: GoldenFile = JSON.parse(gunzipSync(readFileSync(join(__dirname, '../fixtures/paged-golden/paged-golden.json.gz'))).toString('utf8')) as GoldenFile;

/** The Graph client's first part: the record's own fields, no sessions, no next links (graph/call-record-pages.ts). */
function ownFields(first: JsonObject): JsonObject & { id: string } {
  const { sessions: _sessions, participants_v2: _participants, ...own } = first;
  for (const key of ['sessions@odata.nextLink', 'sessions@odata.nextlink', 'participants_v2@odata.nextLink', 'participants_v2@odata.nextlink']) delete own[key];
  return own as JsonObject & { id: string };
}

/** A source giving the record part by part as Graph's pages come, sessions repeated across pages as Graph repeats some. */
function pagedSource(first: JsonObject, pages: readonly unknown[][]): CallRecordSource {
  async function* parts(): AsyncGenerator<CallRecordPart> {
    yield { kind: 'record', record: ownFields(first) };
    yield { kind: 'sessions', sessions: (Array.isArray(first.sessions) ? first.sessions : []) as never[] };
    for (const page of pages) yield { kind: 'sessions', sessions: page as never[] };
    if (Array.isArray(first.participants_v2)) yield { kind: 'participants', participants: first.participants_v2 as never[] };
  }
  return {
    getCallRecord: () => Promise.reject(new Error('The worker reads the record page by page here.')),
    getCallRecordPages: () => parts(),
    listCallRecordsSince: () => parts() as never,
  };
}

/** A store that has processed no version of any call: all the reading of pages asks of it. */
const freshStore = { reports: { processedReport: async () => ({ version: null }) } } as unknown as Store;

/** The worker's path today (inbox-worker.ts processInSpan): pages read and assessed, alert decided, report stored compact, history encoded. */
async function todayParts(first: JsonObject, pages: readonly unknown[][]): Promise<GoldenParts> {
  const item: WorkItem = { tenantId: GOLDEN.tenantId, callId: GOLDEN.callId, source: 'notification' } as WorkItem;
  const read = await readRecordPages(item, { store: freshStore, source: pagedSource(first, pages), scoringFor: async () => resolveScoringOptions(), place: goldenPlace });
  assert.equal(read.kind, 'read');
  if (read.kind !== 'read') throw new Error('unreachable');
  const assessed = read.assessment.finish(read.participants);
  const alert = alertDue(assessed.report, { failures: true });
  const stored = storedReportOf(item, assessed.call, assessed.report, assessed.summary, GOLDEN.now, alert);
  // Packing a big call's streams is the store's own encoding: what the worker hands it is plain.
  const { summary, ...rest } = stored;
  const history = assessed.encodedHistory(alert, GOLDEN.callId);
  return { stored: rest, summary, history: { summary: history.summary, people: history.people, startedAt: history.startedAt } };
}

describe('the page-by-page assessment equals the golden values of the build before it (whole record at once)', function () {
  this.timeout(60_000);

  it('has golden values from 5477af2 for the fixtures and generated records of 1 to 1,000 sessions', () => {
    assert.equal(GOLDEN.baseCommit, '5477af203dfd529c9274d5fb575cfe1447146bf6');
    assert.equal(GOLDEN.pageSize, GOLDEN_PAGE_SIZE);
    const sizes = GOLDEN.entries.flatMap((entry) => (entry.case.kind === 'generated' ? [entry.case.sessions] : []));
    assert.deepEqual(sizes, [1, 45, 130, 400, 1000]);
    assert.equal(GOLDEN.entries.filter((entry) => entry.case.kind === 'fixture').length, 7);
  });

  for (const entry of GOLDEN.entries) {
    const label = entry.case.kind === 'generated' ? `${entry.case.name} (seed ${entry.case.seed}, pages of ${GOLDEN_PAGE_SIZE}, sessions repeated across pages)` : entry.case.name;
    it(label, async () => {
      const { first, pages } = casePages(entry.case, GRAPH_FIXTURES, generateCallRecord);
      // The same input the base build scored, byte for byte (its sessions merged as its Graph client merged them).
      const record = mergedRecord(first, pages);
      assert.equal(sha256(canonicalJson(record)), entry.inputSha256, 'the input is not the one the golden values were computed from (generator or fixture changed)');
      assert.equal(Array.isArray(record.sessions) ? record.sessions.length : 0, entry.sessionsInRecord);
      const today = await todayParts(first, pages);
      const found: string[] = [];
      for (const part of PART_NAMES) {
        const golden = entry.parts[part];
        if (golden.value !== undefined) {
          // Kept in full: compared value by value (its digest only checks the golden file itself).
          assert.equal(sha256(canonicalJson(golden.value)), golden.sha256, `the golden ${part} of ${entry.case.name} does not match its own digest`);
          const where = differences(golden.value, JSON.parse(canonicalJson(today[part])));
          if (where.length > 0) found.push(describeDifferences(`${entry.case.name}: ${part}`, where));
        } else if (sha256(canonicalJson(today[part])) !== golden.sha256) {
          found.push(describeDifferences(`${entry.case.name}: ${part}`, digestDifferences(golden.digests, today[part])));
        }
      }
      assert.deepEqual(found, [], found.join('\n'));
    });
  }
});

describe('the golden diff helper', () => {
  it('names the path and both values where a full value differs', () => {
    const found = differences({ streams: [{ a: 1 }, { a: 2 }], n: 1 }, { streams: [{ a: 1 }, { a: 3 }], n: 1 });
    assert.deepEqual(found, [{ path: '$.streams[1].a', golden: '2', today: '3' }]);
  });

  it("names the chunk and today's value where a value kept as digests differs", () => {
    const golden = { streams: Array.from({ length: 60 }, (_, index) => ({ index })) };
    const today = { streams: golden.streams.map((entry) => (entry.index === 31 ? { index: -1 } : entry)) };
    const found = digestDifferences(digestTree(golden), today);
    assert.equal(found.length, 1);
    assert.equal(found[0]?.path, '$.streams[25..49]');
    assert.match(found[0]?.today ?? '', /\{"index":-1\}/);
  });
});
