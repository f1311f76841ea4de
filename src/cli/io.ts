import { readFile } from 'node:fs/promises';
import { CliError } from './cli-error';

/** What a command writes; injected so that tests can run commands in-process. */
export interface CliStreams {
  stdin: NodeJS.ReadableStream;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** Reads a file, or standard input for `-`, as UTF-8 text. */
export async function readInput(path: string, streams: CliStreams): Promise<string> {
  return (await readInputBytes(path, streams)).toString('utf8');
}

/** Reads a file, or standard input for `-`, as bytes (for formats that may not be UTF-8). */
export async function readInputBytes(path: string, streams: CliStreams): Promise<Buffer> {
  if (path === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of streams.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    return Buffer.concat(chunks);
  }
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(`File not found: ${path}`);
    if (code === 'EISDIR') throw new CliError(`${path} is a directory, not a file`);
    throw new CliError(`Cannot read ${path}: ${(error as Error).message}`);
  }
}

/** Parses JSON text, or fails with a CLI error that names the source. */
export function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    // Node quotes the input in its message, newlines included: one line on stderr is the contract.
    throw new CliError(`Invalid JSON in ${source}: ${(error as Error).message.replace(/\s+/g, ' ')}`);
  }
}
