/**
 * Runs the CLI in-process through `runCli`, or as a real process, and collects what it wrote.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { runCli } from '../../src/cli/run-cli';

/** What a CLI run left behind. */
export interface CliOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

const REPO = resolve(__dirname, '../..');

/** Runs `runCli` with in-memory streams; `stdin` is the text read for `-`. */
export async function runInProcess(argv: string[], stdin = ''): Promise<CliOutcome> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdin: Readable.from([Buffer.from(stdin)]),
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

/**
 * Runs `node --import tsx src/cli/index.ts ...` as a process, with the Node that runs the tests
 * (Node 22), and feeds it `stdin`.
 */
export function runAsProcess(argv: string[], stdin = ''): Promise<CliOutcome> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...argv], {
      cwd: REPO,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}
