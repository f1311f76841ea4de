/**
 * Screenshots of Teams' native charts as the Microsoft 365 Agents Playground draws them (it renders
 * `Chart.*` elements; the `adaptivecards` renderer of scripts/render-cards.ts draws their fallbacks):
 * starts the bot and the playground (scripts/playground.ts), keeps a generated history of 60 days
 * for the playground's tenant, asks the bot in the playground's web UI (headless Chromium) and
 * writes docs/cards/<name>-native.png.
 *
 *   npx tsx scripts/render-playground-charts.ts
 *
 * Needs Debian's chromium (/usr/bin/chromium, or CHROMIUM_PATH).
 */
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { utcDay } from '../src/insights';
import { createLogger } from '../src/logger';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/alerts/card-renderer';
import { keepCalls } from '../test/support/history-calls';
import { generateHistory } from '../test/support/history-generator';
import { startPlayground } from './playground';

/** What is asked, and the title of the card that answers, by the name of the screenshot. */
const QUESTIONS: Record<string, { question: string; title: string }> = {
  'trends-native': { question: 'trends 30d', title: 'Call quality, last 30 days' },
  'top-sites-native': { question: 'top sites 30d', title: 'Sites with the most poor streams' },
};

async function main(): Promise<void> {
  const outDir = resolve(__dirname, '../docs/cards');
  const running = await startPlayground({ botPort: 0, playgroundPort: 0, openBrowser: false, env: { LOG_LEVEL: 'silent' }, logger: createLogger('silent'), onPlaygroundOutput: () => undefined });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const { config } = (await (await fetch(`${running.playgroundUrl}/_internal/v1/config`)).json()) as { config: { tenantId: string } };
    const history = generateHistory(utcDay(Date.now()), 60).map((call) => ({ ...call, tenantId: config.tenantId }));
    await keepCalls(running.store.history, history);
    const page = await browser.newPage({ viewport: { width: 1280, height: 2400 }, deviceScaleFactor: 1 });
    await page.goto(running.playgroundUrl);
    for (const [name, { question, title }] of Object.entries(QUESTIONS)) {
      await page.locator('[data-lexical-editor="true"]').click();
      await page.keyboard.type(question);
      await page.keyboard.press('Enter');
      const card = page.locator('.ac-adaptiveCard', { hasText: title }).last();
      await card.waitFor({ timeout: 30_000 });
      // The charts draw with an animation: let it settle.
      await page.waitForTimeout(2_000);
      const file = join(outDir, `${name}.png`);
      await card.screenshot({ path: file, animations: 'disabled' });
      const box = await card.boundingBox();
      console.log(`${file}  ${Math.round(box?.width ?? 0)}×${Math.round(box?.height ?? 0)} px ("${question}")`);
    }
  } finally {
    await browser.close();
    await running.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
