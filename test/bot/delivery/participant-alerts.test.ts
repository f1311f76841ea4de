import assert from 'node:assert/strict';
import { assessCall, CARD_ACTIONS, type ParticipantAlerts } from '../../../src/alerts';
import { storedReportOf } from '../../../src/ingest';
import type { PlaceEndpoint } from '../../../src/insights';
import { resolveScoringOptions, type JsonObject } from '../../../src/quality';
import { meetingPerson, meetingRecord, type MeetingPerson } from '../../support/group-call-record';
import { ABBIE, ADMIN, ALERTS_CHANNEL, BotHarness, OWEN, TENANT, type TestUser } from '../bot-harness';
import { assertValidCard, cardSays, executeActions } from '../card-inspection';

const OLGA: TestUser = { id: '29:olga', name: 'Olga Ahlgren', aadObjectId: '0a1a0000-0000-0000-0000-00000000a01a' };
const SAM: TestUser = { id: '29:sam', name: 'Sam Chen', aadObjectId: '0c3c0000-0000-0000-0000-00000000c03c' };

/** The people of the meeting: Owen on HQ Wi-Fi sends 80 ms jitter (poor above 30 ms); Olga, in the branch office, rates it poor. */
function attendee(user: TestUser, extra: Partial<MeetingPerson>): MeetingPerson {
  return meetingPerson(user.aadObjectId, user.name, { tenantId: TENANT, ...extra });
}
const ABBIE_AT = attendee(ABBIE, { ip: '10.1.0.21' });
const OWEN_AT = attendee(OWEN, { ip: '10.1.0.33', connectionType: 'wifi', sentJitterMs: 80 });
const OLGA_AT = attendee(OLGA, { ip: '10.2.0.44', subnet: '10.2.0.0', rating: 'poor' });
const SAM_AT = attendee(SAM, { ip: '10.2.0.55', subnet: '10.2.0.0' });

/** The building file of the test: HQ and the branch office. */
const place: PlaceEndpoint = ({ subnet }) =>
  subnet === '10.1.0.0' ? { buildingName: 'HQ Tower', networkName: 'HQ Floor 1' } : subnet === '10.2.0.0' ? { buildingName: 'Branch Office', networkName: 'Branch LAN' } : null;

function chatOf(user: TestUser): string {
  return `a:chat-with-${user.id.slice(3)}`;
}

/** What nobody but the person themselves may see of someone: name, Entra id, UPN, address, building. */
function detailsOf(person: MeetingPerson, building: string | null): string[] {
  return [person.name, person.id, person.upn, person.ip, ...(building ? [building] : [])];
}

describe('bot: alerts to the participants who suffered (ALERT_PARTICIPANTS)', () => {
  let harness: BotHarness;

  afterEach(async () => {
    await harness?.close();
  });

  async function start(participants: ParticipantAlerts) {
    harness = await BotHarness.start({ config: { alerts: { channelPolicy: 'all', participants } } });
    for (const user of [ABBIE, OWEN, OLGA, SAM]) await harness.installPersonal(user);
    await harness.setUpAdminsChannel();
    harness.connector.clearRequests();
  }

  async function record(call: JsonObject): Promise<void> {
    const { report, summary } = assessCall(call, resolveScoringOptions({}), { place });
    await harness.store.reports.recordReport(storedReportOf({ tenantId: TENANT, callId: String(call.id) }, call, report, summary, Date.now()), report.alert);
  }

  function meeting(id: string, people: MeetingPerson[] = [ABBIE_AT, OWEN_AT, OLGA_AT, SAM_AT], version = 1): JsonObject {
    return meetingRecord({ id, version, organizer: ABBIE_AT, people });
  }

  it('poor-side: tells only the person whose side was poor, with nobody else\'s details, and one fix', async () => {
    await start('poor-side');
    await record(meeting('11111111-0000-4000-8000-000000000001'));
    await harness.bot.deliverAlerts();

    const posts = harness.connector.posts(chatOf(OWEN));
    assert.equal(posts.length, 1, 'Owen gets one card');
    assert.equal(harness.connector.posts(chatOf(OLGA)).length, 0, 'Olga only rated it: not under poor-side');
    assert.equal(harness.connector.posts(chatOf(SAM)).length, 0, 'Sam had no trouble');
    assert.equal(harness.connector.posts(chatOf(ABBIE)).length, 1, 'the organizer gets their own card, once');

    const [card] = harness.connector.cardsIn(posts);
    assertValidCard(card);
    const json = JSON.stringify(card);
    // Abbie works in HQ Tower like Owen, so that building is his own too.
    for (const detail of [...detailsOf(ABBIE_AT, null), ...detailsOf(OLGA_AT, 'Branch Office'), ...detailsOf(SAM_AT, null)]) {
      assert.ok(!json.includes(detail), `Owen's card does not show ${detail}`);
    }
    assert.ok(!json.includes('★★☆☆☆'), "nobody else's rating");
    assert.ok(cardSays(card, /Audio you sent: Jitter 80 ms \(poor above 30 ms\)/), 'his own poor stream');
    assert.ok(cardSays(card, /Owen Franklin \(HQ Tower.*\) was on Wi-Fi/), 'what his own side shows');
    assert.ok(cardSays(card, /network cable/), 'one fix for Wi-Fi');
    assert.equal(executeActions(card).length, 0, 'no button that would answer with the organizer\'s card');

    const [admins] = harness.connector.cardsIn(harness.connector.posts(ALERTS_CHANNEL.id));
    assert.ok(cardSays(admins, /Branch Office/), 'the admins\' card does name the other buildings (so the check above means something)');
    const sent = await harness.store.sentCards.listSentCards(TENANT, '11111111-0000-4000-8000-000000000001');
    assert.equal(sent.find((item) => item.conversationKey === chatOf(OWEN))?.cardType, 'participant');
    assert.deepEqual(await harness.store.reports.alertJobStats(), { pending: 0, leased: 0, done: 1, dead: 0 });
  });

  it('raters: also tells whoever rated the call bad or poor, about their side only', async () => {
    await start('raters');
    await record(meeting('11111111-0000-4000-8000-000000000002'));
    await harness.bot.deliverAlerts();
    assert.equal(harness.connector.posts(chatOf(OWEN)).length, 1);
    assert.equal(harness.connector.posts(chatOf(SAM)).length, 0);
    const [card] = harness.connector.cardsIn(harness.connector.posts(chatOf(OLGA)));
    assertValidCard(card);
    assert.ok(cardSays(card, 'You rated a call poor'));
    const json = JSON.stringify(card);
    for (const detail of [...detailsOf(OWEN_AT, 'HQ Tower'), ...detailsOf(ABBIE_AT, null), ...detailsOf(SAM_AT, null)]) {
      assert.ok(!json.includes(detail), `Olga's card does not show ${detail}`);
    }
  });

  it('tells nobody with ALERT_PARTICIPANTS=off', async () => {
    await start('off');
    await record(meeting('11111111-0000-4000-8000-000000000003'));
    await harness.bot.deliverAlerts();
    for (const user of [OWEN, OLGA, SAM]) assert.equal(harness.connector.posts(chatOf(user)).length, 0);
  });

  it('sends nothing to a participant who muted their alerts, and still completes the job', async () => {
    await start('raters');
    await harness.ask(harness.personalMessage('mute 8', OWEN));
    harness.connector.clearRequests();
    await record(meeting('11111111-0000-4000-8000-000000000004'));
    await harness.bot.deliverAlerts();
    assert.equal(harness.connector.posts(chatOf(OWEN)).length, 0, 'Owen muted');
    assert.equal(harness.connector.posts(chatOf(OLGA)).length, 1, 'Olga did not');
    assert.deepEqual(await harness.store.reports.alertJobStats(), { pending: 0, leased: 0, done: 1, dead: 0 });
  });

  it('does not tell the organizer twice when their own side was poor too', async () => {
    await start('poor-side');
    const poorOrganizer = { ...ABBIE_AT, sentJitterMs: 90 };
    await record(meeting('11111111-0000-4000-8000-000000000005', [poorOrganizer, OWEN_AT, SAM_AT]));
    await harness.bot.deliverAlerts();
    const organizerPosts = harness.connector.posts(chatOf(ABBIE));
    assert.equal(organizerPosts.length, 1);
    assert.ok(cardSays(harness.connector.cardsIn(organizerPosts)[0], /Poor call quality/), 'the one card is the organizer\'s alert');
    assert.equal(harness.connector.posts(chatOf(OWEN)).length, 1);
  });

  it('updates the participant\'s card when a newer version no longer puts a poor stream on their side', async () => {
    await start('poor-side');
    const callId = '11111111-0000-4000-8000-000000000006';
    await record(meeting(callId));
    await harness.bot.deliverAlerts();
    const first = (await harness.store.sentCards.getSentCard(TENANT, callId, chatOf(OWEN)))!;
    harness.connector.clearRequests();

    // Version 2: Owen's audio is fine now, Sam's is poor (the call still alerts).
    await record(meeting(callId, [ABBIE_AT, { ...OWEN_AT, sentJitterMs: 10 }, OLGA_AT, { ...SAM_AT, sentJitterMs: 70 }], 2));
    await harness.bot.deliverAlerts();
    assert.equal(harness.connector.posts(chatOf(OWEN)).length, 0, 'nothing new for Owen');
    const updates = harness.connector.updates(chatOf(OWEN));
    assert.equal(updates.length, 1);
    assert.equal(updates[0]!.activityId, first.activityId);
    const [card] = harness.connector.cardsIn(updates);
    assert.ok(cardSays(card, 'Your side of this call looks fine now'));
    assert.ok(!JSON.stringify(card).includes(SAM_AT.name), "the update does not name Sam, whose side is poor now");
    assert.equal(harness.connector.posts(chatOf(SAM)).length, 1, 'Sam gets a card of his own');
    assert.equal((await harness.store.sentCards.getSentCard(TENANT, callId, chatOf(OWEN)))?.version, 2);
  });

  it("leaves a participant's card alone when an admin acknowledges the alert", async () => {
    await start('poor-side');
    const callId = '11111111-0000-4000-8000-000000000007';
    await record(meeting(callId));
    await harness.bot.deliverAlerts();
    const channelCard = (await harness.store.sentCards.getSentCard(TENANT, callId, ALERTS_CHANNEL.id))!;
    const [adminsCard] = harness.connector.cardsIn(harness.connector.posts(ALERTS_CHANNEL.id));
    const acknowledge = executeActions(adminsCard).find((action) => action.verb === CARD_ACTIONS.acknowledge)!;
    harness.connector.clearRequests();
    const thread = { isGroup: true, conversationType: 'channel', tenantId: TENANT, id: `${ALERTS_CHANNEL.id};messageid=${channelCard.activityId}` };
    const response = await harness.send(harness.cardAction(thread, ADMIN, acknowledge.verb, acknowledge.data, channelCard.activityId, { channel: ALERTS_CHANNEL }));
    assert.equal(response.status, 200);
    const updated = harness.connector.updates().map((request) => request.conversationId);
    assert.ok(updated.includes(chatOf(ABBIE)), "the organizer's copy is updated");
    assert.ok(!updated.includes(chatOf(OWEN)), "Owen's card is not turned into the organizer's");
    assert.equal((await harness.store.sentCards.getSentCard(TENANT, callId, chatOf(OWEN)))?.acknowledgedBy, null);
  });

  it("folds a participant's burst into a digest within their chat's budget, each line about their side only", async () => {
    await start('poor-side');
    // Ten meetings at once, Owen poor in each (80 to 89 ms): Teams allows 7 messages a second in his chat.
    const ids = Array.from({ length: 10 }, (_, index) => `11111111-0000-4000-8000-0000000001${String(index).padStart(2, '0')}`);
    for (const [index, id] of ids.entries()) await record(meeting(id, [ABBIE_AT, { ...OWEN_AT, sentJitterMs: 80 + index }, OLGA_AT, SAM_AT]));
    const round = await harness.bot.deliverAlerts();
    assert.equal(round.jobs, 10);
    const cards = harness.connector.cardsIn(harness.connector.posts(chatOf(OWEN)));
    assert.equal(cards.length, 7, 'six cards and one digest');
    cards.forEach(assertValidCard);
    const digest = cards.at(-1);
    assert.ok(cardSays(digest, /^4 calls with poor quality or ratings$/));
    assert.ok(cardSays(digest, /Jitter 8[0-3] ms/), 'the lines give his own worst stream: the four lowest jitters were folded');
    const json = JSON.stringify(digest);
    for (const detail of [...detailsOf(ABBIE_AT, null), ...detailsOf(OLGA_AT, 'Branch Office'), ...detailsOf(SAM_AT, null)]) {
      assert.ok(!json.includes(detail), `the digest does not show ${detail}`);
    }
    assert.deepEqual(await harness.store.reports.alertJobStats(), { pending: 0, leased: 0, done: 10, dead: 0 });
  });
});
