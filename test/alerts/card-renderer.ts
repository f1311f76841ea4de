import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { adaptiveCardsBundlePath } from '../../src/alerts/adaptive-cards-sdk';
import { CHART_ELEMENTS } from '../../src/alerts/chart-elements';

/** Where Debian puts Chromium (the CI installs the `chromium` package). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The flags Chromium needs in a container without a GPU, sandbox or network. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/**
 * How wide a card is drawn: Teams' chat column on a laptop screen, about 450 px, which is what
 * most readers see (a `msteams.width: Full` card grows only in a wider window).
 */
export const CARD_WIDTH_PX = 450;

/** Teams' light-theme text colours, the same on every container style. */
const TEAMS_TEXT_COLORS = {
  default: { default: '#242424', subtle: '#616161' },
  accent: { default: '#5B5FC7', subtle: '#7F85F5' },
  good: { default: '#237B4B', subtle: '#2E8B57' },
  warning: { default: '#835C00', subtle: '#A07400' },
  attention: { default: '#C4314B', subtle: '#D0566C' },
  dark: { default: '#242424', subtle: '#616161' },
  light: { default: '#FFFFFF', subtle: '#F5F5F5' },
};

/**
 * A host config close to Teams' light theme: Segoe UI, Teams' purple accent, its container tints
 * and text colours. Teams' exact config is not published; this is what a reader will recognize.
 */
export const TEAMS_LIGHT_HOST_CONFIG = {
  fontFamily: "'Segoe UI', 'Segoe UI Web (West European)', -apple-system, BlinkMacSystemFont, Roboto, 'Helvetica Neue', sans-serif",
  supportsInteractivity: true,
  spacing: { small: 4, default: 8, medium: 12, large: 16, extraLarge: 24, padding: 16 },
  separator: { lineThickness: 1, lineColor: '#E0E0E0' },
  fontTypes: {
    default: {
      fontFamily: "'Segoe UI', -apple-system, BlinkMacSystemFont, Roboto, 'Helvetica Neue', sans-serif",
      fontSizes: { small: 12, default: 14, medium: 16, large: 20, extraLarge: 24 },
      fontWeights: { lighter: 300, default: 400, bolder: 600 },
    },
    monospace: {
      fontFamily: "Consolas, 'Cascadia Mono', 'DejaVu Sans Mono', monospace",
      fontSizes: { small: 12, default: 14, medium: 16, large: 20, extraLarge: 24 },
      fontWeights: { lighter: 300, default: 400, bolder: 600 },
    },
  },
  containerStyles: {
    default: { backgroundColor: '#FFFFFF', foregroundColors: TEAMS_TEXT_COLORS },
    emphasis: { backgroundColor: '#F5F5F5', foregroundColors: TEAMS_TEXT_COLORS },
    accent: { backgroundColor: '#E8EBFA', foregroundColors: TEAMS_TEXT_COLORS },
    good: { backgroundColor: '#E7F2DA', foregroundColors: TEAMS_TEXT_COLORS },
    warning: { backgroundColor: '#FFF4CE', foregroundColors: TEAMS_TEXT_COLORS },
    attention: { backgroundColor: '#FDE7E9', foregroundColors: TEAMS_TEXT_COLORS },
  },
  actions: {
    maxActions: 6,
    spacing: 'default',
    buttonSpacing: 8,
    showCard: { actionMode: 'inline', inlineTopMargin: 16 },
    actionsOrientation: 'horizontal',
    actionAlignment: 'left',
  },
  table: { cellSpacing: 8 },
  textBlock: { headingLevel: 2 },
};

const PAGE_STYLE = `
  html, body { margin: 0; background: #EBEBEB; }
  body { padding: 24px; font-family: 'Segoe UI', sans-serif; }
  #frame { width: ${CARD_WIDTH_PX}px; background: #FFFFFF; border-radius: 8px; box-shadow: 0 1px 3px rgba(0,0,0,.14), 0 0 1px rgba(0,0,0,.12); overflow: hidden; }
  .ac-pushButton { font-family: inherit; font-size: 14px; font-weight: 600; color: #242424; background: #FFFFFF; border: 1px solid #D1D1D1;
    border-radius: 4px; padding: 5px 12px; min-height: 32px; cursor: pointer; flex: 0 1 auto !important; }
  .ac-pushButton.style-positive, .ac-pushButton.primary { background: #5B5FC7; border-color: #5B5FC7; color: #FFFFFF; }
  .ac-pushButton.style-destructive { color: #C4314B; }
  .ac-actionSet { flex-wrap: wrap; gap: 0; }
  .ac-textBlock p, .ac-richTextBlock p { margin: 0; }
`;

/** The page that draws a card with the `adaptivecards` UMD bundle. */
function previewPage(): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Card preview</title><style>${PAGE_STYLE}</style>
<script src="/adaptivecards.js"></script></head><body><div id="frame"></div>
<script>
  // Teams renders a little markdown (bold, italics, line breaks); the page does the same without a markdown library.
  AdaptiveCards.AdaptiveCard.onProcessMarkdown = function (text, result) {
    const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    result.outputHtml = escaped.replace(/\\*\\*(.+?)\\*\\*/g, '<strong>$1</strong>').replace(/(^|\\s)_(.+?)_(?=\\s|$)/g, '$1<em>$2</em>').replace(/\\n/g, '<br>');
    result.didProcess = true;
  };
  window.renderCard = function (card, hostConfig) {
    const frame = document.getElementById('frame');
    frame.innerHTML = '';
    const adaptiveCard = new AdaptiveCards.AdaptiveCard();
    adaptiveCard.hostConfig = new AdaptiveCards.HostConfig(hostConfig);
    const context = new AdaptiveCards.SerializationContext();
    adaptiveCard.parse(card, context);
    const events = [];
    for (let i = 0; i < context.eventCount; i++) events.push(context.getEventAt(i).message);
    const element = adaptiveCard.render();
    if (!element) return { ok: false, events, text: '', width: 0, height: 0 };
    frame.appendChild(element);
    const box = frame.getBoundingClientRect();
    return { ok: true, events, text: frame.innerText, width: box.width, height: box.height };
  };
  // The words the layout broke across lines (a narrow column, as "Everyon / e"): each word's
  // rectangles, measured with a Range, lie on more than one line.
  window.brokenWords = function () {
    const broken = [];
    const walker = document.createTreeWalker(document.getElementById('frame'), NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent || '';
      for (const match of text.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set([...range.getClientRects()].filter((rect) => rect.width > 0).map((rect) => Math.round(rect.top)));
        if (tops.size > 1) broken.push(match[0]);
      }
    }
    return broken;
  };
</script></body></html>`;
}

/** What rendering one card produced. */
export interface RenderedCard {
  /** SDK parse events while rendering (none expected), but for Teams' charts drawn as their fallback. */
  events: string[];
  /**
   * Teams' chart elements the SDK does not know and drew as their fallback (`Chart.Line`, …), in
   * card order: what a client without charts shows instead.
   */
  chartFallbacks: string[];
  /** The card's visible text. */
  text: string;
  width: number;
  height: number;
  /** Words drawn across two lines or more because their column was too narrow. */
  brokenWords: string[];
  /** A PNG of the card. */
  png: Buffer;
}

/** A local page and a headless Chromium that render Adaptive Cards as Teams would show them. */
export interface CardRenderer {
  /** Renders a card; `click` presses the buttons with these titles first (e.g. `Details`). */
  render(card: object, options?: { click?: readonly string[] }): Promise<RenderedCard>;
  close(): Promise<void>;
}

/**
 * Serves the preview page and the `adaptivecards` UMD bundle on 127.0.0.1 (a free port) and opens
 * it in Debian's Chromium through `playwright-core`. Close it when done.
 */
export async function startCardRenderer(): Promise<CardRenderer> {
  const bundle = readFileSync(adaptiveCardsBundlePath());
  const page = previewPage();
  // Not chained: restify patches ServerResponse.prototype.writeHead process-wide, and its version returns nothing.
  const server: Server = createServer((request, response) => {
    if (request.url === '/adaptivecards.js') {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      response.end(bundle);
    } else if (request.url === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(page);
    } else {
      response.writeHead(404);
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    const tab: Page = await browser.newPage({ viewport: { width: CARD_WIDTH_PX + 48, height: 800 }, deviceScaleFactor: 1 });
    await tab.goto(`http://127.0.0.1:${port}/`);
    const opened = browser;
    return {
      async render(card, options = {}) {
        const result = await tab.evaluate(
          ([json, hostConfig]) => (globalThis as unknown as { renderCard(card: unknown, config: unknown): Omit<RenderedCard, 'png'> & { ok: boolean } }).renderCard(json, hostConfig),
          [card, TEAMS_LIGHT_HOST_CONFIG] as const,
        );
        for (const title of options.click ?? []) await tab.locator('#frame button', { hasText: title }).first().click();
        const png = await tab.locator('#frame').screenshot({ animations: 'disabled' });
        const text = await tab.locator('#frame').innerText();
        const box = (await tab.locator('#frame').boundingBox()) ?? { width: 0, height: 0 };
        const brokenWords = await tab.evaluate(() => (globalThis as unknown as { brokenWords(): string[] }).brokenWords());
        const chartFallbacks = result.events.map(chartOfEvent).filter((type): type is string => type !== null);
        const events = result.events.filter((event) => chartOfEvent(event) === null);
        return { events, chartFallbacks, text, width: box.width, height: box.height, brokenWords, png };
      },
      async close() {
        await opened.close();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
  } catch (error) {
    await browser?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw error;
  }
}

/** The chart type an "Unknown element type" event is about, null when it is about anything else. */
function chartOfEvent(event: string): string | null {
  const type = /^Unknown element type "([^"]+)"/.exec(event)?.[1];
  return type !== undefined && Object.hasOwn(CHART_ELEMENTS, type) ? type : null;
}
