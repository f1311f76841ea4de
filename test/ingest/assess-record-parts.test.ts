import assert from 'node:assert/strict';
import { assessCall } from '../../src/alerts';
import type { CallRecordPart } from '../../src/graph';
import { assessRecordParts } from '../../src/ingest';
import { compactAssessment } from '../../src/ingest/compact-assessment';
import { resolveScoringOptions, streamCountsOf } from '../../src/quality';
import { generateCallRecord } from '../../bench/records';
import { TENANT_A, callParticipants, rejectionOf, startGraphTestEnvironment, type GraphTestEnvironment } from '../graph/graph-test-environment';

/** `check`'s reading of a call: part by part through the real Graph client, as the worker reads it. */
describe('check: a call assessed part by part (assessRecordParts)', function () {
  this.timeout(60_000);
  let env: GraphTestEnvironment;
  const options = { scoring: resolveScoringOptions(), tenantId: TENANT_A, source: 'check' };

  before(async () => {
    env = await startGraphTestEnvironment();
  });
  after(async () => {
    await env?.close();
  });

  it('reads a meeting page by page and gives what the whole record gives, compact as its stored report', async () => {
    const id = 'cccccccc-0000-4000-8000-000000000001';
    const record = { ...(generateCallRecord(40, 7) as Record<string, unknown>), id, participants_v2: callParticipants(12) };
    env.graph.putRecord(record, { sessionPageSize: 6, duplicateAcrossPages: true, participantPageSize: 5 });
    const client = env.client();
    const before = env.graph.requests.length;

    const paged = await assessRecordParts(client.getCallRecordPages(TENANT_A, id), options);
    const sessionPages = env.graph.requests.slice(before).filter((request) => request.operation === 'getSessionsPage').length;
    assert.ok(sessionPages >= 6, `${sessionPages} pages of sessions were asked for`);

    const whole = assessCall(await client.getCallRecord(TENANT_A, id), options.scoring);
    const compact = compactAssessment(whole.report, whole.summary);
    assert.deepEqual(paged.report, compact.report);
    assert.deepEqual(paged.summary, compact.summary);
    // Every stream counted once (Graph repeated a session on each page), the good ones not all listed.
    const counted = Object.values(streamCountsOf(paged.report)).reduce((sum, byClass) => sum + Object.values(byClass).reduce((a, b) => a + b, 0), 0);
    assert.equal(counted, whole.report.streams.length);
    assert.ok(paged.report.streams.length < whole.report.streams.length, `${paged.report.streams.length} streams kept of ${whole.report.streams.length}`);
    assert.equal(paged.summary.people?.length, whole.summary.people?.length);
  });

  it("passes on Graph's own error, so the check can say what went wrong", async () => {
    const error = (await rejectionOf(assessRecordParts(env.client().getCallRecordPages(TENANT_A, 'cccccccc-0000-4000-8000-00000000dead'), options))) as Error;
    assert.match(error.message, /404|not found/i);
    assert.doesNotMatch(error.message, /could not be read/);
  });

  it('says why an answer is not a call record', async () => {
    async function* parts(): AsyncGenerator<CallRecordPart<unknown>> {
      yield { kind: 'record', record: { value: [] } };
    }
    const error = (await rejectionOf(assessRecordParts(parts(), options))) as Error;
    assert.match(error.message, /not a call record: it is a page of a collection/);
  });
});
