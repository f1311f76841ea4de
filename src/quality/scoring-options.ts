import { z } from 'zod';
import { DEFAULT_PROFILE, PROFILES, STREAM_KINDS, isProfileName, thresholdMetricsOf, type Thresholds } from './profiles';
import type { ProfileName, StreamKind } from './report';
import { isStreamMetric, type StreamMetric } from './metrics';

/** The ratings that make an alert due when nobody changed them. */
export const DEFAULT_ALERT_RATINGS: readonly string[] = ['bad', 'poor'];

/** Everything the engine needs to judge a record, resolved and validated. */
export interface ScoringOptions {
  profile: ProfileName;
  /** Every threshold of the profile, defaults with the overrides applied. */
  thresholds: Thresholds;
  /** Feedback ratings that make an alert due. */
  alertRatings: readonly string[];
  /** Whether a poor call makes an alert due. */
  alertOnPoorQuality: boolean;
}

/** Threshold overrides, as `{ "audio.averageJitter": 40 }` or `{ "audio": { "averageJitter": 40 } }`. */
export type ThresholdOverrides = Record<string, unknown>;

/** What an admin may set; every field is optional and falls back to the profile's defaults. */
export interface ScoringSettings {
  profile?: string;
  thresholds?: ThresholdOverrides;
  alertRatings?: readonly string[];
  alertOnPoorQuality?: boolean;
}

/** Thrown when a setting is refused; the message names the setting and says what is accepted. */
export class InvalidScoringSettingError extends Error {
  constructor(
    /** The setting that was refused, e.g. `thresholds.audio.averageJitter`. */
    readonly key: string,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidScoringSettingError';
  }
}

const KNOWN_RATINGS = ['notRated', 'bad', 'poor', 'fair', 'good', 'excellent'] as const;

/** The file format accepted by `--thresholds` and `QUALITY_SETTINGS_FILE`. */
export const scoringSettingsSchema = z
  .object({
    profile: z.string().optional(),
    thresholds: z.record(z.string(), z.unknown()).optional(),
    alertRatings: z.array(z.enum(KNOWN_RATINGS)).optional(),
    alertOnPoorQuality: z.boolean().optional(),
  })
  .strict();

/**
 * Resolves settings into scoring options: picks the profile, applies every threshold override and
 * checks each one. Throws {@link InvalidScoringSettingError} naming the first bad key.
 */
export function resolveScoringOptions(settings: ScoringSettings = {}): ScoringOptions {
  const profileName = settings.profile ?? DEFAULT_PROFILE;
  if (!isProfileName(profileName)) {
    throw new InvalidScoringSettingError(
      'profile',
      `Unknown quality profile "${profileName}". Use one of: ${Object.keys(PROFILES).join(', ')}.`,
    );
  }
  const profile = PROFILES[profileName];
  const thresholds: Thresholds = {
    audio: { ...profile.defaults.audio },
    video: { ...profile.defaults.video },
    vbss: { ...profile.defaults.vbss },
  };
  for (const [kind, metric, value] of flattenOverrides(settings.thresholds ?? {})) {
    // An override for a metric this profile does not use is kept out: it is valid, just idle.
    if (metric in profile.defaults[kind]) thresholds[kind][metric] = value;
  }
  for (const rating of settings.alertRatings ?? []) {
    if (!(KNOWN_RATINGS as readonly string[]).includes(rating)) {
      throw new InvalidScoringSettingError(
        'alertRatings',
        `Unknown rating "${rating}" in alertRatings. Use any of: ${KNOWN_RATINGS.join(', ')}.`,
      );
    }
  }
  return {
    profile: profileName,
    thresholds,
    alertRatings: [...(settings.alertRatings ?? DEFAULT_ALERT_RATINGS)],
    alertOnPoorQuality: settings.alertOnPoorQuality ?? true,
  };
}

/** Parses and validates a settings document (the JSON of a thresholds file). */
export function parseScoringSettings(document: unknown, source = 'settings'): ScoringSettings {
  const result = scoringSettingsSchema.safeParse(document);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const key = issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '(root)');
    throw new InvalidScoringSettingError(key, `${source}: "${key}" is not valid: ${issue.message}.`);
  }
  // Validate thresholds now so that a bad key fails at start-up, not on the first call.
  flattenOverrides(result.data.thresholds ?? {});
  resolveScoringOptions(result.data);
  return result.data;
}

/** Checks one override and returns it as kind, metric and value. */
export function parseThresholdOverride(key: string, value: unknown): [StreamKind, StreamMetric, number] {
  const [kind, metric, ...rest] = key.split('.');
  if (!kind || !(STREAM_KINDS as readonly string[]).includes(kind) || rest.length > 0) {
    throw new InvalidScoringSettingError(
      `thresholds.${key}`,
      `Unknown stream kind in threshold "${key}". Write it as KIND.METRIC with KIND one of: ${STREAM_KINDS.join(', ')}.`,
    );
  }
  const known = thresholdMetricsOf(kind as StreamKind);
  if (!metric || !isStreamMetric(metric) || !known.includes(metric)) {
    throw new InvalidScoringSettingError(
      `thresholds.${key}`,
      `Unknown metric in threshold "${key}". The ${kind} thresholds are: ${known.join(', ')}.`,
    );
  }
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number) || number < 0) {
    throw new InvalidScoringSettingError(
      `thresholds.${key}`,
      `Threshold "${key}" must be a number of zero or more, got ${JSON.stringify(value)}.`,
    );
  }
  return [kind as StreamKind, metric, number];
}

function flattenOverrides(overrides: ThresholdOverrides): Array<[StreamKind, StreamMetric, number]> {
  const flat: Array<[StreamKind, StreamMetric, number]> = [];
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [metric, nested] of Object.entries(value)) flat.push(parseThresholdOverride(`${key}.${metric}`, nested));
    } else {
      flat.push(parseThresholdOverride(key, value));
    }
  }
  return flat;
}
