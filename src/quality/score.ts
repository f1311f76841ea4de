import type { CallQualityReport, Classification, PoorStreamReason, StreamKind, StreamVerdict } from './report';
import { PROFILES, type AnyOfRule, type MetricCheck, type OrderedRule } from './profiles';
import { readMetric } from './metrics';
import { resolveScoringOptions, type ScoringOptions } from './scoring-options';
import { asNumber, asObject, asString, uniqueSessions, type JsonObject } from './json-reader';
import { mediaStreamsOf } from './media-streams';
import { collectFeedback } from './feedback';
import { callFailuresOf } from './call-failures';

const DEFAULT_OPTIONS = resolveScoringOptions();

/**
 * Judges every media stream of a Graph `callRecord` the way CQD does and says whether an alert is due.
 *
 * Pure and total: it never throws on a JSON value, and what it cannot judge is `unclassified`.
 * Sessions with the same id are judged once. Failed sessions are listed in `failures`; they do not
 * make `alert` true (the caller decides whether a failure alerts).
 */
export function scoreCallRecord(record: unknown, options: ScoringOptions = DEFAULT_OPTIONS): CallQualityReport {
  const call = asObject(record) ?? {};
  const sessions = uniqueSessions(call);
  const streams: StreamVerdict[] = [];
  for (const { session, segment, stream, label, kind } of mediaStreamsOf(call, sessions)) {
    const { classification, reasons } = judgeStream(stream, kind, options);
    streams.push({
      sessionId: asString(session.id),
      segmentId: asString(segment.id),
      label,
      kind,
      streamId: asString(stream.streamId),
      direction: asString(stream.streamDirection),
      classification,
      reasons,
    });
  }
  const feedback = collectFeedback(sessions);
  const quality = overallQuality(streams);
  const rated = feedback.some((entry) => entry.rating !== null && options.alertRatings.includes(entry.rating));
  return {
    callId: asString(call.id),
    version: asNumber(call.version),
    profile: options.profile,
    quality,
    alert: (options.alertOnPoorQuality && quality === 'poor') || rated,
    streams,
    feedback,
    failures: callFailuresOf(sessions),
  };
}

/** Judges one stream of a known kind (`null` kind: not scored). */
export function judgeStream(
  stream: JsonObject,
  kind: StreamKind | null,
  options: ScoringOptions = DEFAULT_OPTIONS,
): { classification: Classification; reasons: PoorStreamReason[] } {
  if (kind === null) return { classification: 'unclassified', reasons: [] };
  const rule = PROFILES[options.profile].rules[kind];
  const thresholds = options.thresholds[kind];
  return rule.type === 'anyOf' ? judgeAnyOf(stream, rule, thresholds) : judgeOrdered(stream, rule, thresholds);
}

type KindThresholds = ScoringOptions['thresholds'][StreamKind];

function judgeAnyOf(stream: JsonObject, rule: AnyOfRule, thresholds: KindThresholds) {
  const reasons: PoorStreamReason[] = [];
  let reported = false;
  for (const check of rule.checks) {
    const value = readMetric(stream, check.metric);
    if (value === undefined) continue;
    reported = true;
    const reason = crossing(check, value, thresholds);
    if (reason) reasons.push(reason);
  }
  if (!reported) return { classification: 'unclassified' as const, reasons: [] };
  if (rule.gate) {
    const gateValue = readMetric(stream, rule.gate.metric);
    // A gate that is not reported is not met: the stream can't be poor.
    if (gateValue === undefined || !crossing(rule.gate, gateValue, thresholds)) {
      return { classification: 'good' as const, reasons: [] };
    }
  }
  return reasons.length > 0
    ? { classification: 'poor' as const, reasons }
    : { classification: 'good' as const, reasons: [] };
}

function judgeOrdered(stream: JsonObject, rule: OrderedRule, thresholds: KindThresholds) {
  const codec = asString(stream.videoCodec)?.toLowerCase();
  for (const step of rule.steps) {
    if (step.unlessCodec !== undefined && codec === step.unlessCodec) continue;
    const value = readMetric(stream, step.metric);
    if (value === undefined) continue;
    const reason = crossing(step, value, thresholds);
    return reason
      ? { classification: 'poor' as const, reasons: [reason] }
      : { classification: 'good' as const, reasons: [] };
  }
  return { classification: 'unclassified' as const, reasons: [] };
}

function crossing(check: MetricCheck, value: number, thresholds: KindThresholds): PoorStreamReason | undefined {
  const threshold = thresholds[check.metric];
  if (threshold === undefined) return undefined;
  const crossed = check.comparison === '>' ? value > threshold : value < threshold;
  return crossed ? { metric: check.metric, value, threshold, comparison: check.comparison } : undefined;
}

/** `poor` when any stream is poor; else `good` when any is good; else `unclassified`. */
export function overallQuality(streams: readonly Pick<StreamVerdict, 'classification'>[]): Classification {
  let good = false;
  for (const stream of streams) {
    if (stream.classification === 'poor') return 'poor';
    if (stream.classification === 'good') good = true;
  }
  return good ? 'good' : 'unclassified';
}
