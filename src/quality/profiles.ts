import type { Comparison, ProfileName, StreamKind } from './report';
import type { StreamMetric } from './metrics';

/** A metric compared with its named threshold. */
export interface MetricCheck {
  metric: StreamMetric;
  comparison: Comparison;
}

/**
 * "Poor when any check crosses its threshold". With a `gate`, the stream can only be poor when
 * the gate crosses too (CQD's audio packet gate). Unclassified when no check is reported.
 */
export interface AnyOfRule {
  type: 'anyOf';
  gate?: MetricCheck;
  checks: readonly MetricCheck[];
}

/** One step of an ordered rule; a step with `unlessCodec` is passed over for streams of that codec. */
export interface OrderedStep extends MetricCheck {
  unlessCodec?: string;
}

/** "The first reported metric decides". Unclassified when no step applies. */
export interface OrderedRule {
  type: 'ordered';
  steps: readonly OrderedStep[];
}

export type KindRule = AnyOfRule | OrderedRule;

/** A threshold per metric, per stream kind. */
export type Thresholds = { [K in StreamKind]: Partial<Record<StreamMetric, number>> };

/** A profile: the rule for each kind and the default value of every threshold it uses. */
export interface QualityProfile {
  name: ProfileName;
  description: string;
  rules: Readonly<Record<StreamKind, KindRule>>;
  defaults: Readonly<Thresholds>;
}

const VIDEO_RULE: OrderedRule = {
  type: 'ordered',
  steps: [
    { metric: 'averageVideoFrameLossPercentage', comparison: '>' },
    { metric: 'averageVideoFrameRate', comparison: '<' },
    { metric: 'postForwardErrorCorrectionPacketLossRate', comparison: '>' },
  ],
};

const VIDEO_DEFAULTS = {
  averageVideoFrameLossPercentage: 50,
  averageVideoFrameRate: 7,
  postForwardErrorCorrectionPacketLossRate: 0.15,
} as const;

/** CQD as it stands today (the default). */
export const CQD_PROFILE: QualityProfile = {
  name: 'cqd',
  description: 'Call Quality Dashboard as it stands today',
  rules: {
    audio: {
      type: 'anyOf',
      gate: { metric: 'packetUtilization', comparison: '>' },
      checks: [
        { metric: 'averageRoundTripTime', comparison: '>' },
        { metric: 'averagePacketLossRate', comparison: '>' },
        { metric: 'averageJitter', comparison: '>' },
      ],
    },
    video: VIDEO_RULE,
    vbss: {
      type: 'ordered',
      steps: [
        // CQD does not judge H.264S screen sharing by frame loss.
        { metric: 'averageVideoFrameLossPercentage', comparison: '>', unlessCodec: 'h264s' },
        { metric: 'averageVideoFrameRate', comparison: '<' },
      ],
    },
  },
  defaults: {
    audio: { packetUtilization: 500, averageRoundTripTime: 500, averagePacketLossRate: 0.1, averageJitter: 30 },
    video: VIDEO_DEFAULTS,
    vbss: { averageVideoFrameLossPercentage: 50, averageVideoFrameRate: 1 },
  },
};

/** CQD before 2021: no packet gate, and degradation and concealment count for audio. */
export const CQD_CLASSIC_PROFILE: QualityProfile = {
  name: 'cqd-classic',
  description: 'Call Quality Dashboard before 2021 (stricter on audio)',
  rules: {
    audio: {
      type: 'anyOf',
      checks: [
        { metric: 'averageAudioDegradation', comparison: '>' },
        { metric: 'averageRoundTripTime', comparison: '>' },
        { metric: 'averagePacketLossRate', comparison: '>' },
        { metric: 'averageJitter', comparison: '>' },
        { metric: 'averageRatioOfConcealedSamples', comparison: '>' },
      ],
    },
    video: VIDEO_RULE,
    vbss: {
      type: 'ordered',
      steps: [
        { metric: 'averageVideoFrameLossPercentage', comparison: '>' },
        { metric: 'averageVideoFrameRate', comparison: '<' },
      ],
    },
  },
  defaults: {
    audio: {
      averageAudioDegradation: 1.0,
      averageRoundTripTime: 500,
      averagePacketLossRate: 0.1,
      averageJitter: 30,
      averageRatioOfConcealedSamples: 0.07,
    },
    video: VIDEO_DEFAULTS,
    vbss: { averageVideoFrameLossPercentage: 50, averageVideoFrameRate: 2 },
  },
};

/** Every profile, by name. */
export const PROFILES: Readonly<Record<ProfileName, QualityProfile>> = {
  cqd: CQD_PROFILE,
  'cqd-classic': CQD_CLASSIC_PROFILE,
};

/** The profile used when none is chosen. */
export const DEFAULT_PROFILE: ProfileName = 'cqd';

/** The stream kinds, in the order they are shown. */
export const STREAM_KINDS: readonly StreamKind[] = ['audio', 'video', 'vbss'];

/** True when `name` is a profile the engine knows. */
export function isProfileName(name: string): name is ProfileName {
  return Object.prototype.hasOwnProperty.call(PROFILES, name);
}

/** The metrics of a kind that have a threshold in at least one profile (what an override may name). */
export function thresholdMetricsOf(kind: StreamKind): StreamMetric[] {
  const names = new Set<StreamMetric>();
  for (const profile of Object.values(PROFILES)) {
    for (const metric of Object.keys(profile.defaults[kind]) as StreamMetric[]) names.add(metric);
  }
  return [...names];
}
