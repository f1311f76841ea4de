/**
 * Runs the COMPILED bot (`node dist/src/index.js`, as `npm start` does) as a process, with the Node
 * that runs the tests (Node 22). `npm test` builds first; run `npm run build` before running these
 * files alone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const REPO = path.resolve(__dirname, '../..');
const ENTRY = path.join(REPO, 'dist/src/index.js');

/** What a finished run left behind. */
export interface BotExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Throws unless `dist/` exists and is newer than every file under `src/` (a stale build tests old code). */
export function assertCompiledBotIsFresh(): void {
  if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run \`npm run build\` first.`);
  const built = statSync(ENTRY).mtimeMs;
  const stale = sourceFiles(path.join(REPO, 'src')).find((file) => statSync(file).mtimeMs > built);
  if (stale) throw new Error(`${path.relative(REPO, stale)} is newer than dist/: run \`npm run build\` first.`);
}

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(path.join(folder, entry.name)) : entry.name.endsWith('.ts') ? [path.join(folder, entry.name)] : [],
  );
}

function spawnBot(env: Record<string, string>): ChildProcess {
  // Only what is given: the bot must not pick up the developer's own settings.
  return spawn(process.execPath, [ENTRY], { cwd: REPO, env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs the bot until it exits (start-up errors) or `timeoutMs` passes (then it is killed and the run fails). */
export function runCompiledBot(env: Record<string, string>, timeoutMs = 60_000): Promise<BotExit> {
  return new Promise((resolve, reject) => {
    const child = spawnBot(env);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`The bot did not exit within ${timeoutMs} ms; stdout:\n${stdout}\nstderr:\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A bot that is serving. */
export interface ServingBot {
  port: number;
  /** The log lines written so far, parsed. */
  logLines(): Array<Record<string, unknown>>;
  output(): string;
  stop(): Promise<void>;
}

/** Starts the bot and resolves once it logs `listening on port`. */
export async function startCompiledBot(env: Record<string, string>, timeoutMs = 60_000): Promise<ServingBot> {
  const child = spawnBot(env);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const logLines = () =>
    stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  const end = Date.now() + timeoutMs;
  for (;;) {
    const listening = logLines().find((line) => typeof line.msg === 'string' && line.msg.startsWith('listening on port'));
    if (listening) return { port: Number(listening.port), logLines, output: () => stdout + stderr, stop };
    if (child.exitCode !== null || Date.now() > end) {
      await stop();
      throw new Error(`The bot did not start; stdout:\n${stdout}\nstderr:\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
