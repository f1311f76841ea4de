import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixturePath } from '../support/graph-fixtures';
import { FAILURE_KEYS, FEEDBACK_KEYS, REASON_KEYS, REPORT_KEYS, STREAM_KEYS, assertReportShape } from '../quality/report-shape';
import { runInProcess, type CliOutcome } from './cli-harness';

const SEED = fixturePath('callrecord-v1-expanded-2024.json');

/** The CLI's contract for bad input: exit code 2, one line on stderr, nothing on stdout. */
function assertRefused(outcome: CliOutcome, mentions: RegExp): void {
  assert.equal(outcome.code, 2, `exit code (stderr: ${outcome.stderr})`);
  assert.equal(outcome.stdout, '');
  assert.match(outcome.stderr, /^[^\n]+\n$/, `exactly one line on stderr, got ${JSON.stringify(outcome.stderr)}`);
  assert.match(outcome.stderr, mentions);
}

describe('cli score (in-process)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'score-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };

  describe('json output', () => {
    it('prints exactly one JSON document with the contract keys', async () => {
      const outcome = await runInProcess(['score', SEED]);
      assert.equal(outcome.code, 0);
      assert.equal(outcome.stderr, '');
      const report = JSON.parse(outcome.stdout) as Record<string, unknown>;
      assert.deepEqual(Object.keys(report), REPORT_KEYS);
      assertReportShape(report);
      assert.deepEqual(
        { callId: report.callId, version: report.version, profile: report.profile, quality: report.quality, alert: report.alert },
        { callId: 'e523d2ed-2966-4b6b-925b-754a88034cc5', version: 1, profile: 'cqd', quality: 'good', alert: true },
      );
      const streams = report.streams as Array<Record<string, unknown>>;
      assert.equal(streams.length, 2);
      for (const stream of streams) assert.deepEqual(Object.keys(stream), STREAM_KEYS);
      assert.deepEqual(
        streams.map((s) => [s.label, s.direction, s.streamId]),
        [
          ['main-audio', 'callerToCallee', '1504545584'],
          ['main-audio', 'calleeToCaller', '1785122252'],
        ],
      );
      const feedback = report.feedback as Array<Record<string, unknown>>;
      assert.equal(feedback.length, 1);
      assert.deepEqual(Object.keys(feedback[0]!), FEEDBACK_KEYS);
      assert.deepEqual(feedback[0]!.tokens, ['Noisy']);
    });

    it('lists the failed sessions in failures, with stage, reason and both ends, leaving alert alone', async () => {
      const record = JSON.parse(readFileSync(SEED, 'utf8'));
      delete record.sessions[0].callee.feedback;
      record.sessions[0].failureInfo = { stage: 'midcall', reason: 'NetworkDisconnected' };
      const outcome = await runInProcess(['score', write('failed.json', record)]);
      assert.equal(outcome.code, 0);
      const report = JSON.parse(outcome.stdout) as Record<string, unknown>;
      assertReportShape(report);
      assert.equal(report.alert, false, 'good and unrated: the failure does not change alert');
      const failures = report.failures as Array<Record<string, unknown>>;
      assert.deepEqual(Object.keys(failures[0]!), FAILURE_KEYS);
      assert.deepEqual(failures, [
        {
          sessionId: 'e523d2ed-2966-4b6b-925b-754a88034cc5',
          stage: 'midcall',
          reason: 'NetworkDisconnected',
          caller: { id: '821809f5-0000-0000-0000-3b5136c0e777', displayName: 'Abbie Wilkins', service: false },
          callee: { id: 'f69e2c00-0000-0000-0000-185e5f5f5d8a', displayName: 'Owen Franklin', service: false },
        },
      ]);
      const text = await runInProcess(['score', write('failed.json', record), '--format', 'text']);
      assert.match(text.stdout, /^Failure: session e523d2ed-2966-4b6b-925b-754a88034cc5 \(Abbie Wilkins → Owen Franklin\) at stage midcall: NetworkDisconnected$/m);
    });

    it('has one streams entry per stream after session de-duplication, labels and directions as Graph spelled them', async () => {
      const audio = (id: string, direction?: string) => ({ streamId: id, ...(direction ? { streamDirection: direction } : {}), packetUtilization: 900, averageJitter: 'PT0.080S' });
      const record = {
        id: 'call-x',
        version: 4,
        sessions: [
          {
            id: 's1',
            modalities: ['audio', 'video'],
            segments: [
              { id: 'g1', media: [{ label: 'main-audio', streams: [audio('1', 'callerToCallee'), audio('2', 'calleeToCaller')] }] },
              { id: 'g2', media: [{ label: 'main-video', streams: [{ streamId: '3', streamDirection: 'callerToCallee', averageVideoFrameRate: 30 }] }, { streams: [audio('4')] }] },
            ],
          },
          { id: 's2', segments: [{ id: 'g3', media: [{ label: 'data', streams: [{ streamId: '5', streamDirection: 'unknownFutureValue' }] }] }] },
          { id: 's1', segments: [{ id: 'g9', media: [{ label: 'main-audio', streams: [audio('99')] }] }] },
        ],
      };
      const outcome = await runInProcess(['score', write('dedup.json', record)]);
      assert.equal(outcome.code, 0, outcome.stderr);
      const report = JSON.parse(outcome.stdout) as { streams: Array<Record<string, unknown>>; quality: string };
      assert.deepEqual(
        report.streams.map((s) => [s.sessionId, s.segmentId, s.streamId, s.label, s.direction, s.kind, s.classification]),
        [
          ['s1', 'g1', '1', 'main-audio', 'callerToCallee', 'audio', 'poor'],
          ['s1', 'g1', '2', 'main-audio', 'calleeToCaller', 'audio', 'poor'],
          ['s1', 'g2', '3', 'main-video', 'callerToCallee', 'video', 'good'],
          ['s1', 'g2', '4', null, null, null, 'unclassified'],
          ['s2', 'g3', '5', 'data', 'unknownFutureValue', null, 'unclassified'],
        ],
      );
      const reasons = report.streams[0]!.reasons as Array<Record<string, unknown>>;
      assert.deepEqual(Object.keys(reasons[0]!), REASON_KEYS);
      assert.deepEqual(reasons, [{ metric: 'averageJitter', value: 80, threshold: 30, comparison: '>' }]);
      assert.equal(report.quality, 'poor');
    });

    it('judges with --profile cqd-classic', async () => {
      const outcome = await runInProcess(['score', SEED, '--profile', 'cqd-classic']);
      assert.equal(outcome.code, 0, outcome.stderr);
      const report = JSON.parse(outcome.stdout) as { profile: string; quality: string; streams: Array<{ reasons: Array<{ metric: string }> }> };
      assert.equal(report.profile, 'cqd-classic');
      assert.equal(report.quality, 'poor');
      assert.deepEqual(report.streams.flatMap((s) => s.reasons.map((r) => r.metric)), ['averageAudioDegradation']);
    });

    it('applies a --thresholds file, and --profile wins over the file', async () => {
      // The seed's second stream has 709 packets and 7 ms of jitter: poor with a 5 ms threshold.
      const thresholds = write('strict.json', { profile: 'cqd-classic', thresholds: { audio: { averageJitter: 5 }, 'audio.averageAudioDegradation': 2 } });
      const outcome = await runInProcess(['score', SEED, '--thresholds', thresholds, '--profile', 'cqd']);
      assert.equal(outcome.code, 0, outcome.stderr);
      const report = JSON.parse(outcome.stdout) as { profile: string; quality: string; streams: Array<{ streamId: string; reasons: unknown[] }> };
      assert.equal(report.profile, 'cqd');
      assert.equal(report.quality, 'poor');
      assert.deepEqual(
        report.streams.map((s) => [s.streamId, s.reasons]),
        [
          ['1504545584', []],
          ['1785122252', [{ metric: 'averageJitter', value: 7, threshold: 5, comparison: '>' }]],
        ],
      );
      const fileProfile = JSON.parse((await runInProcess(['score', SEED, '--thresholds', thresholds])).stdout) as { profile: string; quality: string };
      assert.equal(fileProfile.profile, 'cqd-classic');
      assert.equal(fileProfile.quality, 'poor');
    });

    it('reads the record from standard input with -', async () => {
      const outcome = await runInProcess(['score', '-'], readFileSync(SEED, 'utf8'));
      assert.equal(outcome.code, 0, outcome.stderr);
      const report = JSON.parse(outcome.stdout) as { callId: string; streams: unknown[] };
      assert.equal(report.callId, 'e523d2ed-2966-4b6b-925b-754a88034cc5');
      assert.equal(report.streams.length, 2);
    });

    it('scores a basic record (no sessions) as unclassified', async () => {
      const outcome = await runInProcess(['score', fixturePath('callrecord-beta-basic.json')]);
      assert.equal(outcome.code, 0, outcome.stderr);
      const report = JSON.parse(outcome.stdout) as { quality: string; streams: unknown[]; alert: boolean };
      assert.deepEqual([report.quality, report.streams, report.alert], ['unclassified', [], false]);
    });
  });

  describe('text output', () => {
    it('gives the verdict and each poor stream in ms and %, and the feedback', async () => {
      const record = {
        id: 'call-t',
        version: 2,
        sessions: [
          {
            id: 's1',
            modalities: ['audio'],
            callee: { identity: { user: { id: 'u1', displayName: 'Owen' } }, feedback: { rating: 'bad', tokens: { Echo: true } } },
            segments: [
              {
                id: 'g1',
                media: [
                  {
                    label: 'main-audio',
                    streams: [{ streamId: '1', streamDirection: 'callerToCallee', packetUtilization: 900, averageJitter: 'PT0.045S', averagePacketLossRate: 0.2, averageRoundTripTime: 'PT0.100S' }],
                  },
                ],
              },
            ],
          },
        ],
      };
      const outcome = await runInProcess(['score', write('text.json', record), '--format', 'text']);
      assert.equal(outcome.code, 0, outcome.stderr);
      assert.equal(outcome.stderr, '');
      assert.match(outcome.stdout, /POOR/);
      assert.match(outcome.stdout, /averageJitter 45 ms > 30 ms/);
      assert.match(outcome.stdout, /averagePacketLossRate 20 % > 10 %/);
      assert.doesNotMatch(outcome.stdout, /averageRoundTripTime/, 'a metric within its threshold is not a reason');
      assert.match(outcome.stdout, /Owen rated bad/);
      assert.throws(() => JSON.parse(outcome.stdout), 'text is not JSON');
    });
  });

  describe('refusals: exit code 2, one line on stderr, nothing on stdout', () => {
    it('a missing file', async () => {
      assertRefused(await runInProcess(['score', join(dir, 'nowhere.json')]), /not found.*nowhere\.json/i);
    });
    it('invalid JSON', async () => {
      assertRefused(await runInProcess(['score', write('broken.json', '{"id": "x", "sessions": [')]), /Invalid JSON.*broken\.json/);
      assertRefused(await runInProcess(['score', '-'], 'not json'), /Invalid JSON.*standard input/);
      assertRefused(await runInProcess(['score', '-'], ''), /Invalid JSON/);
      assertRefused(await runInProcess(['score', '-'], '{\n  "version": nope\n}\n'), /Invalid JSON.*standard input/);
    });
    it('a page of sessions instead of a call record', async () => {
      assertRefused(await runInProcess(['score', fixturePath('sessions-page.json')]), /Not a call record.*page/);
      assertRefused(await runInProcess(['score', fixturePath('sessions-page-with-segments.json')]), /Not a call record/);
    });
    it('an array, a number, a string, null, or an object that is not a call record', async () => {
      assertRefused(await runInProcess(['score', '-'], '[{"id":"x","sessions":[]}]'), /Not a call record.*array/);
      assertRefused(await runInProcess(['score', '-'], '42'), /Not a call record.*number/);
      assertRefused(await runInProcess(['score', '-'], '"call"'), /Not a call record.*string/);
      assertRefused(await runInProcess(['score', '-'], 'null'), /Not a call record.*null/);
      assertRefused(await runInProcess(['score', '-'], '{"name":"x"}'), /Not a call record.*id/);
      assertRefused(await runInProcess(['score', '-'], '{"id":"x","colour":"blue"}'), /Not a call record/);
    });
    it('a bad --profile', async () => {
      assertRefused(await runInProcess(['score', SEED, '--profile', 'cqd-2030']), /cqd-2030/);
      assertRefused(await runInProcess(['score', SEED, '--profile']), /--profile/);
    });
    it('a bad thresholds file: unknown metric, unknown kind, not a number, unknown key, invalid JSON, missing', async () => {
      assertRefused(await runInProcess(['score', SEED, '--thresholds', write('t1.json', { thresholds: { 'audio.maxJitter': 3 } })]), /audio\.maxJitter/);
      assertRefused(await runInProcess(['score', SEED, '--thresholds', write('t2.json', { thresholds: { screen: { averageJitter: 3 } } })]), /screen\.averageJitter/);
      assertRefused(await runInProcess(['score', SEED, '--thresholds', write('t3.json', { thresholds: { 'video.averageVideoFrameRate': 'slow' } })]), /video\.averageVideoFrameRate/);
      assertRefused(await runInProcess(['score', SEED, '--thresholds', write('t4.json', { tresholds: {} })]), /tresholds/);
      assertRefused(await runInProcess(['score', SEED, '--thresholds', write('t5.json', '{ nope')]), /Invalid JSON.*t5\.json/);
      assertRefused(await runInProcess(['score', SEED, '--thresholds', join(dir, 'absent.json')]), /absent\.json/);
      assertRefused(await runInProcess(['score', SEED, '--thresholds', write('t6.json', { profile: 'fancy' })]), /fancy/);
    });
    it('an unknown flag, a bad --format, a missing or extra file argument, an unknown command', async () => {
      assertRefused(await runInProcess(['score', SEED, '--bogus']), /--bogus/);
      assertRefused(await runInProcess(['score', SEED, '--format', 'xml']), /xml/);
      assertRefused(await runInProcess(['score']), /Usage/);
      assertRefused(await runInProcess(['score', SEED, SEED]), /Usage/);
      assertRefused(await runInProcess(['rate', SEED]), /Unknown command "rate"/);
    });
  });
});
