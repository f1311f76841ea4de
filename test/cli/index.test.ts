import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fixturePath } from '../support/graph-fixtures';
import { REPORT_KEYS, assertReportShape } from '../quality/report-shape';
import { runAsProcess, type CliOutcome } from './cli-harness';

const SEED = fixturePath('callrecord-v1-expanded-2024.json');

/**
 * The CLI as a real process (`node --import tsx src/cli/index.ts`): exit codes, stdout and stderr as
 * a shell sees them. The six runs start together because each costs about half a second to boot.
 */
describe('cli score (as a process)', function () {
  this.timeout(60_000);
  const runs: Record<string, Promise<CliOutcome>> = {};
  before(async () => {
    runs.file = runAsProcess(['score', SEED]);
    runs.stdin = runAsProcess(['score', '-', '--profile', 'cqd-classic'], readFileSync(SEED, 'utf8'));
    runs.text = runAsProcess(['score', SEED, '--format', 'text', '--profile', 'cqd-classic']);
    runs.missing = runAsProcess(['score', fixturePath('no-such-record.json')]);
    runs.notRecord = runAsProcess(['score', '-'], '[1, 2, 3]');
    runs.unknownFlag = runAsProcess(['score', SEED, '--verbose']);
    await Promise.allSettled(Object.values(runs));
  });
  const outcome = (name: string) => runs[name]!;

  it('prints one JSON report and exits 0 for a file', async () => {
    const { code, stdout, stderr } = await outcome('file');
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(report), REPORT_KEYS);
    assertReportShape(report);
    assert.equal(report.quality, 'good');
    assert.equal(report.alert, true);
  });

  it('reads standard input with - and honours --profile', async () => {
    const { code, stdout, stderr } = await outcome('stdin');
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout) as { profile: string; quality: string; callId: string };
    assert.deepEqual([report.profile, report.quality, report.callId], ['cqd-classic', 'poor', 'e523d2ed-2966-4b6b-925b-754a88034cc5']);
  });

  it('prints a text summary with --format text', async () => {
    const { code, stdout, stderr } = await outcome('text');
    assert.equal(code, 0, stderr);
    assert.match(stdout, /POOR/);
    assert.match(stdout, /averageAudioDegradation 1\.16 > 1/);
    assert.match(stdout, /Owen Franklin rated poor: .*noise/i);
  });

  for (const [name, mentions] of [
    ['missing', /not found.*no-such-record\.json/i],
    ['notRecord', /Not a call record.*array/],
    ['unknownFlag', /--verbose/],
  ] as const) {
    it(`exits 2 with one line on stderr and nothing on stdout: ${name}`, async () => {
      const { code, stdout, stderr } = await outcome(name);
      assert.equal(code, 2, stderr);
      assert.equal(stdout, '');
      assert.match(stderr, /^[^\n]+\n$/, JSON.stringify(stderr));
      assert.match(stderr, mentions);
    });
  }
});
