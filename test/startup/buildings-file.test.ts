import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assertCompiledBotIsFresh, runCompiledBot, startCompiledBot, type BotExit } from './compiled-bot';

/**
 * `BUILDINGS_FILE` as a shell sees it: a broken file stops the compiled bot with exit code 2 and one
 * line naming the file, the line and the column; a good one is read and counted in the log.
 */
describe('BUILDINGS_FILE at start-up (the compiled bot as a process)', function () {
  this.timeout(120_000);
  let scratch: string;
  let broken: Promise<BotExit>;
  let missing: Promise<BotExit>;

  before(() => {
    assertCompiledBotIsFresh();
    scratch = mkdtempSync(path.join(os.tmpdir(), 'cqb-buildings-startup-'));
    writeFileSync(path.join(scratch, 'good.tsv'), ['10.1.0.0\tHQ LAN\t16\tHQ Building\t\t\t\t\t\t\t\t\t1\t0\t0', '10.1.2.0\tHQ 2F\t24\tHQ Building\t\t\t\t\t\t\t\t\t1\t0\t0', '2001:db8:10::\tHQ v6\t48\tHQ Building\t\t\t\t\t\t\t\t\t1\t0\t0', '172.16.0.0\tLab\t12\tLab\t\t\t\t\t\t\t\t\t1\t0\t0'].join('\n'));
    writeFileSync(path.join(scratch, 'broken.csv'), '10.1.0.0,HQ LAN,16,HQ Building,,,,,,,,,1,0,0\n\n10.1.2.9,HQ 2F,24,HQ Building,,,,,,,,,1,0,0\n');
    const env = { PORT: '0', DATA_DIR: path.join(scratch, 'data') };
    broken = runCompiledBot({ ...env, BUILDINGS_FILE: path.join(scratch, 'broken.csv') });
    missing = runCompiledBot({ ...env, BUILDINGS_FILE: path.join(scratch, 'no-such.csv') });
  });
  after(async () => {
    await Promise.allSettled([broken, missing]);
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('a wrong line: exit 2, one line naming the file, the line and the column, no stack', async () => {
    const { code, stderr } = await broken;
    assert.equal(code, 2, stderr);
    assert.equal(stderr, `Configuration error: BUILDINGS_FILE ${path.join(scratch, 'broken.csv')}: line 3, column NetworkIP: "10.1.2.9" has host bits set for a /24 network: write its network address, 10.1.2.0\n`);
  });

  it('a file that is not there: exit 2, one line naming it', async () => {
    const { code, stderr } = await missing;
    assert.equal(code, 2, stderr);
    assert.match(stderr, /^Configuration error: BUILDINGS_FILE .*no-such\.csv: cannot read it: ENOENT[^\n]*\n$/);
  });

  it('a good file: the bot starts and logs what it read', async () => {
    const bot = await startCompiledBot({ PORT: '0', DATA_DIR: path.join(scratch, 'data-good'), BUILDINGS_FILE: path.join(scratch, 'good.tsv') });
    try {
      const line = bot.logLines().find((entry) => String(entry.msg).startsWith('building file:'));
      assert.ok(line, bot.output());
      assert.equal(line.msg, 'building file: 4 networks (3 IPv4, 1 IPv6) in 2 buildings');
      assert.equal(line.buildingsFile, path.join(scratch, 'good.tsv'));
    } finally {
      await bot.stop();
    }
  });
});
