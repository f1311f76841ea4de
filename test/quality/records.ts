/**
 * Small builders of Graph call records for the engine's tests. They build only what a test names,
 * so that each expected value can be read off the spec and the test, never off the engine.
 */
import type { JsonObject, ScoringOptions, StreamVerdict } from '../../src/quality';
import { scoreCallRecord } from '../../src/quality';

/** A `media` entry with its streams; `label: undefined` leaves the label out. */
export function media(label: string | null | undefined, streams: JsonObject[]): JsonObject {
  return label === undefined ? { streams } : { label, streams };
}

/** A session with one segment holding the given media. */
export function session(id: string, mediaEntries: JsonObject[], extra: JsonObject = {}): JsonObject {
  return { id, modalities: ['audio'], ...extra, segments: [{ id: `${id}-segment`, media: mediaEntries }] };
}

/** A call record around the given sessions. */
export function callRecord(sessions: unknown[], extra: JsonObject = {}): JsonObject {
  return { id: 'call-1', version: 3, ...extra, sessions };
}

/** Scores a record made of one stream under one label and returns that stream's verdict. */
export function scoreStream(label: string, stream: JsonObject, options?: ScoringOptions): StreamVerdict {
  const report = scoreCallRecord(callRecord([session('s1', [media(label, [{ streamId: 'x1', ...stream }])])]), options);
  if (report.streams.length !== 1) throw new Error(`Expected one stream in the report, got ${report.streams.length}.`);
  return report.streams[0]!;
}

/** An endpoint of a session whose user left feedback. */
export function endpointWithFeedback(userId: string, displayName: string, feedback: JsonObject): JsonObject {
  return { identity: { user: { id: userId, displayName } }, feedback };
}

/** The report's reasons as a set of strings, for comparing "every crossed metric" regardless of order. */
export function reasonSet(verdict: StreamVerdict): string[] {
  return verdict.reasons.map((r) => `${r.metric} ${r.value} ${r.comparison} ${r.threshold}`).sort();
}
