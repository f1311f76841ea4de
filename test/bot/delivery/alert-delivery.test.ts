import assert from 'node:assert/strict';
import { CARD_ACTIONS } from '../../../src/alerts';
import { SETTING_KEYS } from '../../../src/settings';
import { openSqliteStore } from '../../../src/store';
import { ABBIE, ADMIN, ALERTS_CHANNEL, BotHarness, OWEN, poorRecord, ratedBadRecord, TENANT } from '../bot-harness';
import { assertValidCard, cardSays, executeActions } from '../card-inspection';

const ABBIE_CHAT = 'a:chat-with-abbie';

function callId(index: number): string {
  return `c0ffee00-0000-0000-0000-${String(index).padStart(12, '0')}`;
}

describe('bot: alert delivery through the real adapter', () => {
  let harness: BotHarness;
  let offset = 0;
  const clock = () => Date.now() + offset;

  beforeEach(() => {
    offset = 0;
  });

  afterEach(async () => {
    await harness?.close();
  });

  async function start(options: Parameters<typeof BotHarness.start>[0] = {}) {
    harness = await BotHarness.start({ clock, ...options });
    return harness;
  }

  async function jobStates() {
    return harness.store.reports.alertJobStats();
  }

  it('sends the organizer a 1:1 card and the admins\' channel a new thread, then completes the job', async () => {
    await start();
    await harness.installPersonal(ABBIE);
    await harness.setUpAdminsChannel();
    harness.connector.clearRequests();

    await harness.recordCall(poorRecord(callId(1)));
    const round = await harness.bot.deliverAlerts();
    assert.equal(round.sent, 2);

    const personal = harness.connector.posts(ABBIE_CHAT);
    assert.equal(personal.length, 1);
    assert.equal(personal[0]!.path, `/v3/conversations/${ABBIE_CHAT}/activities`);
    const [organizerCard] = harness.connector.cardsIn(personal);
    assertValidCard(organizerCard);
    assert.ok(cardSays(organizerCard, callId(1)));
    assert.ok(executeActions(organizerCard).some((action) => action.verb === CARD_ACTIONS.mute), 'the organizer can mute');

    const thread = harness.connector.posts(ALERTS_CHANNEL.id);
    assert.equal(thread.length, 1);
    assert.equal(thread[0]!.path, '/v3/conversations', 'a channel alert opens a new thread (createConversation)');
    assert.equal(thread[0]!.body.channelData.channel.id, ALERTS_CHANNEL.id);
    assert.equal(thread[0]!.body.isGroup, true);
    const [adminsCard] = harness.connector.cardsIn(thread);
    assertValidCard(adminsCard);
    assert.ok(cardSays(adminsCard, callId(1)));
    assert.ok(!executeActions(adminsCard).some((action) => action.verb === CARD_ACTIONS.mute), 'admins cannot mute the organizer');

    assert.deepEqual(await jobStates(), { pending: 0, leased: 0, done: 1, dead: 0 });
    const sent = await harness.store.sentCards.listSentCards(TENANT, callId(1));
    assert.deepEqual(sent.map((card) => card.conversationKey).sort(), [ABBIE_CHAT, ALERTS_CHANNEL.id].sort());
  });

  it('notes each post under way with one settings request (an add, no read first); a retry after a crash finds the note: the tests below', async () => {
    const base = openSqliteStore({ path: ':memory:' });
    const noteRequests: string[] = [];
    const settings = new Proxy(base.settings, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (scope: string, key: string, ...rest: unknown[]) => {
          if (key.startsWith('alerts.sending:')) noteRequests.push(`${String(property)} ${key.slice('alerts.sending:'.length)}`);
          return (value as (...args: unknown[]) => Promise<unknown>).apply(target, [scope, key, ...rest]);
        };
      },
    });
    try {
      await start({ store: { ...base, settings } });
      await harness.installPersonal(ABBIE);
      await harness.setUpAdminsChannel();
      await harness.recordCall(poorRecord(callId(50)));
      assert.equal((await harness.bot.deliverAlerts()).sent, 2);
      assert.deepEqual(noteRequests.sort(), [`addSetting ${ABBIE_CHAT}`, `addSetting ${ALERTS_CHANNEL.id}`].sort(), 'one add per card posted, no read');
    } finally {
      await harness.close();
      await base.close();
    }
  });

  it('loads the calls of a round and settles their jobs several at a time, not one call after another', async () => {
    // The store answers each report read and job completion after 30 ms (a storage round trip), counting how many are in flight.
    const base = openSqliteStore({ path: ':memory:' });
    const inFlight = { getReport: 0, completeAlertJob: 0 };
    const most = { getReport: 0, completeAlertJob: 0 };
    const reports = new Proxy(base.reports, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (property !== 'getReport' && property !== 'completeAlertJob') return typeof value === 'function' ? value.bind(target) : value;
        const method = value as (...args: unknown[]) => Promise<unknown>;
        return async (...args: unknown[]) => {
          inFlight[property] += 1;
          most[property] = Math.max(most[property], inFlight[property]);
          try {
            await new Promise((resolve) => setTimeout(resolve, 30));
            return await method.apply(target, args);
          } finally {
            inFlight[property] -= 1;
          }
        };
      },
    });
    try {
      await start({ store: { ...base, reports } });
      await harness.installPersonal(ABBIE);
      await harness.setUpAdminsChannel();
      for (let index = 20; index < 26; index += 1) await harness.recordCall(poorRecord(callId(index)));
      const round = await harness.bot.deliverAlerts();
      assert.equal(round.jobs, 6);
      assert.deepEqual(await jobStates(), { pending: 0, leased: 0, done: 6, dead: 0 });
      assert.ok(most.getReport > 1, `the calls' reports were read ${most.getReport} at a time`);
      assert.ok(most.completeAlertJob > 1, `the jobs were completed ${most.completeAlertJob} at a time`);
    } finally {
      await harness.close();
      await base.close();
    }
  });

  it("looks up the admins' channel only for tenants with a call to deliver: none in a round whose calls are all stepped back", async () => {
    // Counts the reads of the admins' channel lookup: the tenant's chosen channel, then its conversation record.
    const base = openSqliteStore({ path: ':memory:' });
    const lookups = { setting: 0, record: 0 };
    const settings = new Proxy(base.settings, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (property !== 'getSetting') return typeof value === 'function' ? value.bind(target) : value;
        return (scope: string, key: string, options?: { maxAgeMs?: number }) => {
          if (key === SETTING_KEYS.alertChannel) lookups.setting += 1;
          return target.getSetting(scope, key, options);
        };
      },
    });
    const conversations = new Proxy(base.conversations, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (property !== 'getConversation') return typeof value === 'function' ? value.bind(target) : value;
        return (key: string) => {
          if (key === ALERTS_CHANNEL.id) lookups.record += 1;
          return target.getConversation(key);
        };
      },
    });
    try {
      await start({ store: { ...base, settings, conversations } });
      await harness.installPersonal(ABBIE);
      await harness.setUpAdminsChannel();
      // Another instance holds the call's first alert: this instance's round claims the second and steps back.
      await harness.recordCall(poorRecord(callId(30)));
      assert.equal((await base.reports.claimAlertJobs(clock(), 10, 10 * 60_000)).length, 1);
      await harness.recordCall(poorRecord(callId(30), { version: 2 }));
      harness.connector.clearRequests();
      lookups.setting = 0;
      lookups.record = 0;
      const stepped = await harness.bot.deliverAlerts();
      assert.equal(stepped.jobs, 1);
      assert.equal(stepped.retried, 1);
      assert.deepEqual(lookups, { setting: 0, record: 0 }, "no read of the admins' channel for a round with nothing to deliver");
      assert.equal(harness.connector.requests.length, 0);

      // A round with a call to deliver still looks the channel up and posts to it.
      await harness.recordCall(poorRecord(callId(31)));
      const round = await harness.bot.deliverAlerts();
      assert.equal(round.sent, 2);
      assert.equal(lookups.setting, 1);
      assert.equal(harness.connector.posts(ALERTS_CHANNEL.id).length, 1);
    } finally {
      await harness.close();
      await base.close();
    }
  });

  it('opens a 1:1 chat with createConversation when the organizer has the app but no stored chat', async () => {
    await start();
    await harness.setUpAdminsChannel();
    harness.connector.installFor(OWEN.aadObjectId);
    harness.connector.clearRequests();

    await harness.recordCall(poorRecord(callId(2), { organizer: OWEN }));
    await harness.bot.deliverAlerts();

    const create = harness.connector.requests.find((request) => request.method === 'POST' && request.path === '/v3/conversations' && request.body.members);
    assert.ok(create, 'createConversation was called');
    assert.deepEqual(create.body.members, [{ id: OWEN.aadObjectId }]);
    assert.equal(create.body.tenantId, TENANT);
    const chat = harness.connector.personalConversationId(OWEN.aadObjectId);
    assert.equal(harness.connector.posts(chat).filter((request) => request.path.endsWith('/activities')).length, 1);
    assert.equal((await harness.store.conversations.findPersonalConversation(TENANT, OWEN.aadObjectId))?.key, chat, 'the new chat is kept');
  });

  it('says on the admins\' card when the organizer cannot be reached, and still completes the job', async () => {
    await start();
    await harness.setUpAdminsChannel();
    await harness.recordCall(poorRecord(callId(3), { organizer: OWEN }));
    await harness.bot.deliverAlerts();
    const [adminsCard] = harness.connector.cardsIn(harness.connector.posts(ALERTS_CHANNEL.id));
    assert.ok(cardSays(adminsCard, /not installed for them/), 'the card says why the organizer was not told');
    assert.deepEqual(await jobStates(), { pending: 0, leased: 0, done: 1, dead: 0 });
  });

  it('installs the app for the organizer through Graph first when PROACTIVE_INSTALL is on', async () => {
    const installs: string[] = [];
    await start({
      config: { bot: { adminUserIds: [ADMIN.aadObjectId], type: 'MultiTenant', proactiveInstall: true } },
      installForUser: async (tenantId, userId) => {
        installs.push(`${tenantId}/${userId}`);
        harness.connector.installFor(userId);
      },
    });
    await harness.setUpAdminsChannel();
    await harness.recordCall(poorRecord(callId(4), { organizer: OWEN }));
    await harness.bot.deliverAlerts();
    assert.deepEqual(installs, [`${TENANT}/${OWEN.aadObjectId}`]);
    assert.equal(harness.connector.posts(harness.connector.personalConversationId(OWEN.aadObjectId)).length, 1);
  });

  it('updates the cards already sent when a newer version changes the report, instead of posting again', async () => {
    await start();
    await harness.installPersonal(ABBIE);
    await harness.setUpAdminsChannel();
    await harness.recordCall(poorRecord(callId(5), { jitterMs: 90 }));
    await harness.bot.deliverAlerts();
    const firstPersonal = harness.connector.posts(ABBIE_CHAT).at(-1)!;
    const firstThread = harness.connector.posts(ALERTS_CHANNEL.id).at(-1)!;
    harness.connector.clearRequests();

    await harness.recordCall(poorRecord(callId(5), { jitterMs: 150, version: 2 }));
    const round = await harness.bot.deliverAlerts();
    assert.equal(round.updated, 2);
    assert.equal(harness.connector.posts().length, 0, 'nothing new is posted');

    const sent = await harness.store.sentCards.listSentCards(TENANT, callId(5));
    const personalCard = sent.find((card) => card.conversationKey === ABBIE_CHAT)!;
    const channelCard = sent.find((card) => card.conversationKey === ALERTS_CHANNEL.id)!;
    const updates = harness.connector.updates();
    assert.equal(updates.length, 2);
    const personalUpdate = updates.find((request) => request.conversationId === ABBIE_CHAT)!;
    assert.equal(personalUpdate.activityId, personalCard.activityId);
    assert.ok(firstPersonal.status === 201);
    const threadUpdate = updates.find((request) => request.conversationId !== ABBIE_CHAT)!;
    assert.equal(threadUpdate.conversationId, `${ALERTS_CHANNEL.id};messageid=${channelCard.activityId}`, 'the thread\'s root message is updated');
    assert.equal(firstThread.body.channelData.channel.id, ALERTS_CHANNEL.id);
    for (const card of harness.connector.cardsIn(updates)) {
      assertValidCard(card);
      assert.ok(cardSays(card, /150 ms/), 'the updated card shows the new version\'s figures');
    }
    assert.deepEqual(sent.map((card) => card.version), [2, 2]);
    assert.deepEqual(await jobStates(), { pending: 0, leased: 0, done: 2, dead: 0 });
  });

  it('marks a personal chat dead on 403 MessageWritesBlocked and never sends there again', async () => {
    await start();
    await harness.installPersonal(ABBIE);
    await harness.setUpAdminsChannel();
    harness.connector.block(ABBIE_CHAT);
    harness.connector.block(harness.connector.personalConversationId(ABBIE.aadObjectId));
    harness.connector.clearRequests();

    await harness.recordCall(poorRecord(callId(6)));
    await harness.bot.deliverAlerts();
    const record = await harness.store.conversations.getConversation(ABBIE_CHAT);
    assert.match(record?.deadReason ?? '', /403 MessageWritesBlocked/);
    const [adminsCard] = harness.connector.cardsIn(harness.connector.posts(ALERTS_CHANNEL.id));
    assert.ok(cardSays(adminsCard, /removed or blocked/), 'the admins learn the organizer was not told');
    assert.deepEqual(await jobStates(), { pending: 0, leased: 0, done: 1, dead: 0 });

    harness.connector.clearRequests();
    await harness.recordCall(poorRecord(callId(7)));
    await harness.bot.deliverAlerts();
    assert.equal(harness.connector.requests.filter((request) => request.conversationId === ABBIE_CHAT).length, 0, 'the dead chat gets no request');
    assert.deepEqual(await jobStates(), { pending: 0, leased: 0, done: 2, dead: 0 });
  });

  it('marks the admins\' channel dead on 404 ConversationNotFound and stops sending there', async () => {
    await start();
    await harness.setUpAdminsChannel();
    harness.connector.deleteConversation(ALERTS_CHANNEL.id);
    await harness.recordCall(poorRecord(callId(8)));
    await harness.bot.deliverAlerts();
    assert.match((await harness.store.conversations.getConversation(ALERTS_CHANNEL.id))?.deadReason ?? '', /404 ConversationNotFound/);
    harness.connector.clearRequests();
    await harness.recordCall(poorRecord(callId(9)));
    await harness.bot.deliverAlerts();
    assert.equal(harness.connector.posts(ALERTS_CHANNEL.id).length + harness.connector.requests.filter((r) => r.status === 404).length, 0);
    assert.deepEqual(await jobStates(), { pending: 0, leased: 0, done: 2, dead: 0 });
  });

  it('retries 429 (Retry-After honoured by the connector client and by the bot) and delivers once', async () => {
    await start();
    await harness.installPersonal(ABBIE);
    harness.connector.clearRequests();
    harness.connector.throttle(ABBIE_CHAT, 5, 0);
    await harness.recordCall(poorRecord(callId(10)));
    await harness.bot.deliverAlerts();
    const attempts = harness.connector.requests.filter((request) => request.conversationId === ABBIE_CHAT);
    assert.deepEqual(attempts.map((request) => request.status), [429, 429, 429, 429, 429, 201]);
    assert.equal(harness.connector.posts(ABBIE_CHAT).length, 1);
    assert.deepEqual(await jobStates(), { pending: 0, leased: 0, done: 1, dead: 0 });
  });

  it('gives a job back to the store when throttling outlasts the retries, and delivers it later (nothing lost)', async () => {
    await start();
    await harness.installPersonal(ABBIE);
    harness.connector.clearRequests();
    harness.connector.throttle(ABBIE_CHAT, 1_000, 0);
    await harness.recordCall(poorRecord(callId(11)));
    const first = await harness.bot.deliverAlerts();
    assert.equal(first.retried, 1);
    assert.deepEqual(await jobStates(), { pending: 1, leased: 0, done: 0, dead: 0 });
    assert.equal(harness.connector.posts(ABBIE_CHAT).length, 0);

    harness.connector.clearFaults(ABBIE_CHAT);
    offset = 60 * 60_000;
    await harness.bot.deliverAlerts();
    assert.equal(harness.connector.posts(ABBIE_CHAT).length, 1);
    assert.deepEqual(await jobStates(), { pending: 0, leased: 0, done: 1, dead: 0 });
    // Teams answered 429 to every earlier try, so nothing was posted: the card is no copy and must not say so.
    assert.doesNotMatch(JSON.stringify(harness.connector.cardsIn(harness.connector.posts(ABBIE_CHAT))), /Sent again after the bot restarted/);
  });

  it('folds a burst into digests within the per-conversation budget, and accounts for every call', async () => {
    await start();
    await harness.installPersonal(ABBIE);
    await harness.setUpAdminsChannel();
    harness.connector.clearRequests();
    const ids = Array.from({ length: 20 }, (_, index) => callId(100 + index));
    for (const id of ids) await harness.recordCall(poorRecord(id, { jitterMs: 40 + Number(id.slice(-3)) }));

    const round = await harness.bot.deliverAlerts();
    assert.equal(round.jobs, 20);
    assert.equal(round.digests, 2, 'one digest per conversation');
    for (const conversation of [ABBIE_CHAT, ALERTS_CHANNEL.id]) {
      const posts = harness.connector.posts(conversation);
      assert.equal(posts.length, 7, `${conversation} gets 7 messages (Teams allows 7 per second)`);
      const cards = harness.connector.cardsIn(posts);
      cards.forEach(assertValidCard);
      const digest = cards.at(-1);
      assert.ok(cardSays(digest, /^14 calls with poor quality or ratings$/), 'the digest counts the folded calls');
      assert.ok(cardSays(digest, /recent/), 'and points to the recent command');
    }
    // Every call is accounted for in both conversations: its own card or the digest.
    for (const id of ids) {
      const sent = await harness.store.sentCards.listSentCards(TENANT, id);
      assert.equal(sent.length, 2, `call ${id} reached both conversations`);
    }
    const cardTypes = (await Promise.all(ids.map((id) => harness.store.sentCards.listSentCards(TENANT, id)))).flat().map((card) => card.cardType);
    assert.equal(cardTypes.filter((type) => type === 'alert').length, 12);
    assert.equal(cardTypes.filter((type) => type === 'digest').length, 28);
    // The worst calls get their own cards: the six highest jitters.
    const ownCards = (await Promise.all(ids.map((id) => harness.store.sentCards.getSentCard(TENANT, id, ABBIE_CHAT))))
      .filter((card) => card?.cardType === 'alert')
      .map((card) => card!.callId)
      .sort();
    assert.deepEqual(ownCards, ids.slice(-6));
    assert.deepEqual(await jobStates(), { pending: 0, leased: 0, done: 20, dead: 0 });
  });

  /**
   * A store that refuses to record digest lines while `crashed.now` holds, as a process killed right
   * after Teams answered would leave them: the digest is out, and no record says so.
   */
  function storeLosingDigestRecords() {
    const base = openSqliteStore({ path: ':memory:' });
    const crashed = { now: true };
    const sentCards = new Proxy(base.sentCards, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (typeof value !== 'function') return value;
        if (property !== 'putSentCard') return value.bind(target);
        return async (card: { cardType: string }, ...rest: unknown[]) => {
          if (crashed.now && card.cardType === 'digest') throw new Error('the process ended before the digest was recorded');
          return (value as (...args: unknown[]) => Promise<unknown>).apply(target, [card, ...rest]);
        };
      },
    });
    return { base, store: { ...base, sentCards }, crashed };
  }

  async function recordPoorCalls(ids: readonly string[], jitterFrom: number) {
    for (const id of ids) await harness.recordCall(poorRecord(id, { jitterMs: jitterFrom + Number(id.slice(-3)) }));
  }

  /** Twelve poor calls of Abbie's from `firstCall` on: six cards and a digest go out, and the digest's record is lost. */
  async function loseADigest(firstCall: number): Promise<string[]> {
    await harness.installPersonal(ABBIE);
    harness.connector.clearRequests();
    const ids = Array.from({ length: 12 }, (_, index) => callId(firstCall + index));
    await recordPoorCalls(ids, 40);
    await harness.bot.deliverAlerts();
    const first = harness.connector.cardsIn(harness.connector.posts(ABBIE_CHAT));
    assert.equal(first.length, 7, 'six cards and a digest went out');
    assert.ok(cardSays(first.at(-1), /^6 calls with poor quality or ratings$/));
    assert.ok(!cardSays(first.at(-1), /Sent again after the bot restarted/), 'the first digest is no copy');
    return ids;
  }

  it('marks the cards that repeat a digest the bot lost track of (a crash between the post and its record) as possible copies', async () => {
    const { base, store, crashed } = storeLosingDigestRecords();
    try {
      await start({ store });
      const ids = await loseADigest(600);

      crashed.now = false;
      harness.connector.clearRequests();
      offset = 120_000;
      await harness.bot.deliverAlerts();
      // The six digested calls go out again, now within the budget as cards of their own.
      const again = harness.connector.cardsIn(harness.connector.posts(ABBIE_CHAT));
      assert.equal(again.length, 6, 'only the digested calls go out again');
      again.forEach(assertValidCard);
      const digested = ids.slice(0, 6);
      for (const [index, card] of again.entries()) {
        assert.ok(digested.some((id) => cardSays(card, id)), `card ${index} is one of the digested calls`);
        assert.ok(cardSays(card, /Sent again after the bot restarted while posting this alert/), `card ${index} says it may be a copy`);
      }
      assert.deepEqual(await jobStates(), { pending: 0, leased: 0, done: 12, dead: 0 });
    } finally {
      await harness.close();
      await base.close();
    }
  });

  it('says so on a digest that repeats one the bot lost track of', async () => {
    const { base, store, crashed } = storeLosingDigestRecords();
    try {
      await start({ store });
      await loseADigest(800);

      // Seven worse calls arrive before the retry: they take the budget, so the six lost ones are folded again.
      crashed.now = false;
      harness.connector.clearRequests();
      await recordPoorCalls(Array.from({ length: 7 }, (_, index) => callId(900 + index)), 2_000);
      offset = 120_000;
      await harness.bot.deliverAlerts();
      const cards = harness.connector.cardsIn(harness.connector.posts(ABBIE_CHAT));
      assert.equal(cards.length, 7, 'six cards and a digest');
      const digest = cards.at(-1);
      assertValidCard(digest);
      assert.ok(cardSays(digest, /^7 calls with poor quality or ratings$/));
      assert.ok(cardSays(digest, /Sent again after the bot restarted while posting these alerts/), 'the digest says it may repeat alerts');
      for (const card of cards.slice(0, 6)) assert.ok(!cardSays(card, /Sent again after the bot restarted/), 'the fresh calls\' own cards are no copies');
      assert.deepEqual(await jobStates(), { pending: 0, leased: 0, done: 19, dead: 0 });
    } finally {
      await harness.close();
      await base.close();
    }
  });

  it('a digest Teams refused (4xx: nothing was posted) is no copy when it goes out later', async () => {
    await start();
    await harness.installPersonal(ABBIE);
    harness.connector.clearRequests();
    const ids = Array.from({ length: 12 }, (_, index) => callId(700 + index));
    for (const id of ids) await harness.recordCall(poorRecord(id, { jitterMs: 40 + Number(id.slice(-3)) }));
    harness.connector.throttle(ABBIE_CHAT, 1_000, 0);
    await harness.bot.deliverAlerts();
    assert.equal(harness.connector.posts(ABBIE_CHAT).length, 0, 'Teams refused every post');

    harness.connector.clearFaults(ABBIE_CHAT);
    harness.connector.clearRequests();
    offset = 60 * 60_000;
    await harness.bot.deliverAlerts();
    const cards = harness.connector.cardsIn(harness.connector.posts(ABBIE_CHAT));
    assert.equal(cards.length, 7, 'six cards and a digest');
    assert.ok(cardSays(cards.at(-1), /^6 calls with poor quality or ratings$/));
    assert.doesNotMatch(JSON.stringify(cards), /Sent again after the bot restarted/);
    assert.deepEqual(await jobStates(), { pending: 0, leased: 0, done: 12, dead: 0 });
  });

  it('posts once, as a card of its own, a newer version of a digested call that no longer alerts; later versions, alerting or not, update that card', async () => {
    await start();
    await harness.installPersonal(ABBIE);
    await harness.setUpAdminsChannel();
    harness.connector.clearRequests();
    const ids = Array.from({ length: 20 }, (_, index) => callId(400 + index));
    for (const id of ids) await harness.recordCall(poorRecord(id, { jitterMs: 40 + Number(id.slice(-3)) }));
    await harness.bot.deliverAlerts();
    const digested = ids[0]!;
    for (const conversation of [ABBIE_CHAT, ALERTS_CHANNEL.id]) {
      assert.equal((await harness.store.sentCards.getSentCard(TENANT, digested, conversation))?.cardType, 'digest', `${conversation} has the call as a digest line`);
    }

    // Version 2: the jitter fixed and the bad rating gone, so the call no longer alerts.
    const fixed = withoutFeedback(poorRecord(digested, { version: 2, jitterMs: 5 }));
    const entry = await harness.recordCall(fixed);
    assert.equal(entry.alert, false, 'version 2 does not alert');
    harness.connector.clearRequests();
    offset = 31_000;
    await harness.bot.deliverAlerts();
    for (const conversation of [ABBIE_CHAT, ALERTS_CHANNEL.id]) {
      const cards = harness.connector.cardsIn(harness.connector.posts(conversation));
      assert.equal(cards.length, 1, `${conversation} gets the change once`);
      assertValidCard(cards[0]);
      assert.ok(cardSays(cards[0], digested));
      assert.ok(cardSays(cards[0], /version 2/));
      const sent = await harness.store.sentCards.getSentCard(TENANT, digested, conversation);
      assert.deepEqual([sent?.cardType, sent?.version], ['alert', 2]);
    }
    assert.equal(harness.connector.updates().length, 0);

    // Version 3, still not alerting, updates the card version 2 posted, in place (a card once out is kept current).
    const still = await harness.recordCall(withoutFeedback(poorRecord(digested, { version: 3, jitterMs: 6 })));
    assert.equal(still.alert, false, 'version 3 does not alert either');
    harness.connector.clearRequests();
    offset = 62_000;
    await harness.bot.deliverAlerts();
    assert.equal(harness.connector.posts(ABBIE_CHAT).length + harness.connector.posts(ALERTS_CHANNEL.id).length, 0, 'no new post');
    assert.equal(harness.connector.updates(ABBIE_CHAT).length, 1);
    assert.ok(cardSays(harness.connector.cardsIn(harness.connector.updates(ABBIE_CHAT))[0], /version 3/));

    // Version 4 (poor again) updates it once more.
    const worse = await harness.recordCall(withoutFeedback(poorRecord(digested, { version: 4, jitterMs: 90 })));
    assert.equal(worse.alert, true, 'version 4 alerts');
    harness.connector.clearRequests();
    offset = 93_000;
    await harness.bot.deliverAlerts();
    assert.equal(harness.connector.posts(ABBIE_CHAT).length + harness.connector.posts(ALERTS_CHANNEL.id).length, 0, 'no new post');
    assert.equal(harness.connector.updates(ABBIE_CHAT).length, 1);
    assert.ok(cardSays(harness.connector.cardsIn(harness.connector.updates(ABBIE_CHAT))[0], /version 4/));
    assert.deepEqual(await jobStates(), { pending: 0, leased: 0, done: 23, dead: 0 });
  });

  it('defers a second burst while the budget is spent, then delivers it (every job done)', async () => {
    await start();
    await harness.installPersonal(ABBIE);
    for (let index = 0; index < 7; index++) await harness.recordCall(poorRecord(callId(200 + index)));
    await harness.bot.deliverAlerts();
    assert.equal(harness.connector.posts(ABBIE_CHAT).length, 2 + 7, 'welcome (2) and seven cards');

    for (let index = 0; index < 3; index++) await harness.recordCall(poorRecord(callId(300 + index)));
    const deferred = await harness.bot.deliverAlerts();
    assert.equal(deferred.deferred, 3);
    assert.deepEqual(await jobStates(), { pending: 3, leased: 0, done: 7, dead: 0 });

    offset = 31_000;
    await harness.bot.deliverAlerts();
    assert.deepEqual(await jobStates(), { pending: 0, leased: 0, done: 10, dead: 0 });
    assert.equal(harness.connector.posts(ABBIE_CHAT).length, 2 + 7 + 3);
  });

  it('sends the admins\' channel only poor-quality calls with ALERT_CHANNEL_POLICY=poor', async () => {
    await start({ config: { alerts: { channelPolicy: 'poor' } } });
    await harness.installPersonal(ABBIE);
    await harness.setUpAdminsChannel();
    harness.connector.clearRequests();
    await harness.recordCall(ratedBadRecord(callId(12)));
    await harness.recordCall(poorRecord(callId(13)));
    await harness.bot.deliverAlerts();
    assert.equal(harness.connector.posts(ABBIE_CHAT).length, 2, 'the organizer hears about both');
    const channelCards = harness.connector.cardsIn(harness.connector.posts(ALERTS_CHANNEL.id));
    assert.equal(channelCards.length, 1);
    assert.ok(cardSays(channelCards[0], callId(13)));
    assert.deepEqual(await jobStates(), { pending: 0, leased: 0, done: 2, dead: 0 });
  });

  it('acknowledges from a card: records who, answers with the refreshed card and updates every copy', async () => {
    await start();
    await harness.installPersonal(ABBIE);
    await harness.setUpAdminsChannel();
    await harness.recordCall(poorRecord(callId(14)));
    await harness.bot.deliverAlerts();
    const sent = await harness.store.sentCards.listSentCards(TENANT, callId(14));
    const channelCard = sent.find((card) => card.conversationKey === ALERTS_CHANNEL.id)!;
    const [adminsCard] = harness.connector.cardsIn(harness.connector.posts(ALERTS_CHANNEL.id));
    const acknowledge = executeActions(adminsCard).find((action) => action.verb === CARD_ACTIONS.acknowledge)!;
    harness.connector.clearRequests();

    const thread = { isGroup: true, conversationType: 'channel', tenantId: TENANT, id: `${ALERTS_CHANNEL.id};messageid=${channelCard.activityId}` };
    const response = await harness.send(
      harness.cardAction(thread, ADMIN, acknowledge.verb, acknowledge.data, channelCard.activityId, { channel: ALERTS_CHANNEL, team: { id: 'team' } }),
    );
    assert.equal(response.status, 200);
    assert.equal(response.body.statusCode, 200);
    assert.equal(response.body.type, 'application/vnd.microsoft.card.adaptive');
    assertValidCard(response.body.value);
    assert.ok(cardSays(response.body.value, ADMIN.name), 'the refreshed card shows who acknowledged');
    assert.ok(!executeActions(response.body.value).some((action) => action.verb === CARD_ACTIONS.acknowledge), 'and no longer offers the button');

    const updates = harness.connector.updates();
    assert.deepEqual(updates.map((request) => request.conversationId).sort(), [ABBIE_CHAT, thread.id].sort(), 'the clicked card and the organizer\'s copy are updated');
    for (const card of harness.connector.cardsIn(updates)) assert.ok(cardSays(card, ADMIN.name));
    for (const card of await harness.store.sentCards.listSentCards(TENANT, callId(14))) {
      assert.match(card.acknowledgedBy ?? '', /Ada Admin/);
    }
  });

  it('mutes the organizer from their card: no 1:1 alerts meanwhile, and the admins\' card says so', async () => {
    await start();
    await harness.installPersonal(ABBIE);
    await harness.setUpAdminsChannel();
    await harness.recordCall(poorRecord(callId(15)));
    await harness.bot.deliverAlerts();
    const personalCard = (await harness.store.sentCards.listSentCards(TENANT, callId(15))).find((card) => card.conversationKey === ABBIE_CHAT)!;
    const [organizerCard] = harness.connector.cardsIn(harness.connector.posts(ABBIE_CHAT).slice(-1));
    const mute = executeActions(organizerCard).find((action) => action.verb === CARD_ACTIONS.mute)!;

    const response = await harness.send(harness.cardAction(harness.personalConversation(ABBIE), ABBIE, mute.verb, mute.data, personalCard.activityId));
    assert.equal(response.status, 200);
    assert.ok(cardSays(response.body.value, /[Mm]uted/), 'the card says the alerts are muted');
    assert.ok(!executeActions(response.body.value).some((action) => action.verb === CARD_ACTIONS.mute));

    harness.connector.clearRequests();
    await harness.recordCall(poorRecord(callId(16)));
    await harness.bot.deliverAlerts();
    assert.equal(harness.connector.posts(ABBIE_CHAT).length, 0, 'a muted organizer gets no card');
    const [adminsCard] = harness.connector.cardsIn(harness.connector.posts(ALERTS_CHANNEL.id));
    assert.ok(cardSays(adminsCard, /muted their alerts/));
    assert.deepEqual(await jobStates(), { pending: 0, leased: 0, done: 2, dead: 0 });
  });

  it("delivers in the background once started; wakeDelivery() ends its idle wait (the worker's own wake is tested in test/app.test.ts)", async () => {
    await start({ delivery: { idleMs: 60_000 } });
    await harness.installPersonal(ABBIE);
    harness.bot.startDelivery();
    await harness.recordCall(poorRecord(callId(17)));
    harness.bot.wakeDelivery();
    await harness.connector.waitFor(() => harness.connector.posts(ABBIE_CHAT).length === 3);
    await harness.bot.stop();
    assert.deepEqual(await jobStates(), { pending: 0, leased: 0, done: 1, dead: 0 });
  });
});

/** The record with every participant's rating removed (so it alerts only on its streams). */
function withoutFeedback<T>(value: T): T {
  if (Array.isArray(value)) value.forEach(withoutFeedback);
  else if (value && typeof value === 'object') {
    delete (value as Record<string, unknown>).feedback;
    Object.values(value).forEach(withoutFeedback);
  }
  return value;
}
