import assert from 'node:assert/strict';
import { startApp, type RunningApp } from '../../src/app';
import { InboxWorker, IngestStatus } from '../../src/ingest';
import { decodeCallHistory } from '../../src/insights';
import { createLogger } from '../../src/logger';
import { resolveScoringOptions, type CallQualityReport } from '../../src/quality';
import { openSqliteStore, type Store } from '../../src/store';
import { eventually } from '../bot/bot-harness';
import { cardStrings } from '../bot/card-inspection';
import { cardText } from '../alerts/card-inspection';
import { TENANT_A, startGraphTestEnvironment, type GraphTestEnvironment } from '../graph/graph-test-environment';
import { freePort } from '../support/free-port';
import { loadFixture } from '../support/graph-fixtures';
import { LoopbackBotConnector } from '../support/loopback-bot-connector';
import { askInPersonalChat, postPersonalInstall } from '../support/personal-install';

/*
 * Issue 14's proof for call failures, through the whole app: call records whose session carries
 * Graph's failureInfo (every documented stage) go into the loopback Graph, Graph notifies the running
 * app, its worker fetches and scores them, and the organizer's card reaches her 1:1 chat through the
 * loopback Bot Connector. Every call is the 2024 fixture (Abbie calls Owen, two good audio streams
 * under cqd) organized by Olga, with Owen's rating removed unless said: alone it would alert nobody.
 */

const CLIENT_STATE = 'call-failures-client-state-0123456789';
const OLGA = { id: '29:olga', name: 'Olga Organizer', aadObjectId: '0f0f0f0f-0000-4000-8000-0000000f0a14' };
const OLGA_CHAT = 'a:chat-with-olga-failures';
const callId = (n: number) => `fa11ed00-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** The fixture as one of the table's calls: started 40 minutes ago, the session's failureInfo when given. */
function record(id: string, options: { failureInfo?: Record<string, unknown>; rating?: string; poor?: boolean } = {}): Record<string, unknown> {
  const copy = structuredClone(loadFixture('callrecord-v1-expanded-2024.json')) as any;
  delete copy['sessions@odata.nextLink'];
  Object.assign(copy, {
    id,
    version: 1,
    startDateTime: new Date(Date.now() - 40 * 60_000).toISOString(),
    endDateTime: new Date(Date.now() - 10 * 60_000).toISOString(),
    organizer: { user: { id: OLGA.aadObjectId, displayName: OLGA.name, tenantId: TENANT_A } },
  });
  const session = copy.sessions[0];
  delete session.callee.feedback;
  if (options.rating) session.callee.feedback = { rating: options.rating, tokens: {} };
  if (options.failureInfo) session.failureInfo = options.failureInfo;
  if (options.poor) Object.assign(session.segments[0].media[0].streams[0], { packetUtilization: 5000, averageJitter: 'PT0.090S' });
  return copy;
}

/** Every documented stage, the words its card gives and its title. */
const STAGES = [
  { n: 1, stage: 'callSetup', reason: 'MediaConnectivityFailure', title: 'Call could not be set up', words: 'could not be set up' },
  { n: 2, stage: 'midcall', reason: 'NetworkDisconnected', title: 'Call dropped', words: 'dropped during the call' },
  { n: 3, stage: 'unknown', reason: 'Unexpected', title: 'Call failed', words: 'failed, at a stage Graph does not name' },
  { n: 4, stage: 'unknownFutureValue', reason: 'SomethingNew', title: 'Call failed', words: 'failed, at a stage Graph does not name' },
] as const;

describe('call failures from Graph to the organizer\'s card', function () {
  this.timeout(120_000);
  let env: GraphTestEnvironment;
  let connector: LoopbackBotConnector;
  let app: RunningApp;
  let sequence = 0;

  /** Sends a message in Olga's chat; resolves to the one card the bot answered with. */
  function ask(text: string): Promise<any> {
    return askInPersonalChat({ port: app.port, connector, tenantId: TENANT_A, chatId: OLGA_CHAT, user: OLGA }, text, { id: `ask-${++sequence}` });
  }

  /** Notifies one call and resolves once the worker is done with it, to the cards Olga got for it. */
  async function notify(graphRecord: Record<string, unknown>): Promise<any[]> {
    const id = String(graphRecord.id);
    const before = connector.requests.length;
    env.graph.putRecord(graphRecord);
    const [subscription] = env.graph.subscriptions(TENANT_A);
    assert.deepEqual(await env.graph.sendNotifications(TENANT_A, [id], { subscriptionId: subscription!.id }), [202]);
    await eventually(async () => (await app.store.inbox.get(TENANT_A, id))?.state === 'done', 30_000, `the worker to score ${id}`);
    const alerted = (await app.store.reports.listAlertJobs(TENANT_A, id)).length > 0;
    if (alerted) await eventually(async () => (await app.store.reports.listAlertJobs(TENANT_A, id)).every((job) => job.state === 'done'), 30_000, `the card of ${id}`);
    return connector.cardsIn(connector.posts(OLGA_CHAT).filter((request) => connector.requests.indexOf(request) >= before));
  }

  before(async () => {
    env = await startGraphTestEnvironment();
    connector = await new LoopbackBotConnector().start();
    const port = await freePort();
    app = await startApp(env.appConfig(port, CLIENT_STATE), createLogger('silent'), { store: openSqliteStore({ path: ':memory:' }), graph: env.client() });
    await eventually(async () => env.graph.subscriptions(TENANT_A).length > 0, 30_000, "the app's Graph subscription");
    connector.installFor(OLGA.aadObjectId);
    assert.equal(await postPersonalInstall(port, { serviceUrl: connector.serviceUrl, tenantId: TENANT_A, chatId: OLGA_CHAT, user: OLGA }), 200);
  });

  after(async () => {
    await app?.stop();
    await app?.store.close();
    await connector?.stop();
    await env?.close();
  });

  for (const { n, stage, reason, title, words } of STAGES) {
    it(`stage ${stage}: a good, unrated call that failed gets a card saying so, with Graph's reason`, async () => {
      const cards = await notify(record(callId(n), { failureInfo: { stage, reason } }));
      assert.equal(cards.length, 1, 'one card in the organizer\'s chat');
      const text = cardText(cards[0]);
      assert.equal(text.split('\n')[0], title);
      assert.ok(text.includes(`The session between Abbie Wilkins and Owen Franklin ${words}. Graph's reason: “${reason}”.`), text);
      assert.ok(cardStrings(cards[0]).includes(callId(n)), "the call's id");
      // The report keeps `alert` about quality and ratings; the stored decision is the failure's.
      const stored = await app.store.reports.getReport(TENANT_A, callId(n));
      assert.equal((stored!.report as CallQualityReport).alert, false);
      assert.deepEqual((stored!.report as CallQualityReport).failures?.map((failure) => [failure.stage, failure.reason]), [[stage, reason]]);
      assert.equal(stored!.alert, true);
      const kept = decodeCallHistory((await app.store.history.getCall(TENANT_A, callId(n)))!.summary);
      assert.deepEqual(kept.failures, [{ stage, reason }]);
      assert.equal(kept.alert, true);
    });
  }

  it('sends nothing for a good, unrated call that did not fail', async () => {
    assert.deepEqual(await notify(record(callId(5))), []);
    assert.equal((await app.store.reports.getReport(TENANT_A, callId(5)))?.alert, false);
  });

  it('flags a poor call nobody rated as a mismatch on its card', async () => {
    const [card] = await notify(record(callId(6), { poor: true }));
    assert.match(cardText(card), /^Poor call quality\n/);
    assert.match(cardText(card), /\nMismatch: the streams were poor, yet nobody rated the call\./);
  });

  it('flags a call rated bad whose streams were all good as a mismatch on its card', async () => {
    const [card] = await notify(record(callId(7), { rating: 'bad' }));
    assert.match(cardText(card), /^Poor call rating\n/);
    assert.match(cardText(card), /\nMismatch: rated bad or poor, yet every measured stream was within the thresholds\./);
  });

  it('lists the failed calls and the mismatches in recent, each with its marker', async () => {
    const lines = cardText(await ask('recent 10')).split('\n');
    // Each row reads: organizer, start, verdict, why, call id. The calls share a start time, so each
    // row is found by its call id rather than by its place.
    const rowOf = (id: string) => {
      const index = lines.indexOf(id);
      assert.ok(index >= 4, `${id} is listed`);
      return lines.slice(index - 2, index);
    };
    assert.deepEqual(rowOf(callId(1)), ['Failed', 'set-up failure']);
    assert.deepEqual(rowOf(callId(2)), ['Failed', 'dropped']);
    assert.deepEqual(rowOf(callId(3)), ['Failed', 'failed']);
    assert.deepEqual(rowOf(callId(4)), ['Failed', 'failed']);
    assert.deepEqual(rowOf(callId(6)), ['Poor', 'Jitter 90 ms (poor above 30 ms) · ≠ poor, nobody rated']);
    assert.deepEqual(rowOf(callId(7)), ['Rated low', 'rated bad · ≠ rated low, measured good']);
    assert.ok(!lines.includes(callId(5)), 'the call without an alert is not listed');
  });

  it('counts the failed calls of the last 24 hours in status', async () => {
    const lines = cardText(await ask('status')).split('\n');
    const label = lines.indexOf('Failed calls (24 h)');
    assert.ok(label >= 0, 'the status card has the figure');
    assert.equal(lines[label + 1], '4', 'one call per documented stage');
  });
});

describe('call failures with ALERT_FAILURES=off', function () {
  this.timeout(30_000);
  let env: GraphTestEnvironment;
  let store: Store;

  before(async () => {
    env = await startGraphTestEnvironment();
  });
  after(async () => {
    await env.close();
  });
  beforeEach(() => {
    store = openSqliteStore({ path: ':memory:' });
  });
  afterEach(() => store.close());

  function worker(alertFailures: boolean): InboxWorker {
    return new InboxWorker({
      store,
      source: env.client(),
      logger: createLogger('silent'),
      status: new IngestStatus(),
      scoringFor: async () => resolveScoringOptions(),
      alertFailures,
    });
  }

  it('queues no alert for a call that only failed, but keeps the failure in the report and the history', async () => {
    const id = callId(21);
    env.graph.putRecord(record(id, { failureInfo: { stage: 'midcall', reason: 'NetworkDisconnected' } }));
    await store.inbox.enqueue([{ tenantId: TENANT_A, callId: id, source: 'notification' }], Date.now());
    assert.deepEqual(await worker(false).drainOnce(), ['scored']);
    assert.deepEqual(await store.reports.listAlertJobs(TENANT_A, id), []);
    const stored = await store.reports.getReport(TENANT_A, id);
    assert.equal(stored?.alert, false);
    assert.equal((stored!.report as CallQualityReport).failures?.length, 1);
    const kept = decodeCallHistory((await store.history.getCall(TENANT_A, id))!.summary);
    assert.deepEqual(kept.failures, [{ stage: 'midcall', reason: 'NetworkDisconnected' }]);
    assert.equal(kept.alert, false);
  });

  it('still alerts on a failed call that alerts for its quality, the failure on its card', async () => {
    const id = callId(22);
    env.graph.putRecord(record(id, { failureInfo: { stage: 'callSetup', reason: 'r' }, poor: true }));
    await store.inbox.enqueue([{ tenantId: TENANT_A, callId: id, source: 'notification' }], Date.now());
    assert.deepEqual(await worker(false).drainOnce(), ['scored']);
    assert.deepEqual((await store.reports.listAlertJobs(TENANT_A, id)).map((job) => job.version), [1]);
    assert.equal((await store.reports.getReport(TENANT_A, id))?.alert, true);
  });
});
