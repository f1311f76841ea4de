import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { notACallRecordReason } from '../quality';

/** The largest call record file `check file:` reads (a big meeting's record is a few MB). */
export const LOCAL_RECORD_MAX_BYTES = 64 * 1024 * 1024;

/** Thrown when `check file:` cannot read or use the file; the message says why, never what the file holds. */
export class LocalRecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalRecordError';
  }
}

/**
 * Reads a call record saved as JSON from the records folder (`RECORDS_DIR`) for `check file:`.
 * Only `.json` files inside that folder are read: the name is resolved inside it, symbolic links
 * are resolved before the check, and anything else gets the same answer whether or not it exists,
 * so the command cannot be used to read or probe other files. Errors never quote the file.
 */
export async function readLocalCallRecord(name: string, recordsDir: string): Promise<unknown> {
  const outside = new LocalRecordError(
    `"check file:" reads only .json call record files inside the records folder (RECORDS_DIR), e.g. "check file:call.json".`,
  );
  if (path.extname(name).toLowerCase() !== '.json') throw outside;
  let folder: string;
  try {
    folder = await realpath(recordsDir);
  } catch {
    throw new LocalRecordError('The records folder (RECORDS_DIR) does not exist yet: create it and put call record .json files in it.');
  }
  const wanted = path.resolve(folder, name);
  if (!isInside(folder, wanted)) throw outside;
  let resolved: string;
  try {
    resolved = await realpath(wanted);
  } catch {
    // Say "no such file" only when the folder it would be in is itself inside the records folder:
    // behind a link that leads out, whether a file exists is not ours to tell.
    const parent = await realpath(path.dirname(wanted)).catch(() => undefined);
    if (parent === undefined || (parent !== folder && !isInside(folder, parent))) throw outside;
    throw new LocalRecordError(`There is no call record file named ${path.relative(folder, wanted)} in the records folder.`);
  }
  if (!isInside(folder, resolved) || path.extname(resolved).toLowerCase() !== '.json') throw outside;
  const shown = path.relative(folder, resolved);
  const info = await stat(resolved);
  if (!info.isFile()) throw new LocalRecordError(`${shown} in the records folder is not a file.`);
  if (info.size > LOCAL_RECORD_MAX_BYTES) throw new LocalRecordError(`${shown} is ${info.size} bytes; call record files are read up to ${LOCAL_RECORD_MAX_BYTES} bytes.`);
  let record: unknown;
  try {
    record = JSON.parse(await readFile(resolved, 'utf8'));
  } catch {
    throw new LocalRecordError(`${shown} is not valid JSON.`);
  }
  const notRecord = notACallRecordReason(record);
  if (notRecord) throw new LocalRecordError(`${shown} is not a Graph call record: ${notRecord}.`);
  return record;
}

function isInside(folder: string, file: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}
