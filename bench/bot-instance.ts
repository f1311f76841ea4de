/**
 * Starts one bot process for a benchmark: the compiled entry (`dist/src/index.js`) when the benchmark
 * itself runs compiled, as `npm run bench` does, else `src/index.ts` through tsx. (The tests'
 * `startBotProcess` resolves its entry from the repository root, which a compiled benchmark in
 * `dist/` is not under.)
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../test/support/free-port';
import { killBotProcess, type BotProcess } from '../test/support/bot-process';

/** How long a bot may take to answer `/healthz` (tsx compiles on the fly on a busy machine). */
const START_TIMEOUT_MS = 90_000;

/** Starts the bot with `env` (PATH inherited, PORT chosen) and resolves once `/healthz` answers. */
export async function startBotInstance(env: NodeJS.ProcessEnv): Promise<BotProcess> {
  const compiled = path.extname(__filename) === '.js';
  const args = compiled ? [path.join(__dirname, '../src/index.js')] : ['--import', 'tsx', path.join(__dirname, '../src/index.ts')];
  const port = await freePort();
  const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH, ...env, PORT: String(port) }, cwd: path.join(__dirname, '..'), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  // Keep only the tail: a long run at LOG_LEVEL=warn still logs the odd retry.
  const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-20_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const bot: BotProcess = { port, child, output: () => output, alive: () => child.exitCode === null && child.signalCode === null };
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      await response.arrayBuffer();
      return bot;
    } catch {
      // not listening yet
    }
    if (!bot.alive() || Date.now() > deadline) {
      await killBotProcess(bot);
      throw new Error(`A bot process did not start on port ${port}:\n${output.slice(-4_000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
