import assert from 'node:assert/strict';
import { createLogger } from '../../src/logger';
import { startApp, type RunningApp } from '../../src/app';
import { openSqliteStore } from '../../src/store';
import { TENANT_A, startGraphTestEnvironment, type GraphTestEnvironment } from '../graph/graph-test-environment';
import { freePort } from '../support/free-port';
import { loadFixture } from '../support/graph-fixtures';
import { LoopbackBotConnector } from '../support/loopback-bot-connector';
import { postPersonalInstall } from '../support/personal-install';

const CLIENT_STATE = 'not-there-yet-client-state-0123456789';
const CALL_ID = 'bbbbbbbb-0000-4000-8000-000000000003';
/** How long Graph answers 404 after the notification, and the longest the card may wait after that. */
const APPEARS_AFTER_MS = 3_000;
const ALERT_WITHIN_MS = 15_000;
const ORGANIZER = { id: '29:organizer', name: 'Olga Organizer', aadObjectId: '0f0f0f0f-0000-4000-8000-00000000a003' };
const CHAT = 'a:chat-with-olga';

/** The 2024 seed record (rated "poor": an alert is due) as a call that ended ten minutes ago. */
function seedRecord(): Record<string, unknown> {
  const record = structuredClone(loadFixture('callrecord-v1-expanded-2024.json')) as Record<string, unknown>;
  delete record['sessions@odata.nextLink'];
  record.id = CALL_ID;
  record.version = 1;
  record.startDateTime = new Date(Date.now() - 40 * 60_000).toISOString();
  record.endDateTime = new Date(Date.now() - 10 * 60_000).toISOString();
  record.organizer = { user: { id: ORGANIZER.aadObjectId, displayName: ORGANIZER.name, tenantId: TENANT_A } };
  return record;
}

async function until<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * One end-to-end run, on the real clock, of what the retry policy's tests check step by step
 * (test/ingest/retry-policy.test.ts): Graph notifies a call but answers 404 for its record for
 * 3 s, as it often does; the running app fetches it and posts the organizer's card within 15 s of
 * its appearing, without crossing Graph's per-record limit.
 */
describe('a call record that is not there yet when its notification arrives', function () {
  this.timeout(60_000);
  let env: GraphTestEnvironment;
  let app: RunningApp;
  let connector: LoopbackBotConnector;

  before(async () => {
    env = await startGraphTestEnvironment({ enforceLimits: true });
    connector = await new LoopbackBotConnector().start();
    const port = await freePort();
    const config = env.appConfig(port, CLIENT_STATE);
    app = await startApp(config, createLogger('silent'), { store: openSqliteStore({ path: ':memory:' }), graph: env.client() });
    await until(async () => env.graph.subscriptions(TENANT_A).length > 0, 'the Graph subscription', 15_000);
    connector.installFor(ORGANIZER.aadObjectId);
    assert.equal(await postPersonalInstall(port, { serviceUrl: connector.serviceUrl, tenantId: TENANT_A, chatId: CHAT, user: ORGANIZER }), 200);
  });
  after(async () => {
    await app?.stop();
    await app?.store.close();
    await env?.close();
    await connector?.stop();
  });

  it("is fetched and its card posted to the organizer within 15 s of appearing, within the per-record limit", async () => {
    const welcome = connector.posts(CHAT).length;
    env.graph.putRecord(seedRecord());
    const notifiedAt = Date.now();
    const appearsAt = notifiedAt + APPEARS_AFTER_MS;
    env.graph.setNotFoundUntil(CALL_ID, appearsAt);
    const [subscription] = env.graph.subscriptions(TENANT_A);
    assert.deepEqual(await env.graph.sendNotifications(TENANT_A, [CALL_ID], { subscriptionId: subscription!.id }), [202]);

    await connector.waitFor(() => connector.posts(CHAT).length > welcome, APPEARS_AFTER_MS + ALERT_WITHIN_MS + 10_000);
    const posted = connector.posts(CHAT).slice(welcome);
    const postedAt = posted[0]!.at;
    const cards = connector.cardsIn(posted);
    assert.equal(cards.length, 1, 'one card');
    assert.match(JSON.stringify(cards[0]), new RegExp(CALL_ID), "the call's card");
    assert.ok(postedAt - appearsAt <= ALERT_WITHIN_MS, `the card was posted ${postedAt - appearsAt} ms after the record appeared`);
    assert.deepEqual((await app.store.reports.listAlertJobs(TENANT_A, CALL_ID)).map((job) => job.version), [1]);

    const fetches = env.graph.requests.filter((request) => request.callId === CALL_ID && request.operation === 'getCallRecord');
    assert.ok(fetches.some((request) => request.status === 404), 'Graph answered 404 first: the record really was not there yet');
    const found = fetches.find((request) => request.status === 200);
    assert.ok(found && found.at >= appearsAt, 'fetched once it appeared');
    assert.ok(fetches.filter((request) => request.status === 404).length >= 2, 'tried again within the 3 s, not minutes later');
    assert.equal(env.graph.stats.throttledByLimits, 0, 'no request crossed a Graph limit');
    assert.ok(env.graph.stats.peakInWindow.perCallRecord <= 40, `at most 40 requests in 20 s for the record (${env.graph.stats.peakInWindow.perCallRecord})`);
  });
});
