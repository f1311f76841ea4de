import assert from 'node:assert/strict';
import { startApp, type RunningApp } from '../src/app';
import { createLogger } from '../src/logger';
import { openSqliteStore } from '../src/store';
import { TENANT_A, startGraphTestEnvironment, type GraphTestEnvironment } from './graph/graph-test-environment';
import { freePort } from './support/free-port';
import { loadFixture } from './support/graph-fixtures';
import { LoopbackBotConnector } from './support/loopback-bot-connector';
import { askInPersonalChat, postPersonalInstall } from './support/personal-install';

const CLIENT_STATE = 'app-wiring-client-state-0123456789';
const ORGANIZER = { id: '29:abbie', name: 'Abbie Wilkins', aadObjectId: '821809f5-0000-4000-8000-3b5136c0e777' };
const CHAT = 'a:chat-with-abbie';

/** The 2024 fixture under a new id, organized by ORGANIZER, with a poor jitter (an alert). */
function poorRecord(id: string): Record<string, unknown> {
  const record = structuredClone(loadFixture('callrecord-v1-expanded-2024.json')) as any;
  delete record['sessions@odata.nextLink'];
  record.id = id;
  record.version = 1;
  record.organizer = { user: { id: ORGANIZER.aadObjectId, displayName: ORGANIZER.name, tenantId: TENANT_A } };
  const stream = record.sessions[0].segments[0].media[0].streams[0];
  stream.packetUtilization = 5000;
  stream.averageJitter = 'PT0.090S';
  return record;
}

describe('app: the wiring of ingest and the bot', function () {
  this.timeout(60_000);
  let env: GraphTestEnvironment;
  let connector: LoopbackBotConnector;
  let app: RunningApp;
  let port: number;

  before(async () => {
    env = await startGraphTestEnvironment();
    connector = await new LoopbackBotConnector().start();
    port = await freePort();
    const config = env.appConfig(port, CLIENT_STATE);
    // The delivery would sleep two minutes between idle rounds: only a wake makes it deliver sooner.
    app = await startApp(config, createLogger('silent'), { store: openSqliteStore({ path: ':memory:' }), graph: env.client(), bot: { delivery: { idleMs: 120_000 } } });
  });
  after(async () => {
    await app.stop();
    await app.store.close();
    await connector.stop();
    await env.close();
  });

  it("wakes the alert delivery when the worker queues an alert, so the organizer's card comes at once", async () => {
    connector.installFor(ORGANIZER.aadObjectId);
    const install = await postPersonalInstall(port, { serviceUrl: connector.serviceUrl, tenantId: TENANT_A, chatId: CHAT, user: ORGANIZER });
    assert.equal(install, 200);
    const welcome = connector.posts(CHAT).length;
    // Let the delivery run its first (empty) round and go to sleep.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const [subscription] = env.graph.subscriptions(TENANT_A);
    const id = 'bbbbbbbb-0000-4000-8000-000000000001';
    env.graph.putRecord(poorRecord(id));
    const sentAt = Date.now();
    assert.deepEqual(await env.graph.sendNotifications(TENANT_A, [id], { subscriptionId: subscription!.id }), [202]);
    await connector.waitFor(() => connector.posts(CHAT).length > welcome, 20_000);
    const elapsed = Date.now() - sentAt;
    assert.ok(elapsed < 60_000, `the card came after ${elapsed} ms, not after the idle wait`);
    const [card] = connector.cardsIn(connector.posts(CHAT).slice(welcome));
    assert.match(JSON.stringify(card), /Poor call quality/);
    assert.deepEqual((await app.store.reports.listAlertJobs(TENANT_A, id)).map((job) => job.version), [1]);
  });

  it("answers the organizer's \"check\" with the call's card, its sessions fetched from Graph over several pages", async () => {
    connector.installFor(ORGANIZER.aadObjectId);
    assert.equal(await postPersonalInstall(port, { serviceUrl: connector.serviceUrl, tenantId: TENANT_A, chatId: CHAT, user: ORGANIZER }), 200);
    const id = 'bbbbbbbb-0000-4000-8000-000000000002';
    const record = poorRecord(id);
    // Ten more sessions of good audio after the poor one, served three to a page.
    const [first] = record.sessions as Array<Record<string, unknown>>;
    const good = structuredClone(first) as any;
    good.segments[0].media[0].streams[0] = { ...good.segments[0].media[0].streams[0], averageJitter: 'PT0.002S', packetUtilization: 5000 };
    record.sessions = [first, ...Array.from({ length: 10 }, (_, index) => ({ ...structuredClone(good), id: `good-session-${index}` }))];
    env.graph.putRecord(record, { sessionPageSize: 3 });
    const before = env.graph.requests.length;
    const card = await askInPersonalChat({ port, connector, tenantId: TENANT_A, chatId: CHAT, user: ORGANIZER }, `check ${id}`, { id: 'check-message-1' });
    assert.match(JSON.stringify(card), /Poor call quality/);
    const pages = env.graph.requests.slice(before).filter((request) => request.operation === 'getSessionsPage' && request.status === 200);
    assert.equal(pages.length, 3, 'the sessions after the first page came in three more pages');
  });
});
