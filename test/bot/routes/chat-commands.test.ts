import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { assessCall } from '../../../src/alerts';
import type { FetchAndScore } from '../../../src/bot';
import { healthReport, IngestStatus } from '../../../src/ingest';
import { resolveScoringOptions } from '../../../src/quality';
import { parseBuildingFile } from '../../../src/sites';
import { currentScoringOptions, mutedUntil } from '../../../src/settings';
import { ABBIE, ADMIN, ALERTS_CHANNEL, BotHarness, OWEN, poorRecord, ratedBadRecord, TEAM, TENANT } from '../bot-harness';
import { cardSays, executeActions } from '../card-inspection';

describe('bot: chat commands over HTTP', () => {
  let harness: BotHarness;
  let scratch: string;

  beforeEach(async () => {
    scratch = mkdtempSync(path.join(tmpdir(), 'bot-commands-'));
  });

  afterEach(async () => {
    await harness?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('answers help with the help card listing every command, in a 1:1 chat and in a channel with or without the @mention', async () => {
    harness = await BotHarness.start();
    for (const activity of [
      harness.personalMessage('help'),
      harness.channelMessage('help', OWEN),
      harness.channelMessage('help', OWEN, { mention: false }),
    ]) {
      const { cards, posted } = await harness.ask(activity);
      assert.equal(cards.length, 1);
      for (const command of ['status', 'recent', 'check', 'thresholds', 'set threshold', 'profile', 'alert here', 'mute', 'unmute']) {
        assert.ok(cardSays(cards[0], command), `the help card lists "${command}"`);
      }
      // A channel message is answered in its thread (a reply), a 1:1 message in the chat.
      assert.equal(posted[0]!.conversationId, (activity.conversation as { id: string }).id);
    }
  });

  it('answers anything else with the help card', async () => {
    harness = await BotHarness.start();
    const { texts, cards } = await harness.ask(harness.personalMessage('what is the weather'));
    assert.match(texts[0]!, /I don't know "what is the weather"/);
    assert.equal(cards.length, 1);
    assert.ok(cardSays(cards[0], 'thresholds'));
  });

  it('answers status with subscriptions, the last notification, the inbox and the alerts sent in 24 hours', async () => {
    const ingestStatus = new IngestStatus();
    ingestStatus.recordBatch(Date.now() - 5 * 60_000, 1, { clientState: 0, tenant: 0, malformed: 0 });
    harness = await BotHarness.start({ dataFlow: { ingestStatus, expectedTenants: [TENANT] } });
    await harness.store.subscriptions.putSubscription({
      tenantId: TENANT,
      subscriptionId: 'sub-1234',
      resource: '/communications/callRecords',
      expiresAt: Date.now() + 2 * 24 * 3_600_000 + 60_000,
      notificationUrl: 'https://bot.example.com/api/notifications',
      updatedAt: Date.now(),
    });
    await harness.store.inbox.enqueue([{ tenantId: TENANT, callId: 'c-1', source: 'notification' }], Date.now());
    await harness.store.sentCards.putSentCard({
      tenantId: TENANT, callId: 'c-0', conversationKey: 'k', activityId: 'a', version: 1, cardType: 'alert', sentAt: Date.now() - 3_600_000, updatedAt: Date.now(), acknowledgedBy: null,
    });
    const { cards } = await harness.ask(harness.personalMessage('status'));
    assert.equal(cards.length, 1);
    const card = cards[0];
    assert.ok(cardSays(card, 'sub-1234'), 'the subscription is listed');
    assert.ok(cardSays(card, /^in 2 days/), 'with its expiry');
    assert.ok(cardSays(card, /^5 min ago/), 'the last notification time from the status provider');
    assert.ok(cardSays(card, /1 waiting/), 'the inbox depth by state');
    assert.ok(cardSays(card, 'Alerts sent (24 h)'));
    assert.ok(cardSays(card, /^1$/), 'one alert sent in the last 24 hours');
  });

  it('gives status the same verdict and reasons as /healthz (one function decides both)', async () => {
    const ingestStatus = new IngestStatus();
    harness = await BotHarness.start({ dataFlow: { ingestStatus, expectedTenants: [TENANT, '5f1c8a2e-0000-4000-8000-00000000beef'] } });
    // One tenant without a subscription and a record that died: degraded, for two reasons.
    await harness.store.subscriptions.putSubscription({
      tenantId: TENANT, subscriptionId: 'sub-1', resource: '/communications/callRecords', expiresAt: Date.now() + 86_400_000, notificationUrl: 'https://bot.example.com/api/notifications', updatedAt: Date.now(),
    });
    await harness.store.inbox.enqueue([{ tenantId: TENANT, callId: 'c-dead', source: 'notification' }], Date.now());
    const [item] = await harness.store.inbox.claim(Date.now(), 1, 60_000);
    await harness.store.inbox.kill(item!, Date.now(), 'Graph returned a document that is not a call record.');
    const health = await healthReport(harness.store, ingestStatus, Date.now(), [TENANT, '5f1c8a2e-0000-4000-8000-00000000beef']);
    assert.equal(health.status, 'degraded');
    assert.equal(health.reasons.length, 2);
    const { cards } = await harness.ask(harness.personalMessage('status'));
    assert.ok(cardSays(cards[0], /^Running, with warnings$/), 'the card says degraded too');
    for (const reason of health.reasons) assert.ok(cardSays(cards[0], reason.summary), `the card gives the reason: ${reason.summary}`);
  });

  it('answers recent N with the last n calls that alerted, newest first', async () => {
    harness = await BotHarness.start();
    const base = Date.parse('2026-01-01T10:00:00Z');
    for (const [index, id] of ['11111111-0000-0000-0000-000000000001', '11111111-0000-0000-0000-000000000002', '11111111-0000-0000-0000-000000000003'].entries()) {
      const record = poorRecord(id);
      record.startDateTime = new Date(base + index * 3_600_000).toISOString();
      record.endDateTime = new Date(base + index * 3_600_000 + 600_000).toISOString();
      await harness.recordCall(record);
    }
    const { cards } = await harness.ask(harness.personalMessage('recent 2'));
    assert.equal(cards.length, 1);
    assert.ok(cardSays(cards[0], '11111111-0000-0000-0000-000000000003'));
    assert.ok(cardSays(cards[0], '11111111-0000-0000-0000-000000000002'));
    assert.ok(!cardSays(cards[0], '11111111-0000-0000-0000-000000000001'), 'only two calls are listed');
    const { texts } = await harness.ask(harness.personalMessage('recent lots'));
    assert.match(texts[0]!, /"recent" takes a number/);
  });

  it('answers check CALL-ID with the alert card of the call fetched and scored now', async () => {
    const asked: string[] = [];
    const fetchAndScore: FetchAndScore = async (tenantId, callId) => {
      asked.push(`${tenantId}/${callId}`);
      return assessCall(poorRecord(callId), resolveScoringOptions({}));
    };
    harness = await BotHarness.start({ fetchAndScore });
    const callId = '2f1a1100-b174-40a0-aba7-0b405e01ed92';
    const { cards } = await harness.ask(harness.personalMessage(`check ${callId}`));
    assert.deepEqual(asked, [`${TENANT}/${callId}`]);
    assert.equal(cards.length, 1);
    assert.ok(cardSays(cards[0], callId));
    assert.ok(cardSays(cards[0], /Jitter/), 'the poor stream is shown');
    // The call is not stored, so Acknowledge or Mute would answer "I no longer have call …".
    assert.deepEqual(executeActions(cards[0]), [], 'no Acknowledge or Mute on a check card');
    assert.match(JSON.stringify(cards[0]), /"type":"Action.ToggleVisibility","id":"[^"]+","title":"Details"/);
  });

  it("answers check with what the sender may see: admins any call in full, others only their own calls, and only in a 1:1 chat", async () => {
    const asked: string[] = [];
    const callId = '2f1a1100-b174-40a0-aba7-0b405e01ed92';
    // Abbie organized the call and Owen took part (he rated it poor); Nina had nothing to do with it.
    const NINA = { id: '29:nina', name: 'Nina Stranger', aadObjectId: '0b0b0b0b-0000-4000-8000-00000000000b' };
    const fetchAndScore: FetchAndScore = async (_tenantId, id) => {
      asked.push(id);
      return assessCall(poorRecord(id), resolveScoringOptions({}));
    };
    harness = await BotHarness.start({ fetchAndScore });

    const admin = await harness.ask(harness.personalMessage(`check ${callId}`, ADMIN));
    assert.match(JSON.stringify(admin.cards[0]), /admin\.teams\.microsoft\.com/, 'the admins\' card, with Teams admin center');
    assert.ok(cardSays(admin.cards[0], 'Owen Franklin') && cardSays(admin.cards[0], /Jitter/), 'every participant and every poor stream');

    const organizer = await harness.ask(harness.personalMessage(`check ${callId}`, ABBIE));
    assert.ok(cardSays(organizer.cards[0], /^Your peer-to-peer call · /), "the organizer's card of her own call");
    assert.doesNotMatch(JSON.stringify(organizer.cards[0]), /admin\.teams\.microsoft\.com/);

    const participant = await harness.ask(harness.personalMessage(`check ${callId}`, OWEN));
    assert.ok(cardSays(participant.cards[0], /only your side of the call/), 'his own side only');
    assert.ok(cardSays(participant.cards[0], /☆ poor$/), 'with his rating (the fixture: the callee rated it poor)');
    assert.ok(!cardSays(participant.cards[0], 'Abbie Wilkins'), 'naming nobody else');

    const stranger = await harness.ask(harness.personalMessage(`check ${callId}`, NINA));
    assert.equal(stranger.cards.length, 0);
    assert.equal(stranger.texts[0], `Call ${callId} is not one you organized or took part in, so only the bot's admins can check it (the people in ADMIN_USER_IDS, or the owners of the team where they ask).`);
    assert.deepEqual(asked, [callId, callId, callId, callId]);

    // In a channel everyone reads the answer: only admins are answered, and nothing is fetched for anyone else.
    const inChannel = await harness.ask(harness.channelMessage(`check ${callId}`, ABBIE));
    assert.equal(inChannel.cards.length, 0);
    assert.match(inChannel.texts[0]!, /^Here I check calls only for the bot's admins/);
    assert.equal(asked.length, 4);
  });

  it('says so when check cannot fetch the record, or Graph is not configured', async () => {
    harness = await BotHarness.start({
      fetchAndScore: async () => {
        throw new Error('Graph answered 404: the call record is not there yet (records appear up to 150 minutes after a call).');
      },
    });
    const { texts } = await harness.ask(harness.personalMessage('check 2f1a1100-b174-40a0-aba7-0b405e01ed92'));
    assert.match(texts[0]!, /could not fetch call record 2f1a1100.*not there yet/);
    await harness.close();

    harness = await BotHarness.start();
    const second = await harness.ask(harness.personalMessage('check 2f1a1100-b174-40a0-aba7-0b405e01ed92'));
    assert.match(second.texts[0]!, /Graph is not configured/);
  });

  it('answers check file:NAME.json with the card of a call record read from disk, and explains a bad file', async () => {
    harness = await BotHarness.start({ recordsDirectory: scratch });
    writeFileSync(path.join(scratch, 'call.json'), JSON.stringify(poorRecord('33333333-0000-0000-0000-000000000003')));
    const { cards } = await harness.ask(harness.personalMessage('check file:call.json'));
    assert.equal(cards.length, 1);
    assert.ok(cardSays(cards[0], '33333333-0000-0000-0000-000000000003'));
    assert.deepEqual(executeActions(cards[0]), [], 'no Acknowledge or Mute on a check card');
    assert.match(JSON.stringify(cards[0]), /"title":"Details"/);
    assert.doesNotMatch(JSON.stringify(cards[0]), /admin\.teams\.microsoft\.com/, 'Abbie is no admin: no Teams admin center button');
    const forAdmin = await harness.ask(harness.personalMessage('check file:call.json', ADMIN));
    assert.match(JSON.stringify(forAdmin.cards[0]), /admin\.teams\.microsoft\.com/, 'an admin gets the way to call analytics');

    writeFileSync(path.join(scratch, 'page.json'), JSON.stringify({ value: [] }));
    const bad = await harness.ask(harness.personalMessage('check file:page.json'));
    assert.match(bad.texts[0]!, /is not a Graph call record: it is a page of a collection/);
    const missing = await harness.ask(harness.personalMessage('check file:nope.json'));
    assert.match(missing.texts[0]!, /no call record file named nope.json in the records folder/);
  });

  it('answers check file: for a call that dropped with the failure on the card and in the summary line', async () => {
    harness = await BotHarness.start({ recordsDirectory: scratch });
    const dropped = ratedBadRecord('33333333-0000-0000-0000-000000000005');
    (dropped.sessions as any[])[0].failureInfo = { stage: 'midcall', reason: 'NetworkDisconnected' };
    writeFileSync(path.join(scratch, 'dropped.json'), JSON.stringify(dropped));
    const { posted, cards } = await harness.ask(harness.personalMessage('check file:dropped.json'));
    assert.equal(posted[0]!.body.summary, 'Call 33333333-0000-0000-0000-000000000005: call dropped');
    assert.ok(cardSays(cards[0], "The session between Abbie Wilkins and Owen Franklin dropped during the call. Graph's reason: “NetworkDisconnected”."));
  });

  it('names the buildings of the stream ends on a check card when the configuration has a building file', async () => {
    const buildings = { map: parseBuildingFile('10.150.0.0,Lab Wi-Fi,16,Remote Lab,,,,,,,,,1,0,0\n10.139.0.0,HQ LAN,16,HQ Building,,,,,,,,,1,0,0') };
    harness = await BotHarness.start({ recordsDirectory: scratch, config: { buildings } });
    writeFileSync(path.join(scratch, 'call.json'), JSON.stringify(poorRecord('33333333-0000-0000-0000-000000000004')));
    const { cards } = await harness.ask(harness.personalMessage('check file:call.json'));
    assert.equal(cards.length, 1);
    // The fixture's caller (Abbie) sent from 10.150.0.2 on Wi-Fi, the callee (Owen) from 10.139.0.12 on a wire.
    assert.ok(cardSays(cards[0], 'Abbie Wilkins (Remote Lab, Wi-Fi) → Owen Franklin (HQ Building, wired)'), JSON.stringify(cards[0]));
  });

  it('reads check file: only from .json files inside the records folder, and never says what lies outside', async () => {
    harness = await BotHarness.start({ recordsDirectory: scratch });
    const outsideDir = mkdtempSync(path.join(tmpdir(), 'cqb-outside-'));
    try {
      writeFileSync(path.join(outsideDir, 'secret.json'), JSON.stringify({ password: 'hunter2-do-not-show' }));
      writeFileSync(path.join(outsideDir, 'record.json'), JSON.stringify(poorRecord('44444444-0000-0000-0000-000000000004')));
      symlinkSync(path.join(outsideDir, 'record.json'), path.join(scratch, 'link.json'));
      // A folder link that leads out: whether a file exists behind it is not told either.
      symlinkSync(outsideDir, path.join(scratch, 'out'));
      writeFileSync(path.join(scratch, 'notes.txt'), 'root:x:0:0');
      writeFileSync(path.join(scratch, 'broken.json'), 'root:x:0:0:root:/root:/bin/bash');
      const answers: string[] = [];
      for (const name of ['/etc/passwd', '/etc/shadow', '/proc/self/environ', '../../../../etc/passwd', `${outsideDir}/secret.json`, '../secret.json', 'notes.txt', 'link.json', `${outsideDir}/missing.json`, '/etc', 'out/secret.json', 'out/missing.json']) {
        const { texts, cards } = await harness.ask(harness.personalMessage(`check file:${name}`));
        assert.equal(cards.length, 0, name);
        answers.push(texts.join(' '));
      }
      assert.equal(new Set(answers).size, 1, `every path outside gets the same answer: ${JSON.stringify([...new Set(answers)])}`);
      assert.match(answers[0]!, /reads only \.json call record files inside the records folder/);
      const broken = await harness.ask(harness.personalMessage('check file:broken.json'));
      assert.match(broken.texts[0]!, /broken.json is not valid JSON/);
      for (const text of [...answers, ...broken.texts]) assert.doesNotMatch(text, /root:x|hunter2|\/bin\/bash/, 'no file content is quoted');
    } finally {
      rmSync(outsideDir, { recursive: true, force: true });
    }
  });

  it('refuses check file: when the bot runs with credentials (files stay private)', async () => {
    harness = await BotHarness.start({ allowLocalFileChecks: false });
    const { texts, cards } = await harness.ask(harness.personalMessage('check file:/etc/passwd'));
    assert.equal(cards.length, 0);
    assert.match(texts[0]!, /only works when the bot runs locally/);
  });

  it('answers thresholds with the profile and every threshold, including admins\' changes', async () => {
    harness = await BotHarness.start();
    const { cards } = await harness.ask(harness.personalMessage('thresholds'));
    assert.equal(cards.length, 1);
    assert.ok(cardSays(cards[0], /cqd/));
    assert.ok(cardSays(cards[0], /30 ms/), 'the default audio jitter threshold');
  });

  it('lets an admin set a threshold and switch profile, persisted for the tenant and used for scoring', async () => {
    harness = await BotHarness.start();
    const done = await harness.ask(harness.personalMessage('set threshold audio.averageJitter 40', ADMIN));
    assert.match(done.texts[0]!, /audio threshold for averageJitter is now 40 ms/);
    let options = await currentScoringOptions(harness.store, TENANT, {});
    assert.equal(options.thresholds.audio.averageJitter, 40);

    const bad = await harness.ask(harness.personalMessage('set threshold audio.frobnication 3', ADMIN));
    assert.match(bad.texts[0]!, /Unknown metric in threshold "audio.frobnication"/);
    const negative = await harness.ask(harness.personalMessage('set threshold video.averageVideoFrameRate -1', ADMIN));
    assert.match(negative.texts[0]!, /must be a number of zero or more/);

    const profile = await harness.ask(harness.channelMessage('profile cqd-classic', ADMIN));
    assert.match(profile.texts[0]!, /profile is now cqd-classic/);
    options = await currentScoringOptions(harness.store, TENANT, {});
    assert.equal(options.profile, 'cqd-classic');
    const unknown = await harness.ask(harness.personalMessage('profile fancy', ADMIN));
    assert.match(unknown.texts[0]!, /Unknown quality profile "fancy"/);

    const shown = await harness.ask(harness.personalMessage('thresholds'));
    assert.ok(cardSays(shown.cards[0], /cqd-classic/));
  });

  it('politely refuses admin commands to non-admins and changes nothing', async () => {
    harness = await BotHarness.start();
    for (const text of ['set threshold audio.averageJitter 99', 'profile cqd-classic']) {
      const { texts } = await harness.ask(harness.personalMessage(text, OWEN));
      assert.match(texts[0]!, /^Sorry, only the bot's admins can/);
    }
    const inChannel = await harness.ask(harness.channelMessage('alert here', OWEN, { channel: ALERTS_CHANNEL }));
    assert.match(inChannel.texts[0]!, /^Sorry, only the bot's admins can choose the admins' channel/);
    const options = await currentScoringOptions(harness.store, TENANT, {});
    assert.equal(options.profile, 'cqd');
    assert.equal(options.thresholds.audio.averageJitter, 30);
    assert.equal(await harness.store.conversations.getConversation(ALERTS_CHANNEL.id), undefined);
  });

  it('treats the owners of the team as admins (ownership from the injected Graph check)', async () => {
    const checked: unknown[] = [];
    harness = await BotHarness.start({
      isTeamOwner: async (request) => {
        checked.push(request);
        return request.userAadId === OWEN.aadObjectId;
      },
    });
    const { texts } = await harness.ask(harness.channelMessage('set threshold video.averageVideoFrameRate 10', OWEN));
    assert.match(texts[0]!, /video threshold for averageVideoFrameRate is now 10 fps/);
    assert.deepEqual(checked, [{ tenantId: TENANT, teamAadGroupId: TEAM.aadGroupId, userAadId: OWEN.aadObjectId }]);
    const notOwner = await harness.ask(harness.channelMessage('profile cqd-classic', ABBIE));
    assert.match(notOwner.texts[0]!, /^Sorry/);
  });

  it('lets an admin choose the admins\' channel with alert here and stop it with alert off, in a channel only', async () => {
    harness = await BotHarness.start();
    await harness.send(harness.teamMembership(ADMIN, 'added'));
    const personal = await harness.ask(harness.personalMessage('alert here', ADMIN));
    assert.match(personal.texts[0]!, /in the team channel/);

    const here = await harness.ask(harness.channelMessage('alert here', ADMIN, { channel: ALERTS_CHANNEL, mention: false }));
    assert.match(here.texts[0]!, /every alert will be posted in the Call alerts channel/);
    const record = await harness.store.conversations.getConversation(ALERTS_CHANNEL.id);
    assert.equal(record?.kind, 'channel');
    assert.equal(record?.teamId, TEAM.id);
    assert.equal((record?.reference as { conversation: { id: string } }).conversation.id, ALERTS_CHANNEL.id, 'the reference is the channel, not the thread');

    const elsewhere = await harness.ask(harness.channelMessage('alert off', ADMIN));
    assert.match(elsewhere.texts[0]!, /nothing to stop here/);
    const off = await harness.ask(harness.channelMessage('alert off', ADMIN, { channel: ALERTS_CHANNEL }));
    assert.match(off.texts[0]!, /no longer be posted here/);
  });

  it('mutes and unmutes the sender\'s alerts', async () => {
    harness = await BotHarness.start();
    const muted = await harness.ask(harness.personalMessage('mute 8'));
    assert.match(muted.texts[0]!, /muted until \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    const until = await mutedUntil(harness.store.settings, ABBIE.aadObjectId, Date.now());
    assert.ok(until !== null && Math.abs(until - (Date.now() + 8 * 3_600_000)) < 60_000, 'muted for 8 hours');
    const unmuted = await harness.ask(harness.personalMessage('unmute'));
    assert.match(unmuted.texts[0]!, /alerts are on again/);
    assert.equal(await mutedUntil(harness.store.settings, ABBIE.aadObjectId, Date.now()), null);
    const bad = await harness.ask(harness.personalMessage('mute forever'));
    assert.match(bad.texts[0]!, /"mute" takes a number of hours/);
  });

  it('keeps a 1:1 chat that talks to the bot as a conversation reference (and revives a dead one)', async () => {
    harness = await BotHarness.start();
    const key = String(harness.personalConversation(OWEN).id);
    await harness.send(harness.personalMessage('help', OWEN));
    assert.equal((await harness.store.conversations.getConversation(key))?.userAadId, OWEN.aadObjectId);
    await harness.store.conversations.markConversationDead(key, '403 MessageWritesBlocked');
    await harness.send(harness.personalMessage('help', OWEN));
    assert.equal((await harness.store.conversations.getConversation(key))?.deadReason, null);
  });
});
