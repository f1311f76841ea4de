/**
 * Renders every card type the alerts module produces (from the Graph fixtures and generated data)
 * with the `adaptivecards` renderer in headless Chromium, and writes docs/cards/<type>.png.
 *
 *   npx tsx scripts/render-cards.ts [type …]
 *
 * Needs Debian's chromium (/usr/bin/chromium, or CHROMIUM_PATH).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { validateCard } from '../src/alerts';
import { sampleCards } from '../test/alerts/card-samples';
import { startCardRenderer } from '../test/alerts/card-renderer';

async function main(): Promise<void> {
  const wanted = new Set(process.argv.slice(2));
  const outDir = resolve(__dirname, '../docs/cards');
  mkdirSync(outDir, { recursive: true });
  const cards = Object.entries(sampleCards()).filter(([name]) => wanted.size === 0 || wanted.has(name));
  if (cards.length === 0) throw new Error(`No card type matches ${[...wanted].join(', ')}. Known types: ${Object.keys(sampleCards()).join(', ')}.`);
  const renderer = await startCardRenderer();
  try {
    for (const [name, card] of cards) {
      const validation = validateCard(card);
      if (!validation.ok) throw new Error(`The ${name} card is not valid: ${validation.errors.join(' ')}`);
      const rendered = await renderer.render(card);
      if (rendered.events.length > 0) throw new Error(`Rendering the ${name} card raised: ${rendered.events.join(' ')}`);
      const file = join(outDir, `${name}.png`);
      writeFileSync(file, rendered.png);
      console.log(`${file}  ${Math.round(rendered.width)}×${Math.round(rendered.height)} px, card ${validation.sizeBytes} bytes`);
    }
  } finally {
    await renderer.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
