import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Azurite's well-known development account (public, documented by Microsoft; not a secret). */
export const AZURITE_ACCOUNT_NAME = 'devstoreaccount1';
/** The development account's key, the same in every Azurite. */
export const AZURITE_ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** A running Azurite (blob, queue and table services on loopback, data in memory only). */
export interface AzuriteInstance {
  /** A connection string naming all three endpoints, for the Azure SDK clients. */
  readonly connectionString: string;
  readonly blobEndpoint: string;
  readonly queueEndpoint: string;
  readonly tableEndpoint: string;
  /** Stops the process and removes its working directory; safe to call twice. */
  stop(): Promise<void>;
}

/** How long Azurite may take to listen on all three ports (a cold start on a busy 2-core machine). */
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

const LISTENING = /Azurite (Blob|Queue|Table) service is successfully listening at (http:\/\/\S+)/g;

/**
 * Starts Azurite from the `azurite` npm package as a child process: loopback only, ports chosen by
 * the operating system (port 0), in-memory persistence, no telemetry, no access log. A separate
 * process (rather than Azurite's servers in this process) keeps Azurite's own singletons, loggers
 * and memory out of the test process, and lets several bot processes share one emulator.
 */
export async function startAzurite(): Promise<AzuriteInstance> {
  const script = path.join(path.dirname(require.resolve('azurite/package.json')), 'dist', 'src', 'azurite.js');
  // Azurite resolves its workspace from the working directory even in memory; give it a private one.
  const workspace = mkdtempSync(path.join(os.tmpdir(), 'cqb-azurite-'));
  const child = spawn(
    process.execPath,
    [
      script,
      '--inMemoryPersistence',
      '--skipApiVersionCheck',
      '--disableTelemetry',
      '--loose',
      '--silent',
      '--extentMemoryLimit',
      '512',
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      '0',
      '--queueHost',
      '127.0.0.1',
      '--queuePort',
      '0',
      '--tableHost',
      '127.0.0.1',
      '--tablePort',
      '0',
    ],
    { cwd: workspace, stdio: ['ignore', 'pipe', 'pipe'], env: azuriteEnvironment() },
  );
  // A test run that dies without calling stop() must not leave an emulator behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', killOnExit);
    await terminate(child);
    rmSync(workspace, { recursive: true, force: true });
  };

  try {
    const endpoints = await waitForEndpoints(child);
    const blobEndpoint = `${endpoints.Blob}/${AZURITE_ACCOUNT_NAME}`;
    const queueEndpoint = `${endpoints.Queue}/${AZURITE_ACCOUNT_NAME}`;
    const tableEndpoint = `${endpoints.Table}/${AZURITE_ACCOUNT_NAME}`;
    return {
      connectionString:
        `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT_NAME};AccountKey=${AZURITE_ACCOUNT_KEY};` +
        `BlobEndpoint=${blobEndpoint};QueueEndpoint=${queueEndpoint};TableEndpoint=${tableEndpoint};`,
      blobEndpoint,
      queueEndpoint,
      tableEndpoint,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The caller's environment without `AZURITE_ACCOUNTS`, which would replace the well-known account. */
function azuriteEnvironment(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.AZURITE_ACCOUNTS;
  return env;
}

function waitForEndpoints(child: ChildProcess): Promise<Record<'Blob' | 'Queue' | 'Table', string>> {
  return new Promise((resolve, reject) => {
    const found: Partial<Record<'Blob' | 'Queue' | 'Table', string>> = {};
    let output = '';
    const fail = (message: string) => {
      cleanup();
      reject(new Error(`${message} Azurite said:\n${output.slice(-2_000)}`));
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      for (const match of output.matchAll(LISTENING)) found[match[1] as 'Blob' | 'Queue' | 'Table'] = match[2]!.replace(/\/$/, '');
      if (found.Blob && found.Queue && found.Table) {
        cleanup();
        // Keep draining the pipes so a chatty Azurite never blocks on a full pipe.
        child.stdout?.resume();
        child.stderr?.resume();
        resolve({ Blob: found.Blob, Queue: found.Queue, Table: found.Table });
      }
    };
    const onExit = (code: number | null) => fail(`Azurite exited (code ${code}) before listening on blob, queue and table ports.`);
    const onError = (error: Error) => fail(`Azurite could not be started (${error.message}); is the azurite npm package installed?`);
    const timer = setTimeout(() => fail(`Azurite did not listen on all three ports within ${START_TIMEOUT_MS / 1000} s.`), START_TIMEOUT_MS);
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
