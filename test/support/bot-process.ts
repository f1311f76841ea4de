import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { freePort } from './free-port';
import { REPO_ROOT, startCommand } from './start-command';

/** How the bot is run: the TypeScript entry under tsx, or the compiled `dist/src/index.js` under plain node. */
export type BotEntry = 'source' | 'compiled';

/** One bot process started by a test. */
export interface BotProcess {
  readonly port: number;
  readonly child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** True while the process runs. */
  alive(): boolean;
}

/** Options of {@link startBotProcess}. */
export interface BotProcessOptions {
  /** The environment (PATH is the only thing inherited; PORT is set unless given). */
  env: NodeJS.ProcessEnv;
  entry?: BotEntry;
  /** A port to reuse (a restarted process keeps its URL); a free one otherwise. */
  port?: number;
  /** How long to wait for `/healthz`, default 45 s. */
  startTimeoutMs?: number;
  /** Keep only the last this many characters of its output (a long benchmark run); all of it unless said. */
  outputLimit?: number;
}

/**
 * Starts the bot as its own process (the real entry point) and resolves once `/healthz`
 * answers. Throws with the tail of its output when it exits or does not answer in time.
 */
export async function startBotProcess(options: BotProcessOptions): Promise<BotProcess> {
  const port = options.port ?? (await freePort());
  // Compiled, as `npm start` runs it: its node flags (the heap as shipped), then the built entry.
  const args = options.entry === 'compiled' ? [...startCommand().nodeFlags, compiledBotEntry()] : ['--import', 'tsx', path.join(REPO_ROOT, 'src/index.ts')];
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH, ...options.env, PORT: String(port) },
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (options.outputLimit !== undefined && output.length > options.outputLimit) output = output.slice(-options.outputLimit);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const bot: BotProcess = { port, child, output: () => output, alive: () => child.exitCode === null && child.signalCode === null };
  const deadline = Date.now() + (options.startTimeoutMs ?? 45_000);
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      await response.arrayBuffer();
      // Any answer means it listens (a degraded health is still a running bot); but a process
      // that lost the port to another one answers nothing itself and exits: make sure it is ours.
      await new Promise((resolve) => setTimeout(resolve, 100));
      if (!bot.alive()) throw new Error(`The bot on port ${port} exited right after start (another process answered /healthz there?):\n${output.slice(-4_000)}`);
      return bot;
    } catch {
      // not listening yet
    }
    if (!bot.alive() || Date.now() > deadline) {
      if (bot.alive()) await killBotProcess(bot);
      throw new Error(`The bot did not start on port ${port}:\n${output.slice(-4_000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Kills the process with SIGKILL (no clean-up runs, as in a crash) and waits for it to be gone. */
export async function killBotProcess(bot: BotProcess): Promise<void> {
  if (!bot.alive()) return;
  const exited = new Promise((resolve) => bot.child.once('exit', resolve));
  bot.child.kill('SIGKILL');
  await exited;
}

/** Asks the process to stop (SIGTERM), and kills it when it has not exited within `graceMs`. */
export async function stopBotProcess(bot: BotProcess, graceMs = 10_000): Promise<void> {
  if (!bot.alive()) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => bot.child.kill('SIGKILL'), graceMs);
    bot.child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    bot.child.kill('SIGTERM');
  });
}

/** Resolves once `condition` holds, polling every `everyMs`; throws saying what was awaited after `timeoutMs`. */
export async function poll(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: () => string | Promise<string>, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for ${await what()}.`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * The compiled entry point, built first when it is missing or older than a source file (`npm
 * test` builds before mocha; a lone `mocha` run after an edit would otherwise test stale code).
 */
export function compiledBotEntry(): string {
  const entry = path.join(REPO_ROOT, startCommand().script);
  const built = existsSync(entry) ? statSync(entry).mtimeMs : 0;
  if (built < newestModification(path.join(REPO_ROOT, 'src'))) {
    execFileSync(process.execPath, [path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(REPO_ROOT, 'tsconfig.json')], {
      cwd: REPO_ROOT,
      stdio: 'inherit',
    });
  }
  return entry;
}

function newestModification(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const file = path.join(directory, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestModification(file) : statSync(file).mtimeMs);
  }
  return newest;
}
