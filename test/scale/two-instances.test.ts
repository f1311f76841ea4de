import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Store } from '../../src/store';
import { openAzureStore } from '../../src/store/azure';
import { executeActions } from '../bot/card-inspection';
import { startAzurite, type AzuriteInstance } from '../support/azurite';
import { freePort } from '../support/free-port';
import { LoopbackBotConnector, type ConnectorRequest } from '../support/loopback-bot-connector';
import { createLoopbackTlsCertificate } from '../support/loopback-certificates';
import { startLoopbackGraph, type LoopbackGraph } from '../support/loopback-graph';
import { startLoopbackTokenServer, type LoopbackTokenServer } from '../support/loopback-token-server';
import { seededRandom, type Random } from '../support/seeded-random';
import { loadFixture } from '../support/graph-fixtures';

const ROOT = path.resolve(__dirname, '../..');
/** The tenant of the seed record's organizer, so organizer chats and the Graph tenant agree. */
const TENANT = 'dc368399-474c-4d40-900c-6265431fd81f';
const CLIENT_ID = '44444444-4444-4444-8444-444444444444';
const CLIENT_SECRET = 'two-instances-secret~value';
const CLIENT_STATE = 'two-instances-client-state-0123456789';
const BOT = { id: '28:00000000-0000-0000-0000-00000000b07b', name: 'Call Quality' };
const ADMIN = { id: '29:ada', name: 'Ada Admin', aadObjectId: 'aaaaaaaa-0000-4000-8000-00000000ad01' };
const TEAM = { id: '19:it-ops@thread.tacv2', name: 'IT Ops', aadGroupId: '0000000a-0000-4000-8000-0000000000a1' };
const ALERTS_CHANNEL = { id: '19:call-alerts@thread.tacv2', name: 'Call alerts' };

const CALLS = 100;
/** Call i is organized by organizer i % ORGANIZERS: two calls each. */
const ORGANIZERS = 50;
/**
 * Calls CALLS … CALLS + RACE_CALLS - 1 come afterwards, one per organizer of their own (installed):
 * their first card is held up by Teams (429, Retry-After 3 s) in whichever instance delivers it,
 * while version 2 arrives and the other instance picks up its alert.
 */
const RACE_CALLS = 4;
const TOTAL_CALLS = CALLS + RACE_CALLS;
/** Calls that get a version 2 half-way through (and every race call). */
const isUpdated = (index: number) => index % 3 === 0 || index >= CALLS;
const organizerOf = (index: number) => (index < CALLS ? index % ORGANIZERS : ORGANIZERS + index - CALLS);
/** Calls with a poor stream: the only ones the admins' channel gets (ALERT_CHANNEL_POLICY=poor). */
const POOR = new Set([3, 48, 97]);
/** Organizers who installed the app (personal scope); the others cannot be reached. */
const isInstalled = (organizer: number) => organizer % 2 === 0 || organizer >= ORGANIZERS;
const ALL_ORGANIZERS = Array.from({ length: ORGANIZERS + RACE_CALLS }, (_, organizer) => organizer);
// Every conversation gets at most 3 new cards and 3 updates over the whole test, which fits Teams'
// per-conversation limits (7 / 1 s, 8 / 2 s) even for one instance alone: no card is ever folded
// into a digest, so each alert is exactly one POST and each newer version exactly one PUT.

const seed = loadFixture('callrecord-v1-expanded-2024.json') as Record<string, unknown>;

const callId = (index: number) => `eeeeeeee-0000-4000-8000-${String(index).padStart(12, '0')}`;
const indexOf = (id: string) => Number(id.slice(-12));
const organizerAad = (organizer: number) => `0a0a0a0a-0000-4000-8000-${String(organizer).padStart(12, '0')}`;
const organizerChat = (organizer: number) => `a:chat-with-organizer-${organizer}`;

/** A copy of the 2024 seed record (a participant rated it poor, so it alerts) as call `index`. */
function callRecord(index: number, version: number): Record<string, unknown> {
  const copy = structuredClone(seed) as Record<string, any>;
  delete copy['sessions@odata.nextLink'];
  const organizer = organizerOf(index);
  copy.id = callId(index);
  copy.version = version;
  copy.startDateTime = new Date(Date.now() - 30 * 60_000).toISOString();
  copy.endDateTime = new Date(Date.now() - 5 * 60_000).toISOString();
  copy.lastModifiedDateTime = new Date().toISOString();
  copy.organizer = { user: { id: organizerAad(organizer), displayName: `Organizer ${organizer}`, tenantId: TENANT } };
  if (POOR.has(index)) {
    // 90 ms of jitter on the first audio stream: poor by CQD's thresholds (30 ms).
    const stream = copy.sessions[0].segments[0].media[0].streams[0];
    stream.packetUtilization = 5000;
    stream.averageJitter = 'PT0.090S';
  }
  return copy;
}

/** One call-record GET as the bot's Graph client made it, seen by the recording proxy. */
interface GraphFetch {
  callId: string;
  startedAt: number;
  endedAt: number;
  status: number;
  /** The `version` of the record served, when the answer was a record. */
  version: number | undefined;
}

/**
 * A recording HTTP proxy in front of the loopback Graph: logs when each call-record GET began and
 * when its answer ended, and which version it carried (the loopback logs only arrivals, and a
 * record replaced meanwhile would make the version ambiguous).
 */
async function startRecordingProxy(target: string, log: GraphFetch[]): Promise<{ url: string; origin: string; close(): Promise<void> }> {
  const targetUrl = new URL(target);
  const server = http.createServer((request, response) => {
    const startedAt = Date.now();
    const match = /^\/v1\.0\/communications\/callRecords\/([^/?()']+)(\?|$)/.exec(request.url ?? '');
    const upstream = http.request(
      { host: targetUrl.hostname, port: targetUrl.port, method: request.method, path: request.url, headers: { ...request.headers, host: targetUrl.host } },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const body = Buffer.concat(chunks);
          if (request.method === 'GET' && match) {
            let version: number | undefined;
            try {
              const parsed = JSON.parse(body.toString('utf8')) as { version?: unknown };
              version = typeof parsed.version === 'number' ? parsed.version : undefined;
            } catch {
              version = undefined;
            }
            log.push({ callId: decodeURIComponent(match[1]!), startedAt, endedAt: Date.now(), status: answer.statusCode ?? 0, version });
          }
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          response.end(body);
        });
      },
    );
    upstream.on('error', (error) => {
      response.writeHead(502, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { code: 'ProxyFailure', message: error.message } }));
    });
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/v1.0`,
    origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** One bot process. */
interface Instance {
  name: string;
  port: number;
  child: ChildProcess;
  output: string;
}

/** One change notification the test delivered, with when its POST began and was answered. */
interface SentNotification {
  callId: string;
  instance: string;
  sentAt: number;
  answeredAt: number;
}

function shuffle<T>(items: T[], random: Random): T[] {
  for (let index = items.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [items[index], items[other]] = [items[other]!, items[index]!];
  }
  return items;
}

async function poll(condition: () => Promise<boolean>, timeoutMs: number, what: () => string | Promise<string>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for ${await what()}.`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The alert cards (not help or welcome cards) a recorded request carried: call id and version. */
function alertCardsOf(connector: LoopbackBotConnector, request: ConnectorRequest): { callId: string; version: number }[] {
  return connector.cardsIn([request]).flatMap((card) => {
    const data = executeActions(card).find((action) => typeof action.data.callId === 'string' && typeof action.data.version === 'number')?.data;
    return data ? [{ callId: data.callId as string, version: data.version as number }] : [];
  });
}

function isDigest(connector: LoopbackBotConnector, request: ConnectorRequest): boolean {
  return connector.cardsIn([request]).some((card) => JSON.stringify(card).includes('Call quality digest'));
}

/**
 * Scale-out: two processes of the real entry point (`src/index.ts`, STORE=azure) share one Azurite,
 * one loopback Graph (behind a recording proxy) and one loopback Bot Connector. Bursts of change
 * notifications with duplicates go to both; version 2 of a third of the calls appears mid-burst;
 * late duplicates follow; and a version 2 races the delivery of version 1's card held up by a 429.
 * It proves: no call is ever fetched by both instances at once, every fetch was caused by its own
 * notification, each version is recorded (and its alert decided) once, the newest version is kept,
 * each alert is one POST per conversation and each newer version one PUT of that same message,
 * nothing is lost, and both instances did work.
 */
describe('two bot processes on one Azure Storage (Azurite), one Graph and one Bot Connector', function () {
  this.timeout(180_000);
  let azurite: AzuriteInstance;
  let tokens: LoopbackTokenServer;
  let graph: LoopbackGraph;
  let proxy: { url: string; origin: string; close(): Promise<void> };
  let connector: LoopbackBotConnector;
  let dir: string;
  const fetches: GraphFetch[] = [];
  const instances: Instance[] = [];

  before(async () => {
    const tls = await createLoopbackTlsCertificate();
    dir = mkdtempSync(path.join(os.tmpdir(), 'cqb-two-'));
    writeFileSync(path.join(dir, 'ca.pem'), tls.cert);
    [azurite, tokens, connector] = await Promise.all([
      startAzurite(),
      startLoopbackTokenServer({ tls, apps: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }], tenants: [TENANT] }),
      new LoopbackBotConnector().start(),
    ]);
    // Tokens are issued for the proxy's origin (the bot's GRAPH_BASE_URL); the loopback Graph checks them for it.
    let proxyOrigin = '';
    graph = await startLoopbackGraph({
      verifyAccessToken: (token) => {
        const claims = tokens.verifyAccessToken(token);
        return claims && claims.aud === proxyOrigin ? { tid: claims.tid } : undefined;
      },
    });
    proxy = await startRecordingProxy(graph.url, fetches);
    proxyOrigin = proxy.origin;
  });

  after(async () => {
    await Promise.all(instances.map((instance) => stopInstance(instance)));
    await Promise.all([proxy?.close(), graph?.close(), tokens?.close(), connector?.stop(), azurite?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function startInstance(name: string, env: NodeJS.ProcessEnv): Promise<Instance> {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/index.ts')], { env: { ...env, PORT: String(port) }, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const instance: Instance = { name, port, child, output: '' };
    instances.push(instance);
    child.stdout!.on('data', (chunk) => (instance.output += chunk));
    child.stderr!.on('data', (chunk) => (instance.output += chunk));
    const deadline = Date.now() + 45_000;
    for (;;) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return instance;
      } catch {
        // not listening yet
      }
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`Instance ${name} did not start:\n${instance.output.slice(-4_000)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function stopInstance(instance: Instance): Promise<void> {
    const { child } = instance;
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  /** Posts an activity to an instance's /api/messages as Teams would (no authentication: BOT_ID is unset). */
  async function sendActivity(instance: Instance, activity: Record<string, unknown>): Promise<void> {
    const response = await fetch(`http://127.0.0.1:${instance.port}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    await response.text();
    assert.equal(response.status, 200, `${instance.name} answered ${response.status} to a ${String(activity.type)} activity`);
  }

  let activitySequence = 0;
  const activityBase = (conversation: Record<string, unknown>, from: { id: string; name: string; aadObjectId: string }, channelData: Record<string, unknown>) => ({
    id: `incoming-${++activitySequence}`,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: connector.serviceUrl,
    from,
    recipient: BOT,
    conversation,
    channelData: { tenant: { id: TENANT }, ...channelData },
    locale: 'en-US',
  });

  it('fetches each record once per notification it could not coalesce, processes each version once and sends each alert once', async () => {
    const random = seededRandom(Number(process.env.TWO_INSTANCES_SEED ?? 20260315));
    const prefix = `two${Date.now().toString(36)}`;
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      DATA_DIR: path.join(dir, 'data'),
      LOG_LEVEL: 'info',
      STORE: 'azure',
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
      AZURE_STORAGE_PREFIX: prefix,
      GRAPH_TENANT_IDS: TENANT,
      GRAPH_CLIENT_ID: CLIENT_ID,
      GRAPH_CLIENT_SECRET: CLIENT_SECRET,
      GRAPH_BASE_URL: proxy.url,
      AUTHORITY_HOST: tokens.url,
      NOTIFICATION_CLIENT_STATE: CLIENT_STATE,
      NODE_EXTRA_CA_CERTS: path.join(dir, 'ca.pem'),
      ADMIN_USER_IDS: ADMIN.aadObjectId,
      ALERT_CHANNEL_POLICY: 'poor',
      // Long enough that no lease runs out while its holder still works (nothing crashes here),
      // short enough that a stuck one would not outlast the test.
      WORKER_LEASE_SECONDS: '20',
      WORKER_CONCURRENCY: '8',
    };
    const [first, second] = await Promise.all([startInstance('A', env), startInstance('B', env)]);
    const both = [first!, second!];

    // The app added to the team, the admins' channel chosen, and the app installed by half the organizers.
    await sendActivity(first!, {
      ...activityBase({ isGroup: true, conversationType: 'channel', tenantId: TENANT, id: TEAM.id }, ADMIN, {
        eventType: 'teamMemberAdded',
        team: TEAM,
        channel: { id: TEAM.id, name: 'General' },
      }),
      type: 'conversationUpdate',
      membersAdded: [{ id: BOT.id }],
    });
    const mention = `<at>${BOT.name}</at>`;
    await sendActivity(second!, {
      ...activityBase({ isGroup: true, conversationType: 'channel', tenantId: TENANT, id: `${ALERTS_CHANNEL.id};messageid=1000` }, ADMIN, {
        teamsTeamId: TEAM.id,
        teamsChannelId: ALERTS_CHANNEL.id,
        team: TEAM,
        channel: ALERTS_CHANNEL,
      }),
      type: 'message',
      text: `${mention} alert here`,
      textFormat: 'plain',
      entities: [{ type: 'mention', mentioned: BOT, text: mention }],
    });
    const installed = ALL_ORGANIZERS.filter(isInstalled);
    await Promise.all(
      installed.map((organizer, position) =>
        sendActivity(both[position % 2]!, {
          ...activityBase(
            { conversationType: 'personal', tenantId: TENANT, id: organizerChat(organizer) },
            { id: `29:organizer-${organizer}`, name: `Organizer ${organizer}`, aadObjectId: organizerAad(organizer) },
            { source: { name: 'message' } },
          ),
          type: 'installationUpdate',
          action: 'add',
        }),
      ),
    );

    const allIds = Array.from({ length: TOTAL_CALLS }, (_, index) => callId(index));
    const ids = allIds.slice(0, CALLS);
    const raceIds = allIds.slice(CALLS);
    for (let index = 0; index < CALLS; index += 1) graph.putRecord(callRecord(index, 1));
    const updated = ids.filter((id) => isUpdated(indexOf(id)));

    const sent: SentNotification[] = [];
    const notify = async (instance: Instance, batch: string[], changeType: 'created' | 'updated') => {
      const sentAt = Date.now();
      const response = await fetch(`http://127.0.0.1:${instance.port}/api/notifications`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          value: batch.map((id) => ({
            subscriptionId: 'subscription-1',
            clientState: CLIENT_STATE,
            changeType,
            resource: `communications/callRecords/${id}`,
            resourceData: { '@odata.type': '#Microsoft.Graph.callRecord', '@odata.id': `communications/callRecords/${id}`, id },
            tenantId: TENANT,
          })),
        }),
      });
      await response.text();
      assert.equal(response.status, 202, `${instance.name} answered ${response.status} to a notification POST`);
      const answeredAt = Date.now();
      for (const id of batch) sent.push({ callId: id, instance: instance.name, sentAt, answeredAt });
    };
    /**
     * A burst as Graph delivers it to a scaled-out app: every call `copies` times, at least once to
     * each instance, in batches of 1 to 8, shuffled, several POSTs at once.
     */
    const burst = async (calls: string[], copies: number, changeType: 'created' | 'updated') => {
      const copiesFor = new Map<string, string[]>([
        ['A', []],
        ['B', []],
      ]);
      for (const id of calls) {
        for (let copy = 0; copy < copies; copy += 1) copiesFor.get(copy === 0 ? 'A' : copy === 1 ? 'B' : random() < 0.5 ? 'A' : 'B')!.push(id);
      }
      const posts: Array<() => Promise<void>> = [];
      for (const instance of both) {
        const queue = shuffle(copiesFor.get(instance.name)!, random);
        while (queue.length > 0) {
          const batch = queue.splice(0, 1 + Math.floor(random() * 8));
          posts.push(() => notify(instance, batch, changeType));
        }
      }
      shuffle(posts, random);
      let next = 0;
      await Promise.all(
        Array.from({ length: 6 }, async () => {
          while (next < posts.length) await posts[next++]!();
        }),
      );
    };

    const reader: Store = await openAzureStore({ connectionString: azurite.connectionString }, { prefix });
    try {
      let expectedItems = CALLS;
      const drained = async () => {
        const inbox = await reader.inbox.stats(Date.now());
        const jobs = await reader.reports.alertJobStats();
        return inbox.byState.pending + inbox.byState.leased === 0 && inbox.byState.done + inbox.byState.dead === expectedItems && jobs.pending + jobs.leased === 0;
      };
      const progress = async () => JSON.stringify({ inbox: (await reader.inbox.stats(Date.now())).byState, alertJobs: await reader.reports.alertJobStats(), fetches: fetches.length });

      // Wave 1: every call created, three copies of each notification. Version 2 of a third of the
      // calls appears once a third of the records were fetched (alerts of version 1 are then
      // still being delivered), and their 'updated' notifications go out in the same burst.
      const firstWave = burst(ids, 3, 'created');
      const secondWave = (async () => {
        const deadline = Date.now() + 60_000;
        while (fetches.filter((fetch) => fetch.status === 200).length < CALLS / 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
        for (const id of updated) graph.putRecord(callRecord(indexOf(id), 2));
        await burst(updated, 2, 'updated');
      })();
      await Promise.all([firstWave, secondWave]);
      await poll(drained, 60_000, () => `both instances to process every record and deliver every alert (${fetches.length} fetches so far)`);

      // Wave 3: late duplicates of twenty calls, long after they were processed: each is fetched
      // again (a notification carries no version) but nothing is recorded or sent twice.
      const late = shuffle([...ids], random).slice(0, 20);
      await burst(late, 2, 'created');
      await poll(drained, 60_000, async () => `the late duplicates to be processed: ${await progress()}`);

      // The race: version 1's card held up in one instance (Teams answered 429, Retry-After 3 s)
      // while version 2 is recorded and its alert job is free for the other instance to take.
      for (const id of raceIds) connector.throttle(organizerChat(organizerOf(indexOf(id))), 1, 3);
      for (const id of raceIds) graph.putRecord(callRecord(indexOf(id), 1));
      expectedItems = TOTAL_CALLS;
      await burst(raceIds, 2, 'created');
      await poll(
        async () => raceIds.every((id) => connector.requests.some((request) => request.status === 429 && request.conversationId === organizerChat(organizerOf(indexOf(id))))),
        30_000,
        () => 'the first card of every race call to be refused with 429',
      );
      for (const id of raceIds) graph.putRecord(callRecord(indexOf(id), 2));
      await burst(raceIds, 2, 'updated');
      await poll(drained, 60_000, async () => `the race calls to be processed and delivered: ${await progress()}`);

      await Promise.all(both.map((instance) => stopInstance(instance)));

      // ---- Nothing lost. ----
      const inbox = await reader.inbox.stats(Date.now());
      assert.deepEqual(inbox.byState, { pending: 0, leased: 0, done: TOTAL_CALLS, dead: 0 }, 'every work item done, none given up');
      const jobStats = await reader.reports.alertJobStats();
      assert.equal(jobStats.dead + jobStats.pending + jobStats.leased, 0, `every alert job delivered: ${JSON.stringify(jobStats)}`);

      // ---- Graph: fetches never overlap for a call, each version fetched, each fetch paid for by its own notification. ----
      const fetchesOf = new Map<string, GraphFetch[]>();
      for (const fetch of fetches) fetchesOf.set(fetch.callId, [...(fetchesOf.get(fetch.callId) ?? []), fetch]);
      const notificationsOf = new Map<string, SentNotification[]>();
      for (const notification of sent) notificationsOf.set(notification.callId, [...(notificationsOf.get(notification.callId) ?? []), notification]);
      let extraFetches = 0;
      for (const id of allIds) {
        const own = (fetchesOf.get(id) ?? []).sort((a, b) => a.startedAt - b.startedAt);
        assert.ok(own.length >= 1, `${id} was fetched`);
        assert.ok(own.every((fetch) => fetch.status === 200 && (fetch.version === 1 || fetch.version === 2)), `${id}: every fetch answered with a record`);
        for (let k = 1; k < own.length; k += 1) {
          assert.ok(own[k]!.startedAt >= own[k - 1]!.endedAt, `${id}: fetch ${k + 1} began before fetch ${k} was answered: two instances held the call at once`);
        }
        const served = new Set(own.map((fetch) => fetch.version));
        const expected = isUpdated(indexOf(id)) ? 2 : 1;
        assert.ok(served.has(expected), `${id}: version ${expected} was fetched`);
        extraFetches += own.length - served.size;
        // A notification carries no version, so one that reaches the inbox while the call is being
        // fetched, or after, makes it fetched again (it may announce a newer version). What must
        // hold is that each fetch has a notification of its own: fetch k+1 needs one written after
        // the claim behind fetch k, which came after fetch k-1 was answered; so that notification
        // was answered after fetch k-1 ended, and sent before fetch k+1 began.
        const unused = [...(notificationsOf.get(id) ?? [])];
        own.forEach((fetch, k) => {
          const after = k >= 2 ? own[k - 2]!.endedAt : Number.NEGATIVE_INFINITY;
          const eligible = unused.filter((notification) => notification.sentAt < fetch.startedAt && notification.answeredAt > after).sort((a, b) => a.answeredAt - b.answeredAt);
          assert.ok(eligible.length > 0, `${id}: fetch ${k + 1} of ${own.length} was not caused by any notification of its own`);
          unused.splice(unused.indexOf(eligible[0]!), 1);
        });
      }

      // ---- Each version processed once; the newest kept. ----
      for (const id of allIds) {
        const index = indexOf(id);
        const expected = isUpdated(index) ? 2 : 1;
        const report = await reader.reports.getReport(TENANT, id);
        assert.equal(report?.version, expected, `${id} ends at version ${expected}`);
        assert.equal(report!.alert, true, `${id} alerts (a participant rated it poor)`);
        assert.equal(report!.quality, POOR.has(index) ? 'poor' : 'good', `${id} quality`);
        const jobs = await reader.reports.listAlertJobs(TENANT, id);
        const versions = jobs.map((job) => job.version);
        assert.equal(new Set(versions).size, versions.length, `${id}: one alert decision per version (${versions.join(', ')})`);
        assert.ok(versions.includes(expected), `${id}: an alert decision for version ${expected}`);
        const served = new Set((fetchesOf.get(id) ?? []).map((fetch) => fetch.version));
        assert.ok(versions.every((version) => served.has(version)), `${id}: decisions only for versions Graph served`);
        assert.ok(jobs.every((job) => job.state === 'done'), `${id}: every alert job done`);
      }

      // ---- Teams: one POST per call and conversation, newer versions as PUTs of that same message. ----
      assert.equal(connector.requests.filter((request) => isDigest(connector, request)).length, 0, 'no alert had to be folded into a digest');
      const expectations: Array<{ conversation: string; calls: string[] }> = [
        { conversation: ALERTS_CHANNEL.id, calls: ids.filter((id) => POOR.has(indexOf(id))) },
        ...installed.map((organizer) => ({ conversation: organizerChat(organizer), calls: allIds.filter((id) => organizerOf(indexOf(id)) === organizer) })),
      ];
      let posted = 0;
      let updates = 0;
      for (const { conversation, calls } of expectations) {
        const posts = connector.posts(conversation).flatMap((request) => alertCardsOf(connector, request));
        assert.deepEqual(posts.map((card) => card.callId).sort(), [...calls].sort(), `${conversation}: one new card for each of its calls, no more`);
        posted += posts.length;
        for (const id of calls) {
          const expected = isUpdated(indexOf(id)) ? 2 : 1;
          const post = posts.find((card) => card.callId === id)!;
          const puts = connector.updates(conversation).filter((request) => alertCardsOf(connector, request).some((card) => card.callId === id));
          updates += puts.length;
          const sentCard = await reader.sentCards.getSentCard(TENANT, id, conversation);
          assert.equal(sentCard?.cardType, 'alert', `${conversation}: the card for ${id} is recorded`);
          assert.equal(sentCard!.version, expected, `${conversation}: the recorded card for ${id} shows version ${expected}`);
          assert.ok(puts.every((request) => request.activityId === sentCard!.activityId), `${conversation}: updates of ${id} replace the message first posted`);
          const shown = [post.version, ...puts.flatMap((request) => alertCardsOf(connector, request).map((card) => card.version))];
          assert.ok(shown.every((version, k) => k === 0 || version > shown[k - 1]!), `${conversation}: ${id} posted and updated with versions ${shown.join(' → ')} (each newer)`);
          assert.equal(shown[shown.length - 1], expected, `${conversation}: ${id} last shows version ${expected}`);
        }
      }
      const unreachable = ALL_ORGANIZERS.filter((organizer) => !isInstalled(organizer));
      for (const organizer of unreachable) {
        assert.equal(connector.posts(`a:personal-${organizerAad(organizer)}`).length, 0, `organizer ${organizer} (no app) got no card`);
      }
      const allAlertPosts = connector.posts().flatMap((request) => alertCardsOf(connector, request));
      assert.equal(allAlertPosts.length, posted, 'no alert card went anywhere else');

      // ---- Both instances did the work. ----
      const scoredBy = both.map((instance) => instance.output.split('\n').filter((line) => line.includes('"msg":"call record scored"')).length);
      const roundsBy = both.map((instance) => instance.output.split('\n').filter((line) => line.includes('"msg":"alert delivery round"')).length);
      assert.ok(scoredBy.every((count) => count > 0), `both instances scored records (A ${scoredBy[0]}, B ${scoredBy[1]})`);
      for (const instance of both) {
        const errors = instance.output.split('\n').filter((line) => /"level":(50|60)/.test(line));
        assert.deepEqual(errors, [], `instance ${instance.name} logged no error`);
      }
      process.stdout.write(
        `      (Graph served ${fetches.length} record fetches for ${TOTAL_CALLS + updated.length + raceIds.length} versions, ${extraFetches} of them repeats caused by notifications that came while or after a call was fetched; ` +
          `records scored A ${scoredBy[0]} / B ${scoredBy[1]}, delivery rounds A ${roundsBy[0]} / B ${roundsBy[1]}; ${posted} cards posted, ${updates} updated)\n`,
      );
    } finally {
      await reader.close();
    }
  });
});
