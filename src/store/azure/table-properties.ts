import { gunzipSync, gzipSync } from 'node:zlib';

/**
 * Helpers for table entity properties. Azure Tables caps one property at 64 KiB and one entity
 * at 1 MiB, has no null (a missing property reads as null here), and compares numbers only with
 * literals of the same EDM type, so number filters are applied here rather than in queries.
 */

/** A property value the table SDK writes as it is (numbers as Double/Int32, bytes as Binary). */
export type PropertyValue = string | number | boolean | Uint8Array;

/** An entity as written: keys plus plain properties. */
export type EntityProperties = Record<string, PropertyValue | null | undefined>;

/** A written entity keeps well under the 1 MiB entity limit. */
export const MAX_BYTES_IN_ENTITY = 900_000;
/** Bytes per Binary property (the limit is 64 KiB). */
const PART_BYTES = 60_000;

/** Drops null and undefined properties (a Replace then removes them from the stored entity). */
export function withoutNulls(properties: EntityProperties): Record<string, PropertyValue> {
  const entity: Record<string, PropertyValue> = {};
  for (const [name, value] of Object.entries(properties)) if (value !== null && value !== undefined) entity[name] = value;
  return entity;
}

/** A stored number property, or null when missing. */
export function numberOrNull(entity: Record<string, unknown>, name: string): number | null {
  const value = entity[name];
  if (value === undefined || value === null) return null;
  return typeof value === 'number' ? value : Number(value);
}

/** A stored number property that must be there. */
export function numberOf(entity: Record<string, unknown>, name: string): number {
  return numberOrNull(entity, name) ?? 0;
}

/** A stored string property, or null when missing. */
export function stringOrNull(entity: Record<string, unknown>, name: string): string | null {
  const value = entity[name];
  return typeof value === 'string' ? value : null;
}

/** Splits bytes into `<name>0..n` Binary properties plus a `<name>Parts` count. */
export function bytesProperties(name: string, bytes: Uint8Array, what: string): Record<string, PropertyValue> {
  if (bytes.byteLength > MAX_BYTES_IN_ENTITY) {
    throw new RangeError(`The ${what} is ${bytes.byteLength} bytes, over the ${MAX_BYTES_IN_ENTITY} bytes an Azure table entity can hold; store less in it.`);
  }
  const properties: Record<string, PropertyValue> = {};
  let parts = 0;
  for (let offset = 0; offset < bytes.byteLength || parts === 0; offset += PART_BYTES) {
    properties[`${name}${parts}`] = bytes.subarray(offset, offset + PART_BYTES);
    parts += 1;
  }
  properties[`${name}Parts`] = parts;
  return properties;
}

/** Joins what {@link bytesProperties} wrote; undefined when the entity has none. */
export function readBytesProperties(entity: Record<string, unknown>, name: string): Buffer | undefined {
  const parts = numberOrNull(entity, `${name}Parts`);
  if (parts === null) return undefined;
  const chunks: Buffer[] = [];
  for (let part = 0; part < parts; part += 1) {
    const chunk = entity[`${name}${part}`];
    if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    else if (chunk !== undefined) throw new Error(`The stored property "${name}${part}" is not binary; the table was written by something else.`);
  }
  return Buffer.concat(chunks);
}

/** A JSON value as Binary properties (UTF-8). */
export function jsonProperties(name: string, value: unknown, what: string): Record<string, PropertyValue> {
  return bytesProperties(name, Buffer.from(JSON.stringify(value) ?? 'null', 'utf8'), what);
}

/** Reads what {@link jsonProperties} wrote; undefined when the entity has none. */
export function readJsonProperties(entity: Record<string, unknown>, name: string): unknown {
  const bytes = readBytesProperties(entity, name);
  return bytes === undefined ? undefined : JSON.parse(bytes.toString('utf8'));
}

/** Error texts are kept short enough for a 64 KiB string property. */
export function boundedText(text: string | null): string | null {
  return text !== null && text.length > 8_000 ? `${text.slice(0, 8_000)}…` : text;
}

/** Characters a String property holds safely (the limit is 64 KiB of UTF-16). */
export const MAX_STRING_CHARS = 30_000;

/**
 * Text as one String property when it fits (readable in Storage Explorer), else gzipped into
 * Binary parts (see {@link bytesProperties}): a summary or aggregate over 64 KiB still round-trips,
 * and a large meeting's history (4.7 MB of JSON for 6,000 sessions, 0.66 MB gzipped) fits the
 * entity's 1 MiB.
 */
export function textProperties(name: string, text: string, what: string): Record<string, PropertyValue> {
  return text.length <= MAX_STRING_CHARS ? { [name]: text } : bytesProperties(name, gzipSync(Buffer.from(text, 'utf8')), what);
}

/**
 * Reads what {@link textProperties} wrote; undefined when the entity has neither form. Parts
 * starting with gzip's magic bytes are gunzipped; rows written before compression hold plain
 * UTF-8 (text never starts with the byte 0x1f), so both read.
 */
export function readTextProperty(entity: Record<string, unknown>, name: string): string | undefined {
  const value = entity[name];
  if (typeof value === 'string') return value;
  const bytes = readBytesProperties(entity, name);
  if (bytes === undefined) return undefined;
  return (isGzip(bytes) ? gunzipSync(bytes) : bytes).toString('utf8');
}

function isGzip(bytes: Buffer): boolean {
  return bytes.byteLength >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Roughly how many bytes the properties take in an entity (strings as UTF-16, as the service counts them). */
export function propertyBytes(properties: Record<string, PropertyValue>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(properties)) {
    bytes += name.length * 2 + (typeof value === 'string' ? value.length * 2 : value instanceof Uint8Array ? value.byteLength : 8);
  }
  return bytes;
}
