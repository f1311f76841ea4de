/**
 * CQD's rules applied to streams: the verdict of each stream of a session, in record order, with
 * plain loops and no object per stream beyond its verdict (this runs for every stream of every call).
 */
import type { Classification, PoorStreamReason, StreamKind, StreamVerdict } from './report';
import { PROFILES, type AnyOfRule, type MetricCheck, type OrderedRule } from './profiles';
import { readMetric } from './metrics';
import { resolveScoringOptions, type ScoringOptions } from './scoring-options';
import { asObject, asString, type JsonObject } from './json-reader';
import { streamKindOf } from './stream-kind';

const DEFAULT_OPTIONS = resolveScoringOptions();

/**
 * The reasons of every stream that is not poor. One shared, frozen array: a meeting has tens of
 * thousands of good streams, and an empty array each made the scavenger a third of the scoring time.
 */
const NO_REASONS = Object.freeze([]) as unknown as PoorStreamReason[];

/** Appends the verdict of every stream of one session, in record order (segments, media, streams). */
export function scoreSession(session: JsonObject, options: ScoringOptions, into: StreamVerdict[]): void {
  const segments = session.segments;
  if (!Array.isArray(segments)) return;
  const sessionId = asString(session.id);
  for (let s = 0; s < segments.length; s += 1) {
    const segment = asObject(segments[s]);
    const mediaList = segment?.media;
    if (!segment || !Array.isArray(mediaList)) continue;
    const segmentId = asString(segment.id);
    for (let m = 0; m < mediaList.length; m += 1) {
      const media = asObject(mediaList[m]);
      const streamList = media?.streams;
      if (!media || !Array.isArray(streamList)) continue;
      const label = asString(media.label);
      const kind = streamKindOf(media.label, session.modalities);
      for (let i = 0; i < streamList.length; i += 1) {
        const stream = asObject(streamList[i]);
        if (!stream) continue;
        const reasons = kind === null ? UNJUDGED : judgeInto(stream, kind, options);
        into.push({
          sessionId,
          segmentId,
          label,
          kind,
          streamId: asString(stream.streamId),
          direction: asString(stream.streamDirection),
          classification: reasons === NO_REASONS ? 'good' : reasons === UNJUDGED ? 'unclassified' : 'poor',
          reasons: reasons === UNJUDGED ? NO_REASONS : reasons,
        });
      }
    }
  }
}

/** Judges one stream of a known kind (`null` kind: not scored). */
export function judgeStream(
  stream: JsonObject,
  kind: StreamKind | null,
  options: ScoringOptions = DEFAULT_OPTIONS,
): { classification: Classification; reasons: PoorStreamReason[] } {
  const reasons = kind === null ? UNJUDGED : judgeInto(stream, kind, options);
  if (reasons === NO_REASONS) return { classification: 'good', reasons: [] };
  if (reasons === UNJUDGED) return { classification: 'unclassified', reasons: [] };
  return { classification: 'poor', reasons };
}

type KindThresholds = ScoringOptions['thresholds'][StreamKind];

/** What {@link judgeInto} returns when no metric of the rule was reported: the stream is unclassified. */
const UNJUDGED = Object.freeze([]) as unknown as PoorStreamReason[];

/**
 * The verdict as its reasons, without a verdict object: {@link NO_REASONS} for good,
 * {@link UNJUDGED} for unclassified, a new non-empty array (the only allocation) for poor.
 */
function judgeInto(stream: JsonObject, kind: StreamKind, options: ScoringOptions): PoorStreamReason[] {
  const rule = PROFILES[options.profile].rules[kind];
  const thresholds = options.thresholds[kind];
  return rule.type === 'anyOf' ? judgeAnyOf(stream, rule, thresholds) : judgeOrdered(stream, rule, thresholds);
}

/**
 * Indices and values of the checks one stream crossed, reused from stream to stream (scoring is
 * synchronous): a stream's reasons are built once it is known to be poor, at their exact length,
 * so a stream the packet gate keeps good, and a good one, leave nothing behind.
 */
const crossedChecks: number[] = [];
const crossedValues: number[] = [];

function judgeAnyOf(stream: JsonObject, rule: AnyOfRule, thresholds: KindThresholds): PoorStreamReason[] {
  let crossed = 0;
  let reported = false;
  const checks = rule.checks;
  for (let index = 0; index < checks.length; index += 1) {
    const check = checks[index]!;
    const value = readMetric(stream, check.metric);
    if (value === undefined) continue;
    reported = true;
    if (crosses(check, value, thresholds)) {
      crossedChecks[crossed] = index;
      crossedValues[crossed] = value;
      crossed += 1;
    }
  }
  if (!reported) return UNJUDGED;
  if (crossed === 0) return NO_REASONS;
  if (rule.gate) {
    const gateValue = readMetric(stream, rule.gate.metric);
    // A gate that is not reported is not met: the stream can't be poor.
    if (gateValue === undefined || !crosses(rule.gate, gateValue, thresholds)) return NO_REASONS;
  }
  const reasons = new Array<PoorStreamReason>(crossed);
  for (let index = 0; index < crossed; index += 1) reasons[index] = reasonOf(checks[crossedChecks[index]!]!, crossedValues[index]!, thresholds);
  return reasons;
}

function judgeOrdered(stream: JsonObject, rule: OrderedRule, thresholds: KindThresholds): PoorStreamReason[] {
  const steps = rule.steps;
  for (let index = 0; index < steps.length; index += 1) {
    const step = steps[index]!;
    if (step.unlessCodec !== undefined && isCodec(stream.videoCodec, step.unlessCodec)) continue;
    const value = readMetric(stream, step.metric);
    if (value === undefined) continue;
    return crosses(step, value, thresholds) ? [reasonOf(step, value, thresholds)] : NO_REASONS;
  }
  return UNJUDGED;
}

/**
 * Whether a stream's codec is `codec` (given in lower case), in any case, without making a
 * lower-case copy: ASCII letters are folded in place; a string with other characters is left to
 * `toLowerCase`.
 */
function isCodec(value: unknown, codec: string): boolean {
  if (typeof value !== 'string' || value.length !== codec.length) return false;
  for (let index = 0; index < value.length; index += 1) {
    let code = value.charCodeAt(index);
    if (code > 127) return value.toLowerCase() === codec;
    if (code >= 65 && code <= 90) code += 32;
    if (code !== codec.charCodeAt(index)) return false;
  }
  return true;
}

function crosses(check: MetricCheck, value: number, thresholds: KindThresholds): boolean {
  const threshold = thresholds[check.metric];
  if (threshold === undefined) return false;
  return check.comparison === '>' ? value > threshold : value < threshold;
}

function reasonOf(check: MetricCheck, value: number, thresholds: KindThresholds): PoorStreamReason {
  return { metric: check.metric, value, threshold: thresholds[check.metric]!, comparison: check.comparison };
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
