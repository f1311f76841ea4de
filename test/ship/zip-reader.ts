import { crc32, inflateRawSync } from 'node:zlib';

/** One file read back from a ZIP archive. */
export interface ZipFile {
  name: string;
  data: Buffer;
}

/**
 * Reads a ZIP archive the way unzip tools do: from the end-of-central-directory record through the
 * central directory to each local header, inflating (method 8) or copying (method 0) the data and
 * checking sizes and CRC-32. Written independently of scripts/zip-archive.ts to test it.
 */
export function readZip(archive: Buffer): ZipFile[] {
  const endOffset = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (endOffset < 0) throw new Error('No end-of-central-directory record: not a ZIP file.');
  const count = archive.readUInt16LE(endOffset + 10);
  const centralSize = archive.readUInt32LE(endOffset + 12);
  let cursor = archive.readUInt32LE(endOffset + 16);
  if (cursor + centralSize !== endOffset) throw new Error('The central directory does not end where the end record starts.');
  const files: ZipFile[] = [];
  for (let i = 0; i < count; i++) {
    if (archive.readUInt32LE(cursor) !== 0x02014b50) throw new Error(`Central directory entry ${i} has a bad signature.`);
    const method = archive.readUInt16LE(cursor + 10);
    const crc = archive.readUInt32LE(cursor + 16);
    const compressedSize = archive.readUInt32LE(cursor + 20);
    const size = archive.readUInt32LE(cursor + 24);
    const nameLength = archive.readUInt16LE(cursor + 28);
    const extraLength = archive.readUInt16LE(cursor + 30);
    const commentLength = archive.readUInt16LE(cursor + 32);
    const localOffset = archive.readUInt32LE(cursor + 42);
    const name = archive.toString('utf8', cursor + 46, cursor + 46 + nameLength);
    cursor += 46 + nameLength + extraLength + commentLength;

    if (archive.readUInt32LE(localOffset) !== 0x04034b50) throw new Error(`The local header of ${name} has a bad signature.`);
    const localNameLength = archive.readUInt16LE(localOffset + 26);
    const localExtraLength = archive.readUInt16LE(localOffset + 28);
    const localName = archive.toString('utf8', localOffset + 30, localOffset + 30 + localNameLength);
    if (localName !== name) throw new Error(`The local header names ${localName}, the central directory ${name}.`);
    const start = localOffset + 30 + localNameLength + localExtraLength;
    const stored = archive.subarray(start, start + compressedSize);
    const data = method === 8 ? inflateRawSync(stored) : method === 0 ? Buffer.from(stored) : undefined;
    if (!data) throw new Error(`${name} uses compression method ${method}.`);
    if (data.length !== size) throw new Error(`${name} is ${data.length} bytes, the directory says ${size}.`);
    if ((crc32(data) >>> 0) !== crc) throw new Error(`${name} fails its CRC-32 check.`);
    files.push({ name, data });
  }
  return files;
}
