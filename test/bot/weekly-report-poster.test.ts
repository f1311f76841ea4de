import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AdaptiveCardDocument } from '../../src/alerts';
import type { WeeklyReportCard } from '../../src/bot/weekly-report-poster';
import { weeklyReportRunKey } from '../../src/bot/weekly-report-poster';
import { ReportSchedule } from '../../src/config';
import { openSqliteStore, type Store } from '../../src/store';
import { openAzureStore } from '../../src/store/azure';
import { startAzurite, type AzuriteInstance } from '../support/azurite';
import type { ConnectorRequest } from '../support/loopback-bot-connector';
import { ADMIN, ALERTS_CHANNEL, BotHarness, eventually, TENANT } from './bot-harness';
import { assertValidCard, cardSays } from './card-inspection';
import { keepCall, olgaCallsRay } from '../support/kept-calls';

const MINUTE = 60_000;
const LEASE_MS = 5 * MINUTE;
/** Monday 2026-03-30 09:00 in Paris (summer time since the 29th): 07:00Z. The week before starts on the 23rd. */
const DUE = Date.UTC(2026, 2, 30, 7);
const SCHEDULE = ReportSchedule.parse('0 9 * * 1', 'Europe/Paris');

/** A card that says whose week it is, standing in for the figures (their own tests are in src/alerts and src/history). */
const reportCard: WeeklyReportCard = async (tenantId, weekEnd) =>
  ({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: `Report of ${tenantId} to ${new Date(weekEnd).toISOString()}` }] }) as AdaptiveCardDocument;

/** New threads the bot started in the admins' channel. */
function reportsIn(requests: ConnectorRequest[]): ConnectorRequest[] {
  return requests.filter((request) => request.path === '/v3/conversations' && request.status < 300 && request.body?.channelData?.channel?.id === ALERTS_CHANNEL.id);
}

describe('bot: the weekly report, once per week', () => {
  let dataDir: string;
  let stores: Store[];
  let harnesses: BotHarness[];
  let now: number;

  /** A bot instance on the shared SQLite file (its own connection), with the clock of the test. */
  async function instance(holder: string): Promise<BotHarness> {
    const store = openSqliteStore({ dataDir });
    stores.push(store);
    const harness = await BotHarness.start({
      store,
      clock: () => now,
      config: { report: { schedule: SCHEDULE } },
      weeklyReportCard: reportCard,
      weeklyReport: { holder, leaseMs: LEASE_MS, checkMs: 20 },
    });
    harnesses.push(harness);
    return harness;
  }

  beforeEach(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'cqb-weekly-'));
    stores = [];
    harnesses = [];
    now = DUE - 10 * MINUTE;
  });
  afterEach(async () => {
    for (const harness of harnesses) await harness.close();
    for (const store of stores) await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('posts at the due time, not before, and not twice', async () => {
    const bot = await instance('instance-a');
    await bot.setUpAdminsChannel();
    bot.connector.clearRequests();
    assert.deepEqual((await bot.bot.postDueReports()).posted, [], 'ten minutes early');
    now = DUE - 1;
    assert.deepEqual((await bot.bot.postDueReports()).posted, [], 'one millisecond early');
    now = DUE;
    assert.deepEqual((await bot.bot.postDueReports()).posted, [TENANT]);
    now = DUE + 30 * MINUTE;
    assert.deepEqual((await bot.bot.postDueReports()).posted, []);
    const posted = reportsIn(bot.connector.requests);
    assert.equal(posted.length, 1);
    assert.equal(bot.connector.cardsIn(posted)[0].body[0].text, `Report of ${TENANT} to 2026-03-30T07:00:00.000Z`);
    const run = await stores[0]!.runs.getRun(weeklyReportRunKey(TENANT, '2026-03-23'));
    assert.equal(run?.state, 'done');
    // The next week is a new run, due the Monday after.
    now = Date.UTC(2026, 3, 6, 7) - 1;
    assert.deepEqual((await bot.bot.postDueReports()).posted, []);
    now += 1;
    assert.deepEqual((await bot.bot.postDueReports()).posted, [TENANT]);
  });

  it('posts the week\'s figures from the history by default (the report card of src/alerts)', async () => {
    const store = openSqliteStore({ dataDir });
    stores.push(store);
    const bot = await BotHarness.start({ store, clock: () => now, config: { report: { schedule: SCHEDULE } } });
    harnesses.push(bot);
    await bot.setUpAdminsChannel();
    // The week reported at DUE is the UTC days 2026-03-23 to 03-29: two poor calls and a good one;
    // one call the week before and one on the due day itself do not count as this week's.
    await keepCall(store, olgaCallsRay('week-1', Date.UTC(2026, 2, 24, 10)));
    await keepCall(store, olgaCallsRay('week-2', Date.UTC(2026, 2, 25, 10)));
    await keepCall(store, olgaCallsRay('week-3', Date.UTC(2026, 2, 28, 10), { poor: false }));
    await keepCall(store, olgaCallsRay('week-before', Date.UTC(2026, 2, 17, 10)));
    await keepCall(store, olgaCallsRay('due-day', Date.UTC(2026, 2, 30, 6)));
    bot.connector.clearRequests();
    now = DUE;
    assert.deepEqual((await bot.bot.postDueReports()).posted, [TENANT]);
    const [card] = bot.connector.cardsIn(reportsIn(bot.connector.requests));
    assertValidCard(card);
    assert.ok(cardSays(card, 'Weekly call quality report'));
    assert.ok(cardSays(card, '3 calls scored, 2 with an alert.'), 'the three calls of the week, the two poor ones alerting');
  });

  it('posts once with two instances on one store, however often both look', async () => {
    const a = await instance('instance-a');
    const b = await instance('instance-b');
    await a.setUpAdminsChannel();
    a.connector.clearRequests();
    now = DUE + 1_000;
    for (let round = 0; round < 5; round += 1) {
      await Promise.all([a.bot.postDueReports(), b.bot.postDueReports()]);
      now += MINUTE;
    }
    assert.equal(reportsIn(a.connector.requests).length + reportsIn(b.connector.requests).length, 1);
  });

  it('posts once in the background too, with both loops running', async () => {
    const a = await instance('instance-a');
    const b = await instance('instance-b');
    await a.setUpAdminsChannel();
    a.connector.clearRequests();
    a.bot.startReports();
    b.bot.startReports();
    now = DUE + 1_000;
    await eventually(async () => reportsIn(a.connector.requests).length + reportsIn(b.connector.requests).length > 0, 5_000, 'the report');
    // Several more checks of both loops (every 20 ms) change nothing.
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(reportsIn(a.connector.requests).length + reportsIn(b.connector.requests).length, 1);
  });

  it('after an instance claimed the week and died, another posts it once the lease has run out', async () => {
    const b = await instance('instance-b');
    await b.setUpAdminsChannel();
    b.connector.clearRequests();
    // Instance A took the run at the due time and crashed before posting.
    assert.ok(await stores[0]!.runs.claimRun(weeklyReportRunKey(TENANT, '2026-03-23'), 'instance-a', DUE, DUE + LEASE_MS));
    now = DUE + MINUTE;
    const held = await b.bot.postDueReports();
    assert.deepEqual([held.posted, held.heldElsewhere], [[], [TENANT]]);
    now = DUE + LEASE_MS + 1;
    assert.deepEqual((await b.bot.postDueReports()).posted, [TENANT]);
    assert.equal(reportsIn(b.connector.requests).length, 1);
    // A restarted instance (a new process: nothing remembered) does not post it again.
    const restarted = await instance('instance-a-restarted');
    now += MINUTE;
    assert.deepEqual((await restarted.bot.postDueReports()).posted, []);
    assert.equal(reportsIn(restarted.connector.requests).length, 0);
  });

  it('posts a report missed while every instance was down, up to a day late', async () => {
    const bot = await instance('instance-a');
    await bot.setUpAdminsChannel();
    now = DUE + 23 * 60 * MINUTE;
    assert.deepEqual((await bot.bot.postDueReports()).posted, [TENANT]);
    // A week later the instance is down for more than a day: that week is skipped.
    const next = Date.UTC(2026, 3, 6, 7);
    now = next + 25 * 60 * MINUTE;
    assert.deepEqual((await bot.bot.postDueReports()).posted, []);
  });

  it('does not post in a channel where an admin said "report off", until "report on"', async () => {
    const bot = await instance('instance-a');
    await bot.setUpAdminsChannel();
    const off = await bot.send(bot.channelMessage('report off', ADMIN, { channel: ALERTS_CHANNEL }));
    assert.equal(off.status, 200);
    bot.connector.clearRequests();
    now = DUE;
    assert.deepEqual((await bot.bot.postDueReports()).posted, []);
    assert.equal(reportsIn(bot.connector.requests).length, 0);
    // Turned on again: from the next week.
    await bot.send(bot.channelMessage('report on', ADMIN, { channel: ALERTS_CHANNEL }));
    now = Date.UTC(2026, 3, 6, 7);
    assert.deepEqual((await bot.bot.postDueReports()).posted, [TENANT]);
  });

  it('gives the week up when the app was removed from the channel, and marks the channel gone', async () => {
    const bot = await instance('instance-a');
    await bot.setUpAdminsChannel();
    bot.connector.block(ALERTS_CHANNEL.id);
    now = DUE;
    const round = await bot.bot.postDueReports();
    assert.deepEqual([round.posted, round.failed], [[], []]);
    assert.equal((await stores[0]!.conversations.getConversation(ALERTS_CHANNEL.id))?.deadReason, 'the app was removed or blocked there');
    assert.equal((await stores[0]!.runs.getRun(weeklyReportRunKey(TENANT, '2026-03-23')))?.state, 'done');
  });

  it('tries again at its next round when a post failed, and another instance only after the lease', async () => {
    const a = await instance('instance-a');
    const b = await instance('instance-b');
    await a.setUpAdminsChannel();
    a.connector.clearRequests();
    // Teams fails the post with an error that is not worth retrying at once.
    a.connector.throttle(ALERTS_CHANNEL.id, 1, 0, 403);
    now = DUE;
    assert.deepEqual((await a.bot.postDueReports()).failed, [TENANT]);
    now = DUE + MINUTE;
    assert.deepEqual((await b.bot.postDueReports()).heldElsewhere, [TENANT], "A's claim holds for others until its lease ends");
    assert.deepEqual((await a.bot.postDueReports()).posted, [TENANT], 'A itself may take its claim again');
    assert.equal(reportsIn(a.connector.requests).length + reportsIn(b.connector.requests).length, 1);
  });

  describe('on Azure Storage (Azurite), as several App Service instances run it', function () {
    this.timeout(60_000);
    let azurite: AzuriteInstance;

    before(async () => {
      azurite = await startAzurite();
    });
    after(() => azurite?.stop());

    it('posts once with two instances, each with its own clients to one account', async () => {
      const [first, second] = [await openAzureStore({ connectionString: azurite.connectionString }, { prefix: 'weekly' }), await openAzureStore({ connectionString: azurite.connectionString }, { prefix: 'weekly' })];
      stores.push(first, second);
      const start = (store: Store, holder: string) =>
        BotHarness.start({ store, clock: () => now, config: { report: { schedule: SCHEDULE } }, weeklyReportCard: reportCard, weeklyReport: { holder, leaseMs: LEASE_MS } });
      const a = await start(first, 'instance-a');
      const b = await start(second, 'instance-b');
      harnesses.push(a, b);
      await a.setUpAdminsChannel();
      a.connector.clearRequests();
      now = DUE + 1_000;
      for (let round = 0; round < 3; round += 1) {
        const rounds = await Promise.all([a.bot.postDueReports(), b.bot.postDueReports()]);
        assert.ok(rounds.every((done) => done.failed.length === 0));
        now += MINUTE;
      }
      assert.equal(reportsIn(a.connector.requests).length + reportsIn(b.connector.requests).length, 1);
      assert.equal((await second.runs.getRun(weeklyReportRunKey(TENANT, '2026-03-23')))?.state, 'done');
    });
  });
});
