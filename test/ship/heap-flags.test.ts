import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { startCommand } from '../support/start-command';

/** V8's heap limit, in MB, of a Node process started with `flags`. */
function heapLimitMb(flags: readonly string[]): number {
  const run = spawnSync(process.execPath, [...flags, '-p', "require('node:v8').getHeapStatistics().heap_size_limit"], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return Number(run.stdout.trim()) / 2 ** 20;
}

describe('the heap the bot is started with (npm start, and App Service)', () => {
  it('sizes V8 as Node does on the B1 plan (about 920 MB) whatever the machine', () => {
    const flags = startCommand().nodeFlags;
    assert.deepEqual(flags, ['--max-old-space-size=896', '--max-semi-space-size=8']);
    // 896 MB of old generation and three 8 MB semi-spaces: what Node 22 reported in a 1.75 GiB cgroup (bench/heap-sizing.ts).
    const limit = heapLimitMb(flags);
    assert.ok(limit >= 900 && limit <= 940, `${limit} MB`);
  });
});
