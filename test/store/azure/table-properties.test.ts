import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { bytesProperties, readBytesProperties, readTextProperty, textProperties } from '../../../src/store/azure/table-properties';

describe('Azure table properties', () => {
  it('splits bytes over the 64 KiB property limit and joins them back', () => {
    const bytes = randomBytes(150_000);
    const properties = bytesProperties('body', bytes, 'report');
    assert.equal(properties.bodyParts, 3);
    for (const part of [0, 1, 2]) assert.ok((properties[`body${part}`] as Uint8Array).byteLength <= 64 * 1024);
    assert.deepEqual(readBytesProperties(properties, 'body'), bytes);
  });

  it('refuses more than an entity holds, saying what was too big', () => {
    assert.throws(() => bytesProperties('value', randomBytes(1_000_000), 'setting thresholds of global'), /setting thresholds of global is 1000000 bytes/);
  });

  it('keeps short text as a String, long text gzipped in Binary parts, and reads both back', () => {
    assert.deepEqual(textProperties('summary', 'short', 'summary'), { summary: 'short' });
    const long = JSON.stringify(Array.from({ length: 40_000 }, (_, index) => ['audio', 'caller', index % 7 === 0 ? 'poor' : 'good']));
    const properties = textProperties('summary', long, 'summary');
    const stored = readBytesProperties(properties, 'summary')!;
    assert.deepEqual([...stored.subarray(0, 2)], [0x1f, 0x8b], 'gzip');
    assert.ok(stored.byteLength < long.length / 5, `${stored.byteLength} bytes stored for ${long.length} characters`);
    assert.equal(readTextProperty(properties, 'summary'), long);
  });

  it('reads long text written before compression (plain UTF-8 parts)', () => {
    const long = 'é'.repeat(70_000);
    assert.equal(readTextProperty(bytesProperties('summary', Buffer.from(long, 'utf8'), 'summary'), 'summary'), long);
  });
});
