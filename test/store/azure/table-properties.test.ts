import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { bytesProperties, readBytesProperties } from '../../../src/store/azure/table-properties';

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
});
