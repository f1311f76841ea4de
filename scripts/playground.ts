/**
 * Chat with the bot locally: starts it without credentials (a fresh temporary DATA_DIR) and the
 * Microsoft 365 Agents Playground pointed at it, both on 127.0.0.1 only.
 *
 *   npx tsx scripts/playground.ts [--no-browser]      (npm run playground)
 *
 * PORT sets the bot's port (3978), PLAYGROUND_PORT the playground's (56150). Try `help`, or
 * `check file:callrecord-v1-expanded-2024.json` for a real alert card (the records folder is
 * `RECORDS_DIR`, else the shared Graph fixtures beside the repository when they are there, else `./records`).
 * The playground's user is an admin here (ADMIN_USER_IDS), so every command can be tried.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createBot, MESSAGES_PATH, type Bot } from '../src/bot';
import { loadConfig } from '../src/config';
import { createLogger, type Logger } from '../src/logger';
import { createServer, listen } from '../src/server';
import { openSqliteStore, type Store } from '../src/store';

/** The Entra object id of the Agents Playground's default user (Alex Wilber). */
export const PLAYGROUND_USER_AAD_ID = '00000000-0000-0000-0000-0000000000020';

export interface PlaygroundOptions {
  /** The bot's port (0: any free one). Default: PORT, else 3978. */
  botPort?: number;
  /** The playground's port (0: any free one). Default: PLAYGROUND_PORT, else 56150. */
  playgroundPort?: number;
  /** Open the playground in a browser (the playground's own behaviour). Default true. */
  openBrowser?: boolean;
  /** The environment the bot's configuration is read from (BOT_ID and DATA_DIR are replaced). */
  env?: NodeJS.ProcessEnv;
  /** Where the bot's JSON log lines go (default: stdout, at LOG_LEVEL). */
  logger?: Logger;
  /** Lines the playground prints (default: stdout). */
  onPlaygroundOutput?: (line: string) => void;
}

/** The bot and the playground, running. */
export interface RunningPlayground {
  botEndpoint: string;
  playgroundUrl: string;
  playgroundPort: number;
  dataDir: string;
  bot: Bot;
  store: Store;
  stop(): Promise<void>;
}

/** Starts the bot (no credentials, temporary data) and the Agents Playground pointed at it. */
export async function startPlayground(options: PlaygroundOptions = {}): Promise<RunningPlayground> {
  const env = options.env ?? process.env;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'call-quality-bot-playground-'));
  const config = loadConfig({
    ...env,
    BOT_ID: '',
    BOT_PASSWORD: '',
    STORE: 'sqlite',
    DATA_DIR: dataDir,
    ADMIN_USER_IDS: env.ADMIN_USER_IDS ?? PLAYGROUND_USER_AAD_ID,
  });
  const logger = options.logger ?? createLogger(config.logLevel);
  const store = openSqliteStore({ dataDir });
  const bot = createBot({ config, store, logger, allowLocalFileChecks: true, recordsDirectory: playgroundRecordsDirectory(env) });
  const server = createServer(logger, [bot.routes]);
  let child: ChildProcess | undefined;
  try {
    const botPort = await listen(server, options.botPort ?? (env.PORT ? Number(env.PORT) : 3978), '127.0.0.1');
    bot.startDelivery();
    const botEndpoint = `http://127.0.0.1:${botPort}${MESSAGES_PATH}`;
    const wanted = options.playgroundPort ?? (env.PLAYGROUND_PORT ? Number(env.PLAYGROUND_PORT) : 56150);
    const playgroundPort = wanted === 0 ? await freeLoopbackPort() : wanted;
    child = spawnPlayground(botEndpoint, playgroundPort, dataDir, options.openBrowser ?? true);
    await waitForListening(child, options.onPlaygroundOutput ?? ((line) => process.stdout.write(`[playground] ${line}\n`)));
    const running = child;
    return {
      botEndpoint,
      playgroundUrl: `http://127.0.0.1:${playgroundPort}`,
      playgroundPort,
      dataDir,
      bot,
      store,
      async stop() {
        await stopChild(running);
        await bot.stop();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await store.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    if (child) await stopChild(child);
    await bot.stop();
    server.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** The folder `check file:` reads in the playground: RECORDS_DIR, the shared fixtures when present, or ./records. */
export function playgroundRecordsDirectory(env: NodeJS.ProcessEnv): string {
  if (env.RECORDS_DIR) return path.resolve(env.RECORDS_DIR);
  const fixtures = path.resolve(__dirname, '../../shared/fixtures/graph');
  return existsSync(fixtures) ? fixtures : path.resolve('records');
}

/** Runs the Agents Playground CLI (the real package) with this Node, on 127.0.0.1 only. */
function spawnPlayground(botEndpoint: string, port: number, dataDir: string, openBrowser: boolean): ChildProcess {
  const cli = require.resolve('@microsoft/m365agentsplayground/cli.js');
  const preload = path.join(__dirname, 'listen-on-loopback.cjs');
  const args = ['--require', preload, cli, '--app-endpoint', botEndpoint, '--channel-id', 'msteams', '--port', String(port), '--service-url', `http://127.0.0.1:${port}/_connector`, '--disable-telemetry'];
  return spawn(process.execPath, args, {
    cwd: dataDir,
    env: {
      ...process.env,
      // The playground's own switches: no browser in tests, its log and config files away from the repository.
      ...(openBrowser ? {} : { TEAMSAPPTESTER_BROWSER: 'none' }),
      M365_AGENTS_PLAYGROUND_LOGFILE: path.join(dataDir, 'm365agentsplayground.log'),
      M365_AGENTS_PLAYGROUND_RECORDING_FILE: path.join(dataDir, 'events-recording.json'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function waitForListening(child: ChildProcess, onLine: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`The Agents Playground did not start within 60 s. It printed: ${seen.slice(-2000)}`)), 60_000);
    const read = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      seen += text;
      for (const line of text.split('\n').filter((item) => item.trim())) onLine(line);
      if (/Listening on \d+/.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The Agents Playground exited with code ${code} before listening. It printed: ${seen.slice(-2000)}`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function main(): Promise<void> {
  const running = await startPlayground({ openBrowser: !process.argv.includes('--no-browser') });
  process.stdout.write(
    `\nThe bot listens at ${running.botEndpoint} (no credentials, data in ${running.dataDir}).\n` +
      `Chat with it in the Agents Playground: ${running.playgroundUrl}\n` +
      'Try "help", or "check file:callrecord-v1-expanded-2024.json". Ctrl+C stops both.\n\n',
  );
  const stop = () => {
    running.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
