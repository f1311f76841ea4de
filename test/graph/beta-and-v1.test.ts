import assert from 'node:assert/strict';
import { summarizeCall } from '../../src/alerts';
import { createGraphClient, graphClientOptionsFromConfig, type FetchedCallRecord } from '../../src/graph';
import { createLogger } from '../../src/logger';
import { scoreCallRecord } from '../../src/quality';
import { loadFixture } from '../support/graph-fixtures';
import { startLoopbackGraph, type LoopbackGraph } from '../support/loopback-graph';
import { startGraphTestEnvironment, TENANT_A, type GraphTestEnvironment } from './graph-test-environment';

type Json = Record<string, unknown>;

const FIXTURES = { beta: 'callrecord-beta-expanded.json', 'v1.0': 'callrecord-v1-expanded-lowercase-nextlink.json' } as const;
type ApiVersion = keyof typeof FIXTURES;

/**
 * A shared fixture as the loopback serves it: its sessions next link (to graph.microsoft.com)
 * left out, since the loopback pages the sessions itself, and its deprecated `participants` also
 * given as `participants_v2`, shaped as Graph lists them (`id` and `identity`).
 */
function servedFixture(version: ApiVersion): { record: Json & { id: string }; participantIds: string[] } {
  const record = loadFixture(FIXTURES[version]) as Json & { id: string };
  for (const key of Object.keys(record)) if (key.startsWith('sessions@odata.')) delete record[key];
  const people = (record.participants as Array<{ user: { id: string } }>).map((identity) => ({ id: identity.user.id, identity }));
  return { record: { ...record, participants_v2: people }, participantIds: people.map((person) => person.id) };
}

/** Every stream in a record's segments, counted from the JSON. */
function streamCount(record: Json): number {
  const sessions = record.sessions as Array<{ segments: Array<{ media: Array<{ streams?: unknown[] }> }> }>;
  return sessions.flatMap((session) => session.segments).flatMap((segment) => segment.media).reduce((sum, media) => sum + (media.streams?.length ?? 0), 0);
}

describe('GRAPH_BASE_URL on beta and on v1.0: the same call, read and scored alike', () => {
  let env: GraphTestEnvironment;
  let beta: LoopbackGraph;
  const graphs = {} as Record<ApiVersion, LoopbackGraph>;

  before(async () => {
    env = await startGraphTestEnvironment({ sessionPageSize: 1, participantPageSize: 1 });
    beta = await startLoopbackGraph({ basePath: '/beta', verifyAccessToken: env.tokenServer.verifyAccessToken, sessionPageSize: 1, participantPageSize: 1 });
    graphs.beta = beta;
    graphs['v1.0'] = env.graph;
    for (const version of Object.keys(FIXTURES) as ApiVersion[]) graphs[version].putRecord(servedFixture(version).record);
  });

  after(async () => {
    await Promise.all([beta.close(), env.close()]);
  });

  /** The record as the client the configuration builds reads it from `version`'s Graph. */
  const fetchFrom = async (version: ApiVersion): Promise<FetchedCallRecord> => {
    const config = env.appConfig(3978, 'beta-and-v1-client-state-0123', { GRAPH_BASE_URL: graphs[version].url });
    const client = createGraphClient(graphClientOptionsFromConfig(config.graph, createLogger('silent')));
    for (const graph of Object.values(graphs)) graph.resetStats();
    const record = await client.getCallRecord(TENANT_A, servedFixture(version).record.id);
    const other = version === 'beta' ? graphs['v1.0'] : graphs.beta;
    assert.equal(other.stats.requests, 0, `nothing was asked of the other version's Graph while reading ${version}`);
    assert.ok(
      graphs[version].requests.every((request) => request.path.startsWith(`/${version}/communications/callRecords/`)),
      `every request on /${version}: ${graphs[version].requests.map((request) => request.path).join(', ')}`,
    );
    // One session and two participants, one a page: the record, then two participant pages.
    assert.deepEqual(graphs[version].stats.byOperation, { getCallRecord: 1, getParticipantsPage: 2 });
    return record;
  };

  for (const version of Object.keys(FIXTURES) as ApiVersion[]) {
    it(`reads the whole record from ${version}: its sessions as served and every participant`, async () => {
      const { record: served, participantIds } = servedFixture(version);
      const record = await fetchFrom(version);
      assert.deepEqual(record.sessions, served.sessions);
      assert.deepEqual(
        record.participants_v2?.map((participant) => participant.id),
        participantIds,
      );
    });
  }

  it('scores both the same, as the fixtures say: every stream, the poor rating, two people', async () => {
    const [fromBeta, fromV1] = [await fetchFrom('beta'), await fetchFrom('v1.0')];
    const [betaReport, v1Report] = [scoreCallRecord(fromBeta), scoreCallRecord(fromV1)];
    assert.deepEqual(betaReport, v1Report);
    assert.equal(betaReport.streams.length, streamCount(servedFixture('beta').record));
    // The fixtures' callee, Owen Franklin, rated the call poor.
    assert.deepEqual(
      betaReport.feedback.map((entry) => [entry.displayName, entry.rating]),
      [['Owen Franklin', 'poor']],
    );
    const [betaSummary, v1Summary] = [summarizeCall(fromBeta), summarizeCall(fromV1)];
    assert.deepEqual(betaSummary, v1Summary);
    assert.equal(betaSummary.participantCount, 2);
    assert.equal(betaSummary.organizer.displayName, 'Abbie Wilkins');
  });
});
