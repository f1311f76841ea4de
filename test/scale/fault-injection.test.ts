import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { openSqliteStore, type Store } from '../../src/store';
import { alertCardsOf } from '../support/alert-cards';
import { killBotProcess, startBotProcess, stopBotProcess, type BotProcess } from '../support/bot-process';
import { freePort } from '../support/free-port';
import { assertSanitized, hostileMessage, HOSTILE_SIGNATURE, HOSTILE_TOKEN } from '../support/hostile-upstream';
import { LoopbackBotConnector } from '../support/loopback-bot-connector';
import { postPersonalInstall } from '../support/personal-install';
import { createLoopbackTlsCertificate } from '../support/loopback-certificates';
import { startLoopbackGraph, type LoopbackFault, type LoopbackFaultPlan, type LoopbackGraph } from '../support/loopback-graph';
import { startLoopbackTokenServer, type LoopbackTokenServer } from '../support/loopback-token-server';
import { seededRandom, type Random } from '../support/seeded-random';
import { SEED_RECORD_TENANT, seedCallRecord } from '../support/seed-call-record';
import { REPO_ROOT } from '../support/start-command';

const TENANT = SEED_RECORD_TENANT;
const CLIENT_ID = '55555555-5555-4555-8555-555555555555';
const CLIENT_SECRET = 'fault-injection-secret~value';
const CLIENT_STATE = 'fault-injection-client-state-0123456789';

/** A few hundred calls, three per organizer (well inside Teams' per-conversation limits, so no digest). */
const CALLS = 210;
const ORGANIZERS = 70;
/** Most kills, and the least time between two: every loop of the test is bounded. */
const MAX_KILLS = 5;
/**
 * Duplicate cards allowed per kill. The Bot Connector has no idempotency key, so a post whose
 * answer a kill cuts off may be made again by the next process; the delivery posts new cards one at
 * a time, so at most one is ever in that state (and its repeat says it may be a copy).
 */
const MOST_DUPLICATES_PER_KILL = 1;
/** The whole run (notifications, processing, delivery) must end within this. */
const RUN_DEADLINE_MS = 120_000;
/**
 * Most failing answers (not delays) Graph gives for one call record. Each failed attempt doubles the
 * item's back-off (1 s, 2 s, 4 s, ...), and a kill costs an attempt too: without a cap, one call in a
 * few hundred meets seven faults in a row now and then and is not due again before the deadline.
 */
const MOST_FAULTS_PER_CALL = 3;

const callId = (index: number) => `fa000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
const organizerOf = (index: number) => index % ORGANIZERS;
const organizerAad = (organizer: number) => `0f0f0f0f-0000-4000-8000-${String(organizer).padStart(12, '0')}`;
const organizerChat = (organizer: number) => `a:fault-chat-${organizer}`;
/** Calls whose answer can never be read whole: a foreign next link, or session pages that loop. */
const isForeign = (index: number) => index % 23 === 7;
const isLooping = (index: number) => index % 29 === 11;

/**
 * A random Graph fault for about a fifth of the requests (the rest are answered), with at most
 * {@link MOST_FAULTS_PER_CALL} failing answers per call record.
 */
function graphFaults(random: Random): LoopbackFaultPlan {
  const failures = new Map<string, number>();
  return ({ callId }) => {
    const fault = graphFault(random);
    if (!fault || fault.kind === 'delay' || callId === undefined) return fault;
    const count = failures.get(callId) ?? 0;
    if (count >= MOST_FAULTS_PER_CALL) return undefined;
    failures.set(callId, count + 1);
    return fault;
  };
}

function graphFault(random: Random): LoopbackFault | undefined {
  const draw = random();
  if (draw < 0.03) return { kind: 'status', status: 429, retryAfter: 1 };
  if (draw < 0.06) return { kind: 'status', status: 429 };
  if (draw < 0.08) return { kind: 'status', status: [500, 502, 503, 504][Math.floor(random() * 4)]! };
  // A 5xx whose message is hostile: 10 KB, line breaks, an echoed bearer token and a signed URL.
  if (draw < 0.1) return { kind: 'status', status: 503, message: hostileMessage(CLIENT_SECRET) };
  if (draw < 0.13) return { kind: 'reset' };
  if (draw < 0.15) return { kind: 'invalid-json' };
  if (draw < 0.2) return { kind: 'delay', ms: 200 + Math.floor(random() * 1_300) };
  return undefined;
}

/**
 * Fault injection: the COMPILED bot (`dist/src/index.js`, SQLite) against the loopback Graph,
 * token endpoint and Bot Connector, all three answering with random faults drawn from a seeded
 * PRNG (Graph: 429 with and without Retry-After, 5xx, hostile messages, reset connections, slow
 * answers, bodies that are not JSON; some records with a foreign or looping next link; the token
 * endpoint: 429, 5xx, hostile refusals, resets and slow answers; Teams: 429 and 5xx), while the bot is killed with SIGKILL
 * at random moments. It reports, in one line, the calls notified, decided once, dead with a
 * reason, the cards posted and the duplicates per kill; and asserts that nothing was lost, every
 * dead item has a reason (and only the unreadable records died), every other call was decided
 * exactly once and got its card, no upstream text reached a log or the inbox unsanitised, no card
 * was doubled before the first kill, and at most {@link MOST_DUPLICATES_PER_KILL} per kill.
 */
describe('fault injection: the compiled bot under random faults and SIGKILLs', function () {
  this.timeout(200_000);
  let graph: LoopbackGraph;
  let tokens: LoopbackTokenServer;
  let connector: LoopbackBotConnector;
  let dir: string;
  let bot: BotProcess | undefined;

  before(async () => {
    const tls = await createLoopbackTlsCertificate();
    dir = mkdtempSync(path.join(os.tmpdir(), 'cqb-faults-'));
    writeFileSync(path.join(dir, 'ca.pem'), tls.cert);
    [tokens, connector] = await Promise.all([
      startLoopbackTokenServer({ tls, apps: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }], tenants: [TENANT] }),
      new LoopbackBotConnector().start(),
    ]);
    graph = await startLoopbackGraph({ verifyAccessToken: tokens.verifyAccessToken });
  });

  after(async () => {
    if (bot) await killBotProcess(bot);
    await Promise.all([graph?.close(), tokens?.close(), connector?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('loses nothing, decides every readable call once, gives up the unreadable ones with a reason, and reports duplicates per kill', async () => {
    const seed = Number(process.env.FAULT_SEED ?? 20261202);
    const random = seededRandom(seed);
    const dataDir = path.join(dir, 'data');
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      GRAPH_TENANT_IDS: TENANT,
      GRAPH_CLIENT_ID: CLIENT_ID,
      GRAPH_CLIENT_SECRET: CLIENT_SECRET,
      GRAPH_BASE_URL: graph.url,
      AUTHORITY_HOST: tokens.url,
      NOTIFICATION_CLIENT_STATE: CLIENT_STATE,
      NODE_EXTRA_CA_CERTS: path.join(dir, 'ca.pem'),
      // A killed process's inbox leases run out quickly for the next one to take its items.
      WORKER_LEASE_SECONDS: '2',
      WORKER_CONCURRENCY: '8',
      // …and so do its alert-job leases.
      ALERT_LEASE_SECONDS: '2',
    };
    const outputs: string[] = [];
    const start = async () => {
      // Each start asks Entra ID for a token: now and then the first answer is a refusal to retry.
      const draw = random();
      // (After a 429 or 5xx msal holds the tenant's token requests back for the Retry-After, or a minute without one.)
      if (draw < 0.15) tokens.failNextTokenRequests(1, { status: 503, error: 'temporarily_unavailable', retryAfterSeconds: 1 });
      else if (draw < 0.25) tokens.failNextTokenRequests(1, { status: 429, error: 'temporarily_unavailable', description: 'AADSTS50196: The server terminated an operation because it encountered a client request loop.', retryAfterSeconds: 1 });
      else if (draw < 0.35) tokens.failNextTokenRequests(1, { status: 500, error: 'server_error', description: hostileMessage(CLIENT_SECRET), retryAfterSeconds: 2 });
      else if (draw < 0.45) tokens.resetNextTokenRequests(1);
      else if (draw < 0.55) tokens.delayNextTokenRequests(1, 500 + Math.floor(random() * 1_500));
      bot = await startBotProcess({ env, entry: 'compiled', port });
    };
    // Duplicate cards so far, counted at each kill: what appears between kill k and the next is kill k's.
    const duplicatesAtKill: number[] = [];
    const crash = async () => {
      duplicatesAtKill.push(duplicateCards(connector));
      await killBotProcess(bot!);
      outputs.push(bot!.output());
      await start();
    };

    const ids = Array.from({ length: CALLS }, (_, index) => callId(index));
    const unreadable = new Set(ids.filter((_, index) => isForeign(index) || isLooping(index)));
    for (const [index, id] of ids.entries()) {
      const organizer = organizerOf(index);
      graph.putRecord(seedCallRecord({ id, version: 1, organizer: { aadObjectId: organizerAad(organizer), displayName: `Organizer ${organizer}` } }), {
        ...(isForeign(index) ? { foreignNextLink: `https://graph.attacker.example/v1.0/communications/callRecords/${id}/sessions?$skiptoken=steal` } : {}),
        ...(isLooping(index) ? { loopingNextLink: true } : {}),
      });
    }

    await start();
    // Every organizer installed the app (personal scope): the bot keeps each chat's reference.
    for (let organizer = 0; organizer < ORGANIZERS; organizer += 1) {
      const status = await postPersonalInstall(port, {
        serviceUrl: connector.serviceUrl,
        tenantId: TENANT,
        chatId: organizerChat(organizer),
        user: { id: `29:organizer-${organizer}`, name: `Organizer ${organizer}`, aadObjectId: organizerAad(organizer) },
      });
      assert.equal(status, 200, `the installation of organizer ${organizer} was answered ${status}`);
    }

    // From now on Graph and Teams fail at random.
    graph.setFaultPlan(graphFaults(random));
    const connectorFaults = setInterval(() => {
      // One fault pending at most: faults piled up while the bot was idle would all hit its next card.
      connector.clearFaults('*');
      if (random() < 0.3) connector.throttle('*', 1, random() < 0.5 ? 1 : 0, [429, 429, 502, 503][Math.floor(random() * 4)]!);
    }, 500);

    const deadline = Date.now() + RUN_DEADLINE_MS;
    let notifiedCalls = 0;
    const notifications = (async () => {
      // Graph redelivers what was not answered 2xx; so does this loop, in batches of 1 to 12.
      for (let next = 0; next < ids.length; ) {
        const batch = ids.slice(next, next + 1 + Math.floor(random() * 12));
        for (;;) {
          // Past the deadline the settle loop below fails, saying how far this got.
          if (Date.now() > deadline) return;
          try {
            const response = await fetch(`http://127.0.0.1:${port}/api/notifications`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({
                value: batch.map((id) => ({ subscriptionId: 'sub', clientState: CLIENT_STATE, changeType: 'created', resource: `communications/callRecords/${id}`, resourceData: { id }, tenantId: TENANT })),
              }),
            });
            await response.text();
            if (response.status === 202) break;
          } catch {
            // the bot is down: it is restarted by the kill loop
          }
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        next += batch.length;
        notifiedCalls = next;
        await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 60)));
      }
    })();

    const reader: Store = openSqliteStore({ dataDir });
    let kills = 0;
    try {
      const settled = async () => {
        if (notifiedCalls < ids.length) return false;
        const inbox = await reader.inbox.stats(Date.now());
        const jobs = await reader.reports.alertJobStats();
        return inbox.byState.pending + inbox.byState.leased === 0 && inbox.byState.done + inbox.byState.dead === ids.length && jobs.pending + jobs.leased === 0;
      };
      const progress = async () => {
        const now = Date.now();
        const waiting = (await Promise.all(ids.map((id) => reader.inbox.get(TENANT, id)))).filter((item) => item && (item.state === 'pending' || item.state === 'leased'));
        const jobs = (await Promise.all(ids.map((id) => reader.reports.listAlertJobs(TENANT, id)))).flat().filter((job) => job.state === 'pending' || job.state === 'leased');
        return JSON.stringify({
          notifiedCalls,
          kills,
          inbox: (await reader.inbox.stats(now)).byState,
          alertJobs: await reader.reports.alertJobStats(),
          waiting: waiting.slice(0, 5).map((item) => ({ attempts: item!.attempts, dueInMs: item!.nextAttemptAt - now, lastError: item!.lastError })),
          jobs: jobs.slice(0, 5).map((job) => ({ state: job.state, attempts: job.attempts, dueInMs: job.nextAttemptAt - now, leaseInMs: job.leaseUntil === null ? null : job.leaseUntil - now, lastError: job.lastError })),
          output: bot?.output().split('\n').filter((line) => /"level":(40|50|60)/.test(line)).slice(-8),
        });
      };
      // Kill at random moments (while fetching, scoring or delivering), at most MAX_KILLS times.
      while (!(await settled())) {
        assert.ok(Date.now() < deadline, `the bot did not settle in time after ${kills} kills: ${await progress()}`);
        await new Promise((resolve) => setTimeout(resolve, 600 + random() * 2_400));
        if (kills < MAX_KILLS && !(await settled())) {
          await crash();
          kills += 1;
        }
      }
      await notifications;
      clearInterval(connectorFaults);
      graph.setFaultPlan(undefined);

      // ---- Health and the inbox command list every dead item with its reason. ----
      const health = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { inbox: { byState: Record<string, number>; dead?: Array<{ callId: string; reason: string | null }> } };
      assert.equal(health.inbox.byState.dead, unreadable.size, '/healthz counts the dead items');
      for (const dead of health.inbox.dead ?? []) assert.ok(dead.reason && unreadable.has(dead.callId), `/healthz lists ${dead.callId} with a reason`);
      await stopBotProcess(bot!);
      outputs.push(bot!.output());
      const { stdout } = await promisify(execFile)(process.execPath, [path.join(REPO_ROOT, 'dist/src/cli/index.js'), 'inbox', '--dead', String(CALLS)], {
        env: { PATH: process.env.PATH, DATA_DIR: dataDir },
        cwd: REPO_ROOT,
      });
      const inboxCommand = JSON.parse(stdout) as { byState: Record<string, number>; dead: Array<{ callId: string; reason: string | null }> };

      // ---- What happened, in one line. ----
      const items = await Promise.all(ids.map((id) => reader.inbox.get(TENANT, id)));
      const deadItems = items.filter((item) => item?.state === 'dead');
      const decisions = await Promise.all(ids.map((id) => reader.reports.listAlertJobs(TENANT, id)));
      const decidedOnce = ids.filter((_, index) => decisions[index]!.length === 1).length;
      const postsByCall = new Map<string, number>();
      for (let organizer = 0; organizer < ORGANIZERS; organizer += 1) {
        for (const request of connector.posts(organizerChat(organizer))) {
          for (const card of alertCardsOf(connector, request)) postsByCall.set(card.callId, (postsByCall.get(card.callId) ?? 0) + 1);
        }
      }
      const posted = [...postsByCall.values()].reduce((sum, count) => sum + count, 0);
      const duplicates = duplicateCards(connector);
      const perKill = duplicatesAtKill.map((at, k) => (duplicatesAtKill[k + 1] ?? duplicates) - at);
      const jobStats = await reader.reports.alertJobStats();
      process.stdout.write(
        `      (seed ${seed}: ${ids.length} calls notified, ${decidedOnce} decided once, ${deadItems.length} dead with a reason (${unreadable.size} unreadable), ` +
          `${posted} cards posted for ${postsByCall.size} calls, ${duplicates} duplicates after ${kills} kills (per kill: ${perKill.join(', ')}); ` +
          `Graph ${graph.stats.requests} requests (${graph.stats.throttled} throttled, ${graph.stats.resets} reset, ${graph.stats.corrupted} not JSON), ` +
          `token endpoint ${tokens.stats.refused} refusals and ${tokens.stats.resets} resets, Teams ${connector.requests.filter((request) => request.status >= 400).length} faults; alert jobs ${JSON.stringify(jobStats)})\n`,
      );

      // ---- Nothing lost; only the unreadable died, each with a reason. ----
      assert.ok(items.every((item) => item !== undefined), 'every notified call is in the inbox');
      assert.deepEqual(new Set(deadItems.map((item) => item!.callId)), unreadable, 'the dead items are exactly the unreadable records');
      for (const item of deadItems) {
        assert.match(item!.lastError ?? '', /^Given up at once, since asking Graph again would get the same answer: .*(graph\.attacker\.example|leads back to a page already read)/, `${item!.callId}: ${item!.lastError}`);
        // Given up on the attempt that read the bad link (earlier ones met random faults or a kill),
        // and never more than the record and two session pages per attempt: a loop is cut at once.
        const requests = graph.requests.filter((request) => request.callId === item!.callId).length;
        assert.ok(requests <= 3 * item!.attempts, `${item!.callId}: ${requests} Graph requests in ${item!.attempts} attempts`);
      }
      assert.deepEqual(
        inboxCommand.dead.map((dead) => dead.callId).sort(),
        [...unreadable].sort(),
        'the inbox command lists the dead items',
      );
      assert.ok(inboxCommand.dead.every((dead) => typeof dead.reason === 'string' && dead.reason.length > 0), 'each with its reason');

      // ---- Every readable call decided exactly once, and its card posted. ----
      for (const [index, id] of ids.entries()) {
        if (unreadable.has(id)) {
          assert.equal(decisions[index]!.length, 0, `${id} (unreadable) was not decided`);
          continue;
        }
        assert.equal(items[index]!.state, 'done', `${id} done`);
        assert.deepEqual(decisions[index]!.map((job) => job.version), [1], `${id} decided once`);
        assert.equal(decisions[index]![0]!.state, 'done', `${id}: its alert job was delivered (${decisions[index]![0]!.lastError})`);
        assert.ok((postsByCall.get(id) ?? 0) >= 1, `${id}: its card reached organizer ${organizerOf(index)}`);
      }
      assert.equal(postsByCall.size, ids.length - unreadable.size, 'no card for a call that was not decided');
      assert.equal(duplicatesAtKill[0] ?? duplicates, 0, 'no duplicate card before the first kill (faults alone never double a card)');
      assert.ok(perKill.every((count) => count <= MOST_DUPLICATES_PER_KILL), `duplicate cards per kill: ${perKill.join(', ')} (at most ${MOST_DUPLICATES_PER_KILL} each)`);

      // ---- No upstream text reached the logs or the inbox unsanitised. ----
      const logs = outputs.join('\n');
      for (const marker of [HOSTILE_TOKEN, 'SIGNATURE%2BVALUE', 'forged log line', CLIENT_SECRET]) assert.ok(!logs.includes(marker), `the logs quote ${marker}`);
      for (const item of items) if (item!.lastError) assertSanitized(item!.lastError, [HOSTILE_TOKEN, HOSTILE_SIGNATURE, CLIENT_SECRET]);
      assert.ok(kills >= 1, 'the bot was killed at least once');
    } finally {
      clearInterval(connectorFaults);
      graph.setFaultPlan(undefined);
      await reader.close();
    }
  });
});

/** Alert cards posted more than once to the same conversation for the same call (the copies beyond the first). */
function duplicateCards(connector: LoopbackBotConnector): number {
  const copies = new Map<string, number>();
  for (const request of connector.posts()) {
    for (const card of alertCardsOf(connector, request)) {
      const key = `${request.conversationId ?? ''}\u0000${card.callId}`;
      copies.set(key, (copies.get(key) ?? 0) + 1);
    }
  }
  return [...copies.values()].reduce((sum, count) => sum + count - 1, 0);
}
