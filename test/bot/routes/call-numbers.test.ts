import assert from 'node:assert/strict';
import { assessCall } from '../../../src/alerts';
import type { FetchAndScore } from '../../../src/bot';
import { resolveScoringOptions } from '../../../src/quality';
import { keepCalls, OLGA, twoWeeks } from '../../support/history-calls';
import { ABBIE, BotHarness, OWEN, poorRecord, TENANT, type TestUser } from '../bot-harness';
import { cardSays } from '../card-inspection';

/** Olga of the hand-built history, as a Teams user (an ordinary user). */
const OLGA_USER: TestUser = { id: '29:olga', name: 'Olga Ahlgren', aadObjectId: OLGA.userId! };

/** Three alerting calls an hour apart on 2026-03-08, the third the newest. */
const CALLS = ['11111111-0000-0000-0000-000000000001', '11111111-0000-0000-0000-000000000002', '11111111-0000-0000-0000-000000000003'];

describe('bot: check N, the number shown in recent, my calls and last call', () => {
  let harness: BotHarness;
  let now = Date.parse('2026-03-08T15:00:00Z');
  const asked: string[] = [];
  const fetchAndScore: FetchAndScore = async (tenantId, callId) => {
    asked.push(`${tenantId}/${callId}`);
    return assessCall(poorRecord(callId), resolveScoringOptions({}));
  };

  beforeEach(async () => {
    now = Date.parse('2026-03-08T15:00:00Z');
    asked.length = 0;
    harness = await BotHarness.start({ fetchAndScore, clock: () => now });
    for (const [index, id] of CALLS.entries()) {
      const record = poorRecord(id);
      record.startDateTime = new Date(Date.parse('2026-03-08T09:00:00Z') + index * 3_600_000).toISOString();
      record.endDateTime = new Date(Date.parse('2026-03-08T09:10:00Z') + index * 3_600_000).toISOString();
      await harness.recordCall(record);
    }
    // twoWeeks(): Olga was in C (03-02 11:00) and A (03-02 09:00) this week, worked out in test/insights/.
    await keepCalls(harness.store.history, twoWeeks());
  });

  afterEach(async () => {
    await harness?.close();
  });

  it('checks the call a number of the last recent list meant', async () => {
    const recent = await harness.ask(harness.personalMessage('recent'));
    // Newest first: 1 is the 11:00 call, 2 the 10:00 one.
    assert.ok(cardSays(recent.cards[0], /^1\. /), 'the list shows numbers');
    const { cards } = await harness.ask(harness.personalMessage('check 2'));
    assert.deepEqual(asked, [`${TENANT}/${CALLS[1]}`]);
    assert.ok(cardSays(cards[0], CALLS[1]!));
    await harness.ask(harness.personalMessage('check #1'));
    assert.deepEqual(asked.at(-1), `${TENANT}/${CALLS[2]}`);
  });

  it('checks the call a number of the last my calls list meant', async () => {
    await harness.ask(harness.personalMessage('my calls', OLGA_USER));
    await harness.ask(harness.personalMessage('check 2', OLGA_USER));
    assert.deepEqual(asked, [`${TENANT}/aaaaaaaa-0000-4000-8000-000000000001`], 'A, the older of her two calls this week');
  });

  it('says clearly when the number is not in the last list, and fetches nothing', async () => {
    await harness.ask(harness.personalMessage('recent 2'));
    const { texts, cards } = await harness.ask(harness.personalMessage('check 3'));
    assert.equal(cards.length, 0);
    assert.match(texts[0]!, /Your last list \("recent"\) showed 2 calls, numbered 1 to 2; there is no call 3 in it\./);
    const zero = await harness.ask(harness.personalMessage('check 0'));
    assert.match(zero.texts[0]!, /there is no call 0 in it/);
    assert.deepEqual(asked, []);
  });

  it('keeps the numbers per person and per conversation, and for an hour', async () => {
    await harness.ask(harness.personalMessage('recent', ABBIE));
    const owen = await harness.ask(harness.personalMessage('check 1', OWEN));
    assert.match(owen.texts[0]!, /I have shown you no numbered list here yet/, "Abbie's list is not Owen's");
    const channel = await harness.ask(harness.channelMessage('check 1', ABBIE));
    assert.match(channel.texts[0]!, /no numbered list here yet/, 'nor is it the list of another conversation');
    now += 61 * 60_000;
    const late = await harness.ask(harness.personalMessage('check 1', ABBIE));
    assert.match(late.texts[0]!, /Your last list \("recent"\) is more than 60 minutes old/);
    assert.deepEqual(asked, []);
  });

  it("numbers the sender's last call as 1", async () => {
    await harness.ask(harness.personalMessage('last call', OLGA_USER));
    await harness.ask(harness.personalMessage('check 1', OLGA_USER));
    assert.deepEqual(asked, [`${TENANT}/cccccccc-0000-4000-8000-000000000003`], 'C, her newest call (D, newer, was not hers)');
  });
});
