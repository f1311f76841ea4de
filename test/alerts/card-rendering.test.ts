import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { buildAlertCard, buildDigestCard, buildHelpCard, buildStatusCard, CHAT_COMMANDS } from '../../src/alerts';
import { loadFixture } from '../support/graph-fixtures';
import { CARD_WIDTH_PX, startCardRenderer, type CardRenderer } from './card-renderer';
import { CLASSIC, SAMPLE_NOW, alertInput, sampleDigestItems, sampleParticipantCard } from './card-samples';
import { sampleInsightCards } from './insight-card-samples';

/** Renders cards with the adaptivecards UMD bundle in Debian's headless Chromium (as scripts/render-cards.ts does). */
describe('cards rendered in headless Chromium', function () {
  this.timeout(60_000);
  let renderer: CardRenderer;

  before(async () => {
    renderer = await startCardRenderer();
  });
  after(async () => {
    await renderer?.close();
  });

  it('the alert card shows the call, the poor stream, the feedback, the hints and its buttons', async () => {
    const card = buildAlertCard(alertInput(loadFixture('callrecord-v1-expanded-2024.json'), CLASSIC, 'organizer'));
    const rendered = await renderer.render(card);
    assert.deepEqual(rendered.events, []);
    for (const text of ['Poor call quality', 'Abbie Wilkins', 'Owen Franklin → Abbie Wilkins', 'Network MOS degradation', '1.16', '(poor above 1)', 'background noise', 'Wi-Fi', 'e523d2ed-2966-4b6b-925b-754a88034cc5', 'Acknowledge', 'Details', 'Mute my alerts for 24 h']) {
      assert.ok(rendered.text.includes(text), `"${text}" is not on the rendered card`);
    }
    // The client formats {{DATE()}} itself: the raw function must not show.
    assert.doesNotMatch(rendered.text, /\{\{DATE/);
    // Details is hidden until its button is pressed.
    assert.ok(!rendered.text.includes('Every stream'));
    assert.equal(Math.round(rendered.width), CARD_WIDTH_PX);
    assert.ok(rendered.height > 300);
    const png = PNG.sync.read(rendered.png);
    assert.equal(png.width, Math.round(rendered.width));
    assert.ok(png.height > 300);
  });

  it('pressing Details shows every stream', async () => {
    const card = buildAlertCard(alertInput(loadFixture('callrecord-v1-expanded-2024.json'), CLASSIC, 'admins'));
    const collapsed = await renderer.render(card);
    const expanded = await renderer.render(card, { click: ['Details'] });
    assert.ok(expanded.text.includes('Every stream (2)'));
    assert.ok(expanded.text.includes('within every threshold'));
    assert.ok(expanded.height > collapsed.height);
  });

  it('the digest and status cards render with their figures', async () => {
    const digest = await renderer.render(buildDigestCard({ audience: 'admins', items: sampleDigestItems(), totalCount: 23 }));
    assert.deepEqual(digest.events, []);
    assert.ok(digest.text.includes('23 calls with poor quality or ratings'));
    assert.ok(digest.text.includes('…and 13 more calls.'));
    const status = await renderer.render(
      buildStatusCard({ now: SAMPLE_NOW, health: { status: 'failing', reasons: [{ severity: 'failing', summary: 'The store cannot be read.' }] }, subscriptions: [], lastNotificationAt: null, inbox: { pending: 2 }, alertsSentLast24h: 0 }),
    );
    assert.ok(status.text.includes('Needs attention'));
    assert.ok(status.text.includes('The store cannot be read.'));
    assert.ok(status.text.includes('2 waiting'));
    assert.ok(status.height > 100);
  });

  it("a participant's card renders their poor stream, their side's hints and the one fix, with no binding left", async () => {
    const rendered = await renderer.render(sampleParticipantCard());
    assert.deepEqual(rendered.events, []);
    assert.equal(Math.round(rendered.width), CARD_WIDTH_PX);
    assert.ok(rendered.text.includes('Audio you sent: Jitter 64 ms (poor above 30 ms)'), rendered.text);
    assert.ok(rendered.text.includes('One thing to try'));
    assert.doesNotMatch(rendered.text, /\$\{|\{\{DATE|Megan/);
  });

  it('the help card breaks no word at Teams’ chat width (the Who column once drew "Everyon / e")', async () => {
    const help = await renderer.render(buildHelpCard(CHAT_COMMANDS));
    assert.deepEqual(help.events, []);
    assert.equal(Math.round(help.width), CARD_WIDTH_PX);
    assert.ok(help.text.includes('Everyone') && help.text.includes('Admins'));
    assert.ok(help.text.includes('set threshold KIND.METRIC VALUE'));
    assert.deepEqual(help.brokenWords, []);
  });

  it('the insight cards render their charts as the fallback tables, with no other parse event', async () => {
    const cards = sampleInsightCards();
    const expected: Record<string, string[]> = {
      'trends-30d': ['Chart.Line', 'Chart.Line'],
      'top-sites': ['Chart.HorizontalBar'],
      'top-networks': ['Chart.HorizontalBar', 'Chart.HorizontalBar'],
      'my-calls': [],
      'user-calls': [],
      'last-call': [],
      'weekly-report': ['Chart.Line', 'Chart.HorizontalBar', 'Chart.HorizontalBar', 'Chart.HorizontalBar'],
    };
    assert.deepEqual(Object.keys(cards), Object.keys(expected));
    for (const [name, card] of Object.entries(cards)) {
      const rendered = await renderer.render(card);
      assert.deepEqual(rendered.events, [], name);
      assert.deepEqual(rendered.chartFallbacks, expected[name], name);
      assert.equal(Math.round(rendered.width), CARD_WIDTH_PX, name);
      assert.doesNotMatch(rendered.text, /\$\{|\{\{DATE/, `${name}: no binding or date function left`);
    }
    // The fallback of the daily chart is the table of the same numbers.
    const trends = await renderer.render(cards['trends-30d']!);
    assert.match(trends.text, /Day\nAudio\nVideo\nScreen sharing\n/);
    assert.match(trends.text, /\n2 Mar\n\d+\.\d %\n/);
    // The fallback of a bar chart draws the bars in text.
    assert.match((await renderer.render(cards['top-sites']!)).text, /█+ \d+/);
  });

  it('finds a word broken across lines when a column is too narrow for it', async () => {
    const narrow = {
      type: 'AdaptiveCard',
      version: '1.5',
      body: [{ type: 'ColumnSet', columns: [{ type: 'Column', width: '30px', items: [{ type: 'TextBlock', text: 'Everyone', wrap: true }] }, { type: 'Column', width: 'stretch', items: [] }] }],
    };
    assert.deepEqual((await renderer.render(narrow)).brokenWords, ['Everyone']);
  });
});
