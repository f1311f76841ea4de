/**
 * The contract of a quality report (issue 2's CLI JSON), checked key by key. Shared by the engine's
 * robustness tests and the CLI tests so that both hold the same shape.
 */
import assert from 'node:assert/strict';

/** The keys of the report, of each stream, of each feedback entry and of each failure, in the order of the contract. */
export const REPORT_KEYS = ['callId', 'version', 'profile', 'quality', 'alert', 'streams', 'feedback', 'failures'];
export const STREAM_KEYS = ['sessionId', 'segmentId', 'label', 'kind', 'streamId', 'direction', 'classification', 'reasons'];
export const REASON_KEYS = ['metric', 'value', 'threshold', 'comparison'];
export const FEEDBACK_KEYS = ['sessionId', 'userId', 'displayName', 'rating', 'tokens', 'text'];
export const FAILURE_KEYS = ['sessionId', 'stage', 'reason', 'caller', 'callee'];
export const FAILURE_PARTY_KEYS = ['id', 'displayName', 'service'];

const CLASSIFICATIONS = ['poor', 'good', 'unclassified'];

function assertStringOrNull(value: unknown, what: string): void {
  assert.ok(value === null || typeof value === 'string', `${what} must be a string or null, got ${JSON.stringify(value)}`);
}

/**
 * Asserts that `report` has exactly the contract's shape, and that its whole-call verdict agrees with
 * its streams the way quality-rules.md says (poor if any poor, else good if any good).
 */
export function assertReportShape(report: unknown, alertRatings: readonly string[] = ['bad', 'poor']): void {
  assert.ok(report !== null && typeof report === 'object' && !Array.isArray(report), 'the report is an object');
  const r = report as Record<string, unknown>;
  assert.deepEqual(Object.keys(r), REPORT_KEYS);
  assertStringOrNull(r.callId, 'callId');
  assert.ok(r.version === null || (typeof r.version === 'number' && Number.isFinite(r.version)), 'version is a number or null');
  assert.ok(r.profile === 'cqd' || r.profile === 'cqd-classic', 'profile');
  assert.ok(CLASSIFICATIONS.includes(r.quality as string), 'quality');
  assert.equal(typeof r.alert, 'boolean');
  assert.ok(Array.isArray(r.streams), 'streams is an array');
  assert.ok(Array.isArray(r.feedback), 'feedback is an array');
  const streams = r.streams as Array<Record<string, unknown>>;
  for (const stream of streams) {
    assert.deepEqual(Object.keys(stream), STREAM_KEYS);
    for (const key of ['sessionId', 'segmentId', 'label', 'streamId', 'direction']) assertStringOrNull(stream[key], key);
    assert.ok([null, 'audio', 'video', 'vbss'].includes(stream.kind as string | null), 'kind');
    assert.ok(CLASSIFICATIONS.includes(stream.classification as string), 'classification');
    const reasons = stream.reasons as Array<Record<string, unknown>>;
    assert.ok(Array.isArray(reasons), 'reasons is an array');
    // Only a poor stream has reasons, and a poor stream always says why.
    assert.equal(reasons.length > 0, stream.classification === 'poor', 'reasons are given exactly for poor streams');
    if (stream.kind === null) assert.equal(stream.classification, 'unclassified', 'a stream of no kind is not scored');
    for (const reason of reasons) {
      assert.deepEqual(Object.keys(reason), REASON_KEYS);
      assert.equal(typeof reason.metric, 'string');
      assert.ok(typeof reason.value === 'number' && Number.isFinite(reason.value), 'reason value is a finite number');
      assert.ok(typeof reason.threshold === 'number' && Number.isFinite(reason.threshold), 'reason threshold is a finite number');
      assert.ok(reason.comparison === '>' || reason.comparison === '<', 'comparison');
      const crossed = reason.comparison === '>' ? reason.value > reason.threshold : reason.value < reason.threshold;
      assert.ok(crossed, `reason ${JSON.stringify(reason)} crosses its threshold`);
    }
  }
  const feedback = r.feedback as Array<Record<string, unknown>>;
  for (const entry of feedback) {
    assert.deepEqual(Object.keys(entry), FEEDBACK_KEYS);
    for (const key of ['sessionId', 'userId', 'displayName', 'rating', 'text']) assertStringOrNull(entry[key], key);
    assert.ok(Array.isArray(entry.tokens) && entry.tokens.every((token) => typeof token === 'string'), 'tokens are strings');
  }
  assert.ok(Array.isArray(r.failures), 'failures is an array');
  for (const failure of r.failures as Array<Record<string, unknown>>) {
    assert.deepEqual(Object.keys(failure), FAILURE_KEYS);
    for (const key of ['sessionId', 'reason']) assertStringOrNull(failure[key], key);
    assert.ok(typeof failure.stage === 'string' && failure.stage.length > 0, 'a failure has a stage');
    for (const end of [failure.caller, failure.callee] as Array<Record<string, unknown>>) {
      assert.deepEqual(Object.keys(end), FAILURE_PARTY_KEYS);
      assertStringOrNull(end.id, 'id');
      assertStringOrNull(end.displayName, 'displayName');
      assert.equal(typeof end.service, 'boolean');
    }
  }
  const classifications = streams.map((stream) => stream.classification);
  const expectedQuality = classifications.includes('poor') ? 'poor' : classifications.includes('good') ? 'good' : 'unclassified';
  assert.equal(r.quality, expectedQuality, 'quality follows the streams');
  const rated = feedback.some((entry) => typeof entry.rating === 'string' && alertRatings.includes(entry.rating));
  assert.equal(r.alert, r.quality === 'poor' || rated, 'alert follows quality and ratings (never failures)');
}
