import assert from 'node:assert/strict';
import { callPartitionKey, tableKey } from '../../../src/store/azure';

/** What Azure Tables refuses in PartitionKey and RowKey, plus what breaks OData filters and URLs. */
const REFUSED = /[/\\#?\u0000-\u001f\u007f-\u009f'%]/;

describe('Azure table keys', () => {
  it('escapes characters table keys refuse, and keeps plain ids readable', () => {
    for (const id of ['a/b', 'a\\b', 'a#b', 'a?b', 'tab\there', 'nul\u0000', 'del\u007f', "it's", '100%', 'ünïcødé 通话']) {
      assert.doesNotMatch(tableKey(id), REFUSED, `escaped form of ${JSON.stringify(id)}`);
    }
    assert.equal(tableKey('2f6b4c1e-8a3d-4b7e-9c1a-0d5e6f7a8b9c'), '2f6b4c1e-8a3d-4b7e-9c1a-0d5e6f7a8b9c');
    assert.equal(tableKey('a/b'), 'a~2Fb');
    assert.equal(tableKey('é'), '~C3~A9');
  });

  it('never gives two ids the same key', () => {
    const ids = ['', '~', '~2F', '/', 'a~2Fb', 'a/b', 'A/B', 'a b', 'a+b', 'x'.repeat(2_000), `${'x'.repeat(2_000)}y`, '~H', 'é', '~C3~A9'];
    const keys = ids.map(tableKey);
    assert.equal(new Set(keys).size, ids.length);
    const pairs = [
      ['a|b', 'c'],
      ['a', 'b|c'],
      ['', 'abc'],
      ['abc', ''],
    ] as const;
    assert.equal(new Set(pairs.map(([tenant, call]) => callPartitionKey(tenant, call))).size, pairs.length);
  });

  it('keeps keys within the 1 KiB limit', () => {
    assert.ok(tableKey('/'.repeat(1_000)).length <= 1_024);
    assert.match(tableKey('/'.repeat(1_000)), /^~H[0-9a-f]{64}$/);
    assert.ok(callPartitionKey('t'.repeat(600), 'c'.repeat(600)).length <= 1_024);
  });
});
