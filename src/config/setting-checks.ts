import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ClientCertificateError, readClientCertificate } from '../graph/client-certificate';
import { InvalidScoringSettingError, parseScoringSettings, parseThresholdOverride, resolveScoringOptions, type ScoringSettings } from '../quality';
import type { Environment } from './env-schema';
import { isLoopbackHost, LOOPBACK_HOST } from './loopback-host';
import { ConfigError } from './startup-error';

/**
 * The Bot Framework credentials must fit `BOT_TYPE`. Checked here rather than when the adapter is
 * built, so that a missing `BOT_PASSWORD` stops start-up as early (and as plainly) as a wrong `BOT_TYPE`.
 */
export function checkBotCredentials(e: Environment): void {
  if (!e.BOT_ID) return;
  if (e.BOT_TYPE === 'UserAssignedMsi') {
    if (e.BOT_PASSWORD) {
      throw new ConfigError('BOT_PASSWORD', "Configuration error: BOT_PASSWORD must not be set when BOT_TYPE=UserAssignedMsi: the managed identity signs the bot's requests; remove BOT_PASSWORD.");
    }
    if (!e.BOT_TENANT_ID) {
      throw new ConfigError('BOT_TENANT_ID', 'Configuration error: BOT_TENANT_ID is required when BOT_TYPE=UserAssignedMsi: set it to the tenant of the managed identity.');
    }
    return;
  }
  if (!e.BOT_PASSWORD) {
    throw new ConfigError('BOT_PASSWORD', `Configuration error: BOT_PASSWORD is required when BOT_ID is set and BOT_TYPE=${e.BOT_TYPE}: set it to the client secret of the bot's app registration.`);
  }
  if (e.BOT_TYPE === 'SingleTenant' && !e.BOT_TENANT_ID) {
    throw new ConfigError('BOT_TENANT_ID', 'Configuration error: BOT_TENANT_ID is required when BOT_TYPE=SingleTenant.');
  }
}

/**
 * Where to listen. With `BOT_ID` the Bot Framework authenticates every request, so every interface
 * is the default. Without it anyone who reaches the port can use the bot, so it stays on loopback
 * unless the operator says otherwise with `ALLOW_REMOTE_UNAUTHENTICATED=true`.
 */
export function listeningHost(e: Environment): string | undefined {
  if (e.BOT_ID) return e.HOST;
  if (e.ALLOW_REMOTE_UNAUTHENTICATED) return e.HOST;
  if (e.HOST === undefined) return LOOPBACK_HOST;
  if (isLoopbackHost(e.HOST)) return e.HOST;
  throw new ConfigError(
    'HOST',
    `Configuration error: HOST=${JSON.stringify(e.HOST)} would let anyone on the network use the bot without authentication, because BOT_ID is not set: set BOT_ID and BOT_PASSWORD, use a loopback HOST (127.0.0.1 or ::1), or set ALLOW_REMOTE_UNAUTHENTICATED=true to accept the risk.`,
  );
}

/** A certificate that cannot be used stops start-up now, not at the first Graph request. */
export function checkClientCertificate(file: string): void {
  try {
    readClientCertificate(file);
  } catch (error) {
    if (error instanceof ClientCertificateError) throw new ConfigError('GRAPH_CLIENT_CERTIFICATE_PATH', `Configuration error: GRAPH_CLIENT_CERTIFICATE_PATH: ${error.message}`);
    throw error;
  }
}

/**
 * The quality settings: `QUALITY_SETTINGS_FILE` (JSON) first, then `QUALITY_PROFILE`,
 * `QUALITY_THRESHOLDS` (`audio.averageJitter=40,video.averageVideoFrameRate=5`) and
 * `ALERT_RATINGS` (`bad,poor`) on top.
 */
export function readQualitySettings(e: Environment, cwd: string): ScoringSettings {
  const at = (variable: string, run: () => ScoringSettings): ScoringSettings => {
    try {
      return run();
    } catch (error) {
      if (error instanceof InvalidScoringSettingError || error instanceof SyntaxError) {
        throw new ConfigError(variable, `Configuration error: ${variable}: ${error.message}`);
      }
      throw error;
    }
  };
  let settings: ScoringSettings = {};
  if (e.QUALITY_SETTINGS_FILE) {
    const file = path.resolve(cwd, e.QUALITY_SETTINGS_FILE);
    settings = at('QUALITY_SETTINGS_FILE', () => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        throw new ConfigError('QUALITY_SETTINGS_FILE', `Configuration error: QUALITY_SETTINGS_FILE: cannot read ${file}: ${(error as Error).message}`);
      }
      return parseScoringSettings(JSON.parse(text), file);
    });
  }
  const overrides: Record<string, unknown> = { ...(settings.thresholds ?? {}) };
  if (e.QUALITY_THRESHOLDS) {
    at('QUALITY_THRESHOLDS', () => {
      for (const pair of e.QUALITY_THRESHOLDS!.split(/[,;\s]+/).filter(Boolean)) {
        const [key, value, ...extra] = pair.split('=');
        if (!key || value === undefined || extra.length > 0) {
          throw new InvalidScoringSettingError('QUALITY_THRESHOLDS', `"${pair}" is not of the form <kind>.<metric>=<number>`);
        }
        parseThresholdOverride(key, value);
        overrides[key] = Number(value);
      }
      return settings;
    });
  }
  const combined: ScoringSettings = {
    ...settings,
    ...(e.QUALITY_PROFILE ? { profile: e.QUALITY_PROFILE } : {}),
    thresholds: overrides,
    ...(e.ALERT_RATINGS ? { alertRatings: e.ALERT_RATINGS.split(/[,;\s]+/).filter(Boolean) } : {}),
  };
  const variable = e.ALERT_RATINGS ? 'ALERT_RATINGS' : e.QUALITY_PROFILE ? 'QUALITY_PROFILE' : 'QUALITY_SETTINGS_FILE';
  at(variable, () => {
    resolveScoringOptions(combined);
    return combined;
  });
  return combined;
}
