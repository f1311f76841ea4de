/**
 * Starts one bot process for a benchmark, with the tests' {@link startBotProcess}: the compiled
 * entry as `npm start` runs it when the benchmark itself runs compiled (`npm run bench`), else
 * `src/index.ts` through tsx.
 */
import path from 'node:path';
import { startBotProcess, type BotProcess } from '../test/support/bot-process';

/** How long a bot may take to answer `/healthz` (tsx compiles on the fly on a busy machine). */
const START_TIMEOUT_MS = 90_000;
/** A long run at LOG_LEVEL=warn still logs the odd retry: only the tail is kept. */
const OUTPUT_KEPT_CHARS = 20_000;

/** Starts the bot with `env` (PATH inherited, PORT chosen) and resolves once `/healthz` answers. */
export function startBotInstance(env: NodeJS.ProcessEnv): Promise<BotProcess> {
  const compiled = path.extname(__filename) === '.js';
  return startBotProcess({ env, entry: compiled ? 'compiled' : 'source', startTimeoutMs: START_TIMEOUT_MS, outputLimit: OUTPUT_KEPT_CHARS });
}
