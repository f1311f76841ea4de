import assert from 'node:assert/strict';
import { keepCalls, OLGA, SAM, twoWeeks } from '../../support/history-calls';
import { rankedSitesDay } from '../../support/ranked-history';
import { elementsOfType, tableRows } from '../../alerts/card-inspection';
import { ADMIN, BotHarness, OWEN, type TestUser } from '../bot-harness';
import { cardStrings } from '../card-inspection';

/** Olga of the hand-built history, as a Teams user (an ordinary user, not an admin). */
const OLGA_USER: TestUser = { id: '29:olga', name: 'Olga Ahlgren', aadObjectId: OLGA.userId! };

describe('bot: insight commands over HTTP', () => {
  let harness: BotHarness;

  beforeEach(async () => {
    harness = await BotHarness.start({ clock: () => Date.parse('2026-03-08T15:00:00Z') });
    // twoWeeks() and rankedSitesDay(): worked out by hand in test/insights/.
    await keepCalls(harness.store.history, [...twoWeeks(), ...rankedSitesDay()]);
  });

  afterEach(async () => {
    await harness?.close();
  });

  it('answers trends with the figures of the period against the one before and the daily chart', async () => {
    const { cards } = await harness.ask(harness.personalMessage('trends 7d', OWEN));
    assert.equal(cards.length, 1);
    const [figures] = elementsOfType(cards[0], 'Table');
    // rankedSitesDay() adds 19 calls on 03-02 with 37 poor audio streams of 80: audio is 40 of 88 in
    // the week (45.45 %) against 1 of 6 (16.67 %), +28.79 points; 23 calls against 2 is +1,050 %.
    assert.deepEqual(tableRows(figures!).slice(1), [
      ['Audio poor %', '45.5 %', '16.7 %', '+28.8 pts'],
      ['Video poor %', '66.7 %', '—', '—'],
      ['Screen sharing poor %', '100.0 %', '—', '—'],
      ['Calls', '23', '2', '+1,050 %'],
      // rankedSitesDay()'s calls do not fail: twoWeeks()'s B, C and D against F.
      ['Failed calls', '3', '1', '+200 %'],
      ['Bad ratings', '3', '1', '+200 %'],
    ]);
    const [line] = elementsOfType(cards[0], 'Chart.Line');
    assert.deepEqual((line!.data as { legend: string }[]).map((series) => series.legend), ['Audio', 'Video', 'Screen sharing']);
    assert.deepEqual((line!.data as { values: unknown[] }[])[2]!.values, [{ x: '2026-03-02', y: 100 }]);
  });

  it('answers top sites with the ranked sites as bars and a table', async () => {
    const { cards } = await harness.ask(harness.channelMessage('top sites 7d', OWEN));
    const [bars] = elementsOfType(cards[0], 'Chart.HorizontalBar');
    assert.deepEqual(bars!.data, [
      { x: 'North', y: 6 },
      { x: 'West', y: 6 },
      { x: 'South', y: 4 },
    ]);
    const table = elementsOfType(cards[0], 'Table').find((element) => tableRows(element)[0]![0] === '#');
    assert.deepEqual(tableRows(table!).slice(1), [
      ['1', 'North', '6 of 12', '50.0 %', '3'],
      ['2', 'West', '6 of 15', '40.0 %', '3'],
      ['3', 'South', '4 of 12', '33.3 %', '4'],
    ]);
  });

  it('keeps top people for admins', async () => {
    const refused = await harness.ask(harness.personalMessage('top people', OWEN));
    assert.equal(refused.cards.length, 0);
    assert.match(refused.texts[0]!, /only the bot's admins can see which people have the most poor streams/);
    const { cards } = await harness.ask(harness.personalMessage('top people', ADMIN));
    const [bars] = elementsOfType(cards[0], 'Chart.HorizontalBar');
    assert.deepEqual(bars!.data, [
      { x: 'Nora', y: 6 },
      { x: 'Wes', y: 6 },
      { x: 'Sol', y: 4 },
    ]);
  });

  it("answers my calls with the sender's own calls only", async () => {
    const { cards } = await harness.ask(harness.personalMessage('my calls', OLGA_USER));
    assert.equal(cards.length, 1);
    const [table] = elementsOfType(cards[0], 'Table');
    // Olga was in C and A this week (not in B, D or the sites' calls), numbered for check N.
    assert.deepEqual(
      tableRows(table!).slice(1).map((row) => [row[0], ...row.slice(2)]),
      [
        ['1', 'Olga Ahlgren', '2 of 3 (audio)', 'not rated', 'HQ, Wi-Fi 5 GHz'],
        ['2', 'Olga Ahlgren', '2 of 4 (audio, video)', '★☆☆☆☆ bad', 'HQ, Wi-Fi 5 GHz'],
      ],
    );
    const owen = await harness.ask(harness.personalMessage('my calls 30d', OWEN));
    assert.equal(elementsOfType(owen.cards[0], 'Table').length, 0);
    assert.ok(JSON.stringify(owen.cards[0]).includes('No call of yours was scored in this period.'));
  });

  it("answers last call with the sender's own newest call and the verdict of their side", async () => {
    const { cards } = await harness.ask(harness.personalMessage('last call', OLGA_USER));
    assert.equal(cards.length, 1);
    const strings = cardStrings(cards[0]);
    // Her newest is C (03-02 11:00; D on 03-05 was Ravi's and Sam's): of her three streams, she sent
    // a poor audio stream and received one from the guest; the video she received was good.
    assert.ok(strings.includes('Poor on your side: 2 of your 3 streams crossed a threshold (audio).'), strings.join(' | '));
    assert.ok(strings.includes('Meeting or group call · {{DATE(2026-03-02T11:00:00Z, SHORT)}} {{TIME(2026-03-02T11:00:00Z)}}'), 'when, in the reader\'s time zone');
    assert.ok(strings.includes('HQ, Wi-Fi 5 GHz'), 'where she was');
    assert.ok(strings.includes('not rated'), 'she did not rate C');
    assert.ok(!strings.some((text) => /Sam Chen|Ravi Bose/.test(text)), 'nobody else is named (she organized C)');

    const sam = await harness.ask(harness.personalMessage('last call', { id: '29:sam', name: 'Sam Chen', aadObjectId: SAM.userId! }));
    // Sam's newest is D (03-05): the video Ravi sent him was poor, the two audio streams good.
    assert.ok(cardStrings(sam.cards[0]).includes('Poor on your side: 1 of your 3 streams crossed a threshold (video).'));

    const owen = await harness.ask(harness.personalMessage('last call', OWEN));
    assert.ok(cardStrings(owen.cards[0]).includes('No call of yours was scored in the last 90 days.'));
    const channel = await harness.ask(harness.channelMessage('last call', OLGA_USER));
    assert.equal(channel.cards.length, 0);
    assert.match(channel.texts[0]!, /only in our 1:1 chat/);
  });

  it("refuses user to non-admins, and shows an admin one person's calls found by name, UPN or id", async () => {
    const refused = await harness.ask(harness.personalMessage('user sam@contoso.com', OLGA_USER));
    assert.equal(refused.cards.length, 0);
    assert.match(refused.texts[0]!, /only the bot's admins can see another person's calls/);

    for (const who of ['Sam Chen', 'SAM@contoso.com', SAM.userId!]) {
      const { cards } = await harness.ask(harness.personalMessage(`user ${who} 7d`, ADMIN));
      const [table] = elementsOfType(cards[0], 'Table');
      // Sam was in D (received the poor video), C (received Olga's poor audio) and B (only version 2 is kept).
      assert.deepEqual(
        tableRows(table!).slice(1).map((row) => row[3]),
        ['1 of 3 (video)', '1 of 2 (audio)', '1 of 3 (screen sharing)'],
        who,
      );
      assert.ok(JSON.stringify(cards[0]).includes('sam@contoso.com'), who);
    }
  });

  it("shows a person's calls only in a personal chat, never in a channel", async () => {
    const mine = await harness.ask(harness.channelMessage('my calls', OLGA_USER));
    assert.equal(mine.cards.length, 0);
    assert.match(mine.texts[0]!, /only in our 1:1 chat/);
    const theirs = await harness.ask(harness.channelMessage('user sam@contoso.com', ADMIN));
    assert.equal(theirs.cards.length, 0);
    assert.match(theirs.texts[0]!, /only in our 1:1 chat/);
    assert.doesNotMatch(JSON.stringify(theirs), /Sam Chen/);
  });

  it('asks which one when a name matches several people, and says when it matches nobody', async () => {
    const several = await harness.ask(harness.personalMessage('user o', ADMIN));
    assert.equal(several.cards.length, 0);
    assert.match(several.texts[0]!, /^"o" matches \d+ people: .*Olga Ahlgren \(0a1a0000-0000-0000-0000-00000000a01a\).* Say "user" with the UPN or Entra object id/);
    const nobody = await harness.ask(harness.personalMessage('user Zed Zulu', ADMIN));
    assert.match(nobody.texts[0]!, /Nobody called "Zed Zulu" had a scored call in the last 30 days\. Try their UPN or Entra object id\./);
  });
});
