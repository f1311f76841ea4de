import {
  InvalidScoringSettingError,
  isProfileName,
  parseThresholdOverride,
  PROFILES,
  resolveScoringOptions,
  type ScoringOptions,
  type ScoringSettings,
} from '../quality';
import type { SettingsStore, Store } from '../store';
import { SETTING_KEYS, tenantScope } from './setting-scopes';

/**
 * How old a tenant's scoring overrides may be when the worker scores a call: a change made in
 * Teams applies at once on the instance that made it (its store forgets the old value) and
 * within this time on every other instance, instead of one settings read per record.
 */
export const SCORING_SETTINGS_MAX_AGE_MS = 30_000;

/** What admins changed in Teams for a tenant, on top of the configuration. */
export interface QualityOverrides {
  profile?: string;
  /** Flat keys, `audio.averageJitter: 40`. */
  thresholds?: Record<string, number>;
  updatedBy?: string | null;
  updatedAt?: number;
}

/** The overrides admins set in Teams for a tenant (empty when none); `maxAgeMs`: an answer read that long ago will do. */
export async function qualityOverridesOf(settings: SettingsStore, tenantId: string | null, maxAgeMs?: number): Promise<QualityOverrides> {
  return (await settings.getSetting<QualityOverrides>(tenantScope(tenantId), SETTING_KEYS.quality, { maxAgeMs })) ?? {};
}

/** The configuration's settings with a tenant's overrides on top. */
export function combineSettings(base: ScoringSettings, overrides: QualityOverrides): ScoringSettings {
  return {
    ...base,
    ...(overrides.profile ? { profile: overrides.profile } : {}),
    thresholds: { ...(base.thresholds ?? {}), ...(overrides.thresholds ?? {}) },
  };
}

/**
 * The scoring options in force for a tenant: the configuration's settings (`base`, i.e.
 * `AppConfig.qualitySettings`) with what admins set in Teams (`profile`, `set threshold`) on top.
 * The ingest worker calls this for every record with {@link SCORING_SETTINGS_MAX_AGE_MS}, so a
 * change in Teams applies to the next call scored on the instance that made it, and within that
 * time on the others (without a read per record). Overrides that no longer resolve (a hand-edited store) are ignored rather than stopping
 * the scoring.
 */
export async function currentScoringOptions(store: Pick<Store, 'settings'>, tenantId: string | null, base: ScoringSettings, maxAgeMs?: number): Promise<ScoringOptions> {
  const overrides = await qualityOverridesOf(store.settings, tenantId, maxAgeMs);
  try {
    return resolveScoringOptions(combineSettings(base, overrides));
  } catch (error) {
    if (error instanceof InvalidScoringSettingError) return resolveScoringOptions(base);
    throw error;
  }
}

/**
 * Sets one threshold for a tenant (`audio.averageJitter`, `40`). Validates the key and the value
 * and that the whole result still resolves; throws {@link InvalidScoringSettingError} otherwise.
 * Resolves to the options now in force.
 */
export async function setThresholdOverride(
  store: Pick<Store, 'settings'>,
  tenantId: string | null,
  base: ScoringSettings,
  key: string,
  value: string,
  changedBy: string | null,
  now: number,
): Promise<ScoringOptions> {
  const [kind, metric, number] = parseThresholdOverride(key, value);
  return changeOverrides(store, tenantId, base, { changedBy, now }, (current) => ({ thresholds: { ...(current.thresholds ?? {}), [`${kind}.${metric}`]: number } }), (options) => {
    if (options.thresholds[kind][metric] === undefined) {
      throw new InvalidScoringSettingError(
        `thresholds.${key}`,
        `The ${options.profile} profile does not judge ${kind} streams by ${metric}; switch profile first (profile ${Object.keys(PROFILES).join(' or ')}).`,
      );
    }
  });
}

/** Switches a tenant's quality profile. Throws {@link InvalidScoringSettingError} for an unknown name. */
export async function setProfileOverride(
  store: Pick<Store, 'settings'>,
  tenantId: string | null,
  base: ScoringSettings,
  profile: string,
  changedBy: string | null,
  now: number,
): Promise<ScoringOptions> {
  if (!isProfileName(profile)) {
    throw new InvalidScoringSettingError('profile', `Unknown quality profile "${profile}". Use one of: ${Object.keys(PROFILES).join(', ')}.`);
  }
  return changeOverrides(store, tenantId, base, { changedBy, now }, () => ({ profile }));
}

/**
 * Applies one change to a tenant's overrides: reads them, applies `change`, checks that the result
 * resolves (and passes `check`), then saves it. Resolves to the options now in force.
 */
async function changeOverrides(
  store: Pick<Store, 'settings'>,
  tenantId: string | null,
  base: ScoringSettings,
  by: { changedBy: string | null; now: number },
  change: (current: QualityOverrides) => Partial<QualityOverrides>,
  check: (options: ScoringOptions) => void = () => undefined,
): Promise<ScoringOptions> {
  const current = await qualityOverridesOf(store.settings, tenantId);
  const next: QualityOverrides = { ...current, ...change(current), updatedBy: by.changedBy, updatedAt: by.now };
  const options = resolveScoringOptions(combineSettings(base, next));
  check(options);
  await store.settings.setSetting(tenantScope(tenantId), SETTING_KEYS.quality, next);
  return options;
}
