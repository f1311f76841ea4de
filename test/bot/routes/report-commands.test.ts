import assert from 'node:assert/strict';
import type { AdaptiveCardDocument } from '../../../src/alerts';
import { ReportSchedule } from '../../../src/config';
import { weeklyReportOffIn } from '../../../src/settings';
import { ADMIN, ALERTS_CHANNEL, BotHarness, OWEN, TEAM, TENANT } from '../bot-harness';
import { cardSays } from '../card-inspection';
import { keepCall, olgaCallsRay } from '../../support/kept-calls';

/** Wednesday 2026-03-25 12:00 UTC. */
const NOW = Date.UTC(2026, 2, 25, 12);

describe('bot: report now, on and off', () => {
  let harness: BotHarness;
  const asked: Array<[string, number]> = [];

  beforeEach(async () => {
    asked.length = 0;
    harness = await BotHarness.start({
      clock: () => NOW,
      config: { report: { schedule: ReportSchedule.parse('0 9 * * 1', 'Europe/Paris') } },
      weeklyReportCard: async (tenantId, weekEnd) => {
        asked.push([tenantId, weekEnd]);
        return { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'The week' }] } as AdaptiveCardDocument;
      },
    });
    await harness.setUpAdminsChannel();
  });
  afterEach(() => harness.close());

  async function say(text: string, from = ADMIN, channel: { id: string; name: string } | null = ALERTS_CHANNEL) {
    return harness.ask(channel ? harness.channelMessage(text, from, { channel }) : harness.personalMessage(text, from));
  }

  it('"report now" posts the last seven days here at once', async () => {
    const { cards, posted } = await say('report now');
    assert.equal(cards.length, 1);
    assert.equal(cards[0].body[0].text, 'The week');
    assert.deepEqual(asked, [[TENANT, NOW]]);
    assert.equal(posted[0]!.body.summary, 'Call quality, the last seven days');
  });

  it('"report now" shows the figures the history holds when no card is given (the default)', async () => {
    await harness.close();
    harness = await BotHarness.start({ clock: () => NOW });
    await harness.setUpAdminsChannel();
    // The seven UTC days before Wednesday 03-25: 03-18 to 03-24.
    await keepCall(harness.store, olgaCallsRay('in-the-week', Date.UTC(2026, 2, 20, 10)));
    await keepCall(harness.store, olgaCallsRay('today', Date.UTC(2026, 2, 25, 8)));
    const { cards } = await say('report now');
    assert.equal(cards.length, 1);
    assert.ok(cardSays(cards[0], '1 call scored, 1 with an alert.'));
  });

  it('"report off" stops the weekly report in this channel; "report on" brings it back and says when it is due', async () => {
    const off = await say('report off');
    assert.deepEqual(off.texts, ['Done: the weekly report will no longer be posted in this channel. Say "report on" to have it again.']);
    assert.equal(await weeklyReportOffIn(harness.store.settings, ALERTS_CHANNEL.id), true);
    const on = await say('report on');
    // The Monday after Wednesday 2026-03-25, 09:00 in Paris.
    assert.deepEqual(on.texts, ['Done: the weekly report will be posted in this channel; the next one is due Monday 2026-03-30 09:00 (Europe/Paris).']);
    assert.equal(await weeklyReportOffIn(harness.store.settings, ALERTS_CHANNEL.id), false);
  });

  it('says when the channel is not the one the report goes to', async () => {
    const { texts } = await say('report on', ADMIN, { id: TEAM.id, name: 'General' });
    assert.match(texts[0]!, /^Done, but this channel does not get the admins' alerts, and the weekly report goes where they go: say "alert here"/);
  });

  it('is for admins, in a channel', async () => {
    for (const action of ['now', 'on', 'off']) {
      const { texts, cards } = await say(`report ${action}`, OWEN);
      assert.equal(cards.length, 0);
      assert.match(texts[0]!, /^Sorry, only the bot's admins can (post the weekly report|turn the weekly report (on|off))/);
      const personal = await say(`report ${action}`, ADMIN, null);
      assert.deepEqual(personal.texts, [`Say "report ${action}" in the team channel that gets the admins' alerts.`]);
    }
    assert.deepEqual(asked, []);
    assert.equal(await weeklyReportOffIn(harness.store.settings, ALERTS_CHANNEL.id), false);
  });
});
