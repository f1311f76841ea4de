/**
 * A minimal ZIP writer (PKWARE APPNOTE 6.3: local headers, deflated data, central directory, end
 * record), enough for a Teams app package: a few small files, no directories, no ZIP64. No ZIP
 * library is a dependency of this project, and node:zlib provides both deflate and CRC-32.
 */
import { crc32, deflateRawSync } from 'node:zlib';

/** One file of the archive. */
export interface ZipEntry {
  /** Path inside the archive, with forward slashes, e.g. `manifest.json`. */
  name: string;
  data: Buffer;
}

/** Options of {@link createZipArchive}. */
export interface ZipOptions {
  /**
   * Modification time written for every entry. Fixed by default so that the same inputs give the
   * same bytes (reproducible packages).
   */
  modified?: Date;
}

/** Thrown when an entry cannot be stored in a plain ZIP file. */
export class ZipArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipArchiveError';
  }
}

const LOCAL_FILE_HEADER = 0x04034b50;
const CENTRAL_DIRECTORY_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const VERSION_NEEDED = 20; // 2.0: deflate
const VERSION_MADE_BY = (3 << 8) | 20; // Unix, 2.0
const FLAG_UTF8_NAMES = 0x0800;
const METHOD_DEFLATE = 8;
const UNIX_REGULAR_FILE_0644 = (0o100644 << 16) >>> 0;
const DEFAULT_MODIFIED = new Date(2020, 0, 1, 0, 0, 0);
const MAX_32BIT = 0xffffffff;

/** Builds a ZIP archive of the entries, each deflated, in the given order. */
export function createZipArchive(entries: readonly ZipEntry[], options: ZipOptions = {}): Buffer {
  const seen = new Set<string>();
  for (const entry of entries) {
    if (!entry.name || entry.name.startsWith('/') || entry.name.includes('\\') || entry.name.split('/').includes('..')) {
      throw new ZipArchiveError(`ZIP entry name "${entry.name}" is not a relative path with forward slashes.`);
    }
    if (seen.has(entry.name)) throw new ZipArchiveError(`ZIP entry "${entry.name}" is given twice.`);
    seen.add(entry.name);
  }
  const { time, date } = dosDateTime(options.modified ?? DEFAULT_MODIFIED);
  const localParts: Buffer[] = [];
  const centralParts: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const compressed = deflateRawSync(entry.data, { level: 9 });
    const checksum = crc32(entry.data) >>> 0;
    if (entry.data.length > MAX_32BIT || compressed.length > MAX_32BIT || offset > MAX_32BIT) {
      throw new ZipArchiveError(`ZIP entry "${entry.name}" is too large for a ZIP file without ZIP64.`);
    }

    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL_FILE_HEADER, 0);
    local.writeUInt16LE(VERSION_NEEDED, 4);
    local.writeUInt16LE(FLAG_UTF8_NAMES, 6);
    local.writeUInt16LE(METHOD_DEFLATE, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(checksum, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    localParts.push(local, name, compressed);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL_DIRECTORY_HEADER, 0);
    central.writeUInt16LE(VERSION_MADE_BY, 4);
    central.writeUInt16LE(VERSION_NEEDED, 6);
    central.writeUInt16LE(FLAG_UTF8_NAMES, 8);
    central.writeUInt16LE(METHOD_DEFLATE, 10);
    central.writeUInt16LE(time, 12);
    central.writeUInt16LE(date, 14);
    central.writeUInt32LE(checksum, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(0, 30); // extra field length
    central.writeUInt16LE(0, 32); // comment length
    central.writeUInt16LE(0, 34); // disk number
    central.writeUInt16LE(0, 36); // internal attributes
    central.writeUInt32LE(UNIX_REGULAR_FILE_0644, 38);
    central.writeUInt32LE(offset, 42);
    centralParts.push(central, name);

    offset += local.length + name.length + compressed.length;
  }
  const centralDirectory = Buffer.concat(centralParts);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
  end.writeUInt16LE(0, 4); // this disk
  end.writeUInt16LE(0, 6); // disk with the central directory
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralDirectory.length, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(0, 20); // comment length
  return Buffer.concat([...localParts, centralDirectory, end]);
}

/** MS-DOS date and time (local time, 2-second resolution, years 1980 to 2107). */
function dosDateTime(when: Date): { time: number; date: number } {
  const year = Math.min(Math.max(when.getFullYear(), 1980), 2107);
  return {
    time: (when.getHours() << 11) | (when.getMinutes() << 5) | Math.floor(when.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((when.getMonth() + 1) << 5) | when.getDate(),
  };
}
