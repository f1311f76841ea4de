import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runAsProcess, runInProcess, type CliOutcome } from './cli-harness';

const GOOD = ['10.1.0.0,HQ LAN,16,HQ Building,,,,,,,,,1,0,0', '10.1.2.0,HQ 2F,24,HQ Building,,,,,,,,,1,0,0', '2001:db8:10::,HQ v6,48,HQ Building,,,,,,,,,1,0,0', '2001:db8:20::,Lab v6,48,Lab,,,,,,,,,1,0,0', '172.16.0.0,Lab,12,Lab,,,,,,,,,1,0,0'].join('\n');

describe('cli buildings check', function () {
  this.timeout(60_000);
  let folder: string;
  before(() => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'cqb-buildings-cli-'));
    writeFileSync(path.join(folder, 'good.csv'), GOOD);
    writeFileSync(path.join(folder, 'bad.csv'), `${GOOD}\n10.1.0.0,Again,16,HQ Building,,,,,,,,,1,0,0\n`);
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  it('says how many networks of each family and buildings a good file holds, exit 0', async () => {
    const file = path.join(folder, 'good.csv');
    const { code, stdout, stderr } = await runInProcess(['buildings', 'check', file]);
    assert.equal(code, 0, stderr);
    assert.equal(stdout, `${file}: 5 networks (3 IPv4, 2 IPv6) in 2 buildings\n`);
    assert.equal(stderr, '');
  });

  it('reads standard input with -', async () => {
    const { code, stdout } = await runInProcess(['buildings', 'check', '-'], GOOD.split(',').join('\t'));
    assert.equal(code, 0);
    assert.equal(stdout, 'standard input: 5 networks (3 IPv4, 2 IPv6) in 2 buildings\n');
  });

  it('a wrong line: one line on stderr naming the file, the line and the column, exit 2', async () => {
    const file = path.join(folder, 'bad.csv');
    const { code, stdout, stderr } = await runInProcess(['buildings', 'check', file]);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.equal(stderr, `${file}: line 6, column NetworkIP: 10.1.0.0/16 is already on line 1: each network may appear once\n`);
  });

  for (const [name, argv, says] of [
    ['a missing file', ['buildings', 'check', 'no-such.csv'], 'File not found: no-such.csv\n'],
    ['no file', ['buildings', 'check'], 'Usage: buildings check <file|->\n'],
    ['another action', ['buildings', 'list', 'x.csv'], 'Usage: buildings check <file|->\n'],
  ] as const) {
    it(`${name}: exit 2 with one line`, async () => {
      const { code, stdout, stderr } = await runInProcess([...argv]);
      assert.equal(code, 2);
      assert.equal(stdout, '');
      assert.equal(stderr, says);
    });
  }

  it('as a process: the same answers and exit codes a shell sees', async () => {
    const runs: CliOutcome[] = await Promise.all([runAsProcess(['buildings', 'check', path.join(folder, 'good.csv')]), runAsProcess(['buildings', 'check', path.join(folder, 'bad.csv')])]);
    assert.deepEqual(
      runs.map(({ code }) => code),
      [0, 2],
    );
    assert.match(runs[0]!.stdout, /: 5 networks \(3 IPv4, 2 IPv6\) in 2 buildings\n$/);
    assert.match(runs[1]!.stderr, /^[^\n]*bad\.csv: line 6, column NetworkIP: [^\n]*\n$/);
  });
});
