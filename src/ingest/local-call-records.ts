import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { notACallRecordReason } from '../quality';

/** The largest call record file `check file:` reads (a big meeting's record is a few MB). */
export const LOCAL_RECORD_MAX_BYTES = 64 * 1024 * 1024;

/** Thrown when `check file:` cannot read or use the file; the message says which and why. */
export class LocalRecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalRecordError';
  }
}

/** Reads a call record saved as JSON (relative paths from `baseDir`). */
export async function readLocalCallRecord(file: string, baseDir: string): Promise<unknown> {
  const resolved = path.resolve(baseDir, file);
  let size: number;
  try {
    const info = await stat(resolved);
    if (!info.isFile()) throw new LocalRecordError(`${resolved} is not a file.`);
    size = info.size;
  } catch (error) {
    if (error instanceof LocalRecordError) throw error;
    throw new LocalRecordError(`Cannot read ${resolved}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'there is no such file' : (error as Error).message}.`);
  }
  if (size > LOCAL_RECORD_MAX_BYTES) throw new LocalRecordError(`${resolved} is ${size} bytes; call record files are read up to ${LOCAL_RECORD_MAX_BYTES} bytes.`);
  let record: unknown;
  try {
    record = JSON.parse(await readFile(resolved, 'utf8'));
  } catch (error) {
    throw new LocalRecordError(`${resolved} is not valid JSON: ${(error as Error).message}`);
  }
  const notRecord = notACallRecordReason(record);
  if (notRecord) throw new LocalRecordError(`${resolved} is not a Graph call record: ${notRecord}.`);
  return record;
}
