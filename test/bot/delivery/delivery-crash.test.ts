import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assessCall } from '../../../src/alerts';
import { storedReportOf } from '../../../src/ingest';
import { resolveScoringOptions } from '../../../src/quality';
import { openSqliteStore } from '../../../src/store';
import { killBotProcess, startBotProcess, type BotProcess } from '../../support/bot-process';
import { LoopbackBotConnector } from '../../support/loopback-bot-connector';
import { seededRandom } from '../../support/seeded-random';
import { poorRecord } from '../bot-harness';

const TENANT = 'dc368399-474c-4d40-900c-6265431fd81f';
const BOT = { id: '28:00000000-0000-0000-0000-00000000b07b', name: 'Call Quality' };
const CALLS = 120;
const ORGANIZERS = 30;
const KILLS = 5;

const callId = (n: number) => `dddddddd-0000-4000-8000-${String(n).padStart(12, '0')}`;
const organizer = (n: number) => ({ id: `29:user-${n}`, name: `User ${n}`, aadObjectId: `0000${String(n).padStart(4, '0')}-0000-4000-8000-000000000000` });

describe('delivery: the bot killed with SIGKILL while it posts alert cards', function () {
  this.timeout(240_000);
  let connector: LoopbackBotConnector;
  let dir: string;

  before(async () => {
    connector = await new LoopbackBotConnector().start();
    dir = mkdtempSync(path.join(os.tmpdir(), 'cqb-delivery-crash-'));
  });
  after(async () => {
    await connector.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('posts each card once, or once more marked as a possible copy, never more than one extra per kill', async () => {
    const random = seededRandom(Number(process.env.CRASH_SEED ?? 20261202));
    const dataDir = path.join(dir, 'data');
    // The organizers have the app (their chats are known) and the admins' channel is chosen: each call gets two cards.
    const seed = openSqliteStore({ dataDir });
    const channelKey = '19:call-alerts@thread.tacv2';
    await seed.conversations.putConversation({
      key: channelKey, kind: 'channel', tenantId: TENANT, userAadId: null, teamId: '19:team@thread.tacv2', channelId: channelKey, serviceUrl: connector.serviceUrl,
      reference: { bot: BOT, conversation: { id: channelKey, isGroup: true, conversationType: 'channel', tenantId: TENANT } }, installedAt: Date.now(), deadReason: null,
    });
    for (let n = 0; n < ORGANIZERS; n++) {
      const user = organizer(n);
      connector.installFor(user.aadObjectId);
      await seed.conversations.putConversation({
        key: `a:chat-${n}`, kind: 'personal', tenantId: TENANT, userAadId: user.aadObjectId, teamId: null, channelId: null, serviceUrl: connector.serviceUrl,
        reference: { bot: BOT, user: { id: user.id, aadObjectId: user.aadObjectId }, conversation: { id: `a:chat-${n}`, conversationType: 'personal', tenantId: TENANT } }, installedAt: Date.now(), deadReason: null,
      });
    }
    for (let i = 0; i < CALLS; i++) {
      const record = poorRecord(callId(i), { organizer: organizer(i % ORGANIZERS) });
      const { report, summary } = assessCall(record, resolveScoringOptions({}));
      await seed.reports.recordReport(storedReportOf({ tenantId: TENANT, callId: callId(i) }, record, report, summary, Date.now()), true);
    }
    await seed.close();

    const env = { DATA_DIR: dataDir, LOG_LEVEL: 'info', ALERT_CHANNEL_ID: channelKey, ALERT_LEASE_SECONDS: '1' };
    let bot: BotProcess = await startBotProcess({ env });
    const restart = async () => {
      await killBotProcess(bot);
      bot = await startBotProcess({ env, port: bot.port });
    };
    const jobsLeft = async () => {
      const store = openSqliteStore({ dataDir });
      try {
        const stats = await store.reports.alertJobStats();
        return stats.pending + stats.leased;
      } finally {
        await store.close();
      }
    };

    let kills = 0;
    while (kills < KILLS) {
      // Kill while cards are going out: after a few more posts, at a random moment.
      const before = connector.posts().length;
      await connector.waitFor(() => connector.posts().length >= before + 1 + Math.floor(random() * 6), 60_000).catch((error: Error) => {
        throw new Error(`${error.message}\nThe bot said:\n${bot.output().slice(-3000)}`);
      });
      await new Promise((resolve) => setTimeout(resolve, random() * 15));
      if ((await jobsLeft()) === 0) break;
      await restart();
      kills += 1;
    }
    const deadline = Date.now() + 120_000;
    while ((await jobsLeft()) > 0) {
      assert.ok(Date.now() < deadline, `not delivered in time after ${kills} kills:\n${bot.output().slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await killBotProcess(bot);

    // A post that no sent card records is one the bot made and then lost track of (killed before
    // recording it): its card went out again later. Every card that was recorded was delivered.
    const store = openSqliteStore({ dataDir });
    const recorded = new Set<string>();
    const pairs = new Set<string>();
    try {
      for (let i = 0; i < CALLS; i++) {
        for (const card of await store.sentCards.listSentCards(TENANT, callId(i))) {
          recorded.add(card.activityId);
          pairs.add(`${card.conversationKey} ${card.callId}`);
        }
      }
      assert.equal((await store.reports.alertJobStats()).dead, 0, 'no alert given up');
    } finally {
      await store.close();
    }
    const posts = connector.posts();
    const orphans = posts.filter((post) => post.createdId !== undefined && !recorded.has(post.createdId));
    const extra = orphans.length;
    // The repeat of each orphan is recognisable: it says it may be a copy.
    const marked = posts.filter((post) => /Sent again after the bot restarted/.test(JSON.stringify(connector.cardsIn([post])))).length;
    const unmarkedExtra = Math.max(0, extra - marked);
    process.stdout.write(`      (${kills} kills: ${posts.length} posts for ${pairs.size} cards, ${extra} posted again, ${(extra / Math.max(1, kills)).toFixed(2)} per kill, ${marked} marked as a possible copy)\n`);
    assert.ok(kills >= 3, `the bot was killed ${kills} times`);
    assert.equal(pairs.size, CALLS * 2, 'every call reached its organizer and the admins\' channel');
    assert.ok(extra <= kills, `${extra} cards posted again in ${kills} kills: at most one per kill`);
    assert.equal(unmarkedExtra, 0, 'a card posted again after a restart says it may be a copy');
  });
});
