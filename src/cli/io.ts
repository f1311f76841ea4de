import { readFile } from 'node:fs/promises';
import { Writable } from 'node:stream';
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

/**
 * A stream to pipe into: standard output itself (so its back-pressure reaches the source), or a
 * writer that is not a stream (tests) wrapped as one.
 */
export function writableOf(target: CliStreams['stdout']): Writable {
  if (target instanceof Writable) return target;
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      target.write(chunk.toString());
      done();
    },
  });
}

/**
 * An ISO 8601 date (`2026-03-01`, midnight UTC) or date-time with a zone (`2026-03-01T09:00:00Z`,
 * `…+01:00`) as epoch ms; a CLI error naming the flag otherwise. A time without a zone is refused:
 * it would be read in the machine's zone, which the admin may not know.
 */
export function parseIsoTime(flag: string, text: string): number {
  const shape = /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/i.exec(text.trim());
  const epochMs = shape ? Date.parse(text.trim()) : NaN;
  // Date.parse rolls 2026-02-30 over to March: the calendar date must survive a round trip.
  const realDate = shape !== null && !Number.isNaN(epochMs) && new Date(`${shape[1]}T00:00:00Z`).toISOString().slice(0, 10) === shape[1];
  if (!realDate) {
    throw new CliError(`${flag} "${text}" is not an ISO 8601 date (2026-03-01) or date-time with a zone (2026-03-01T09:00:00Z).`);
  }
  return epochMs;
}
