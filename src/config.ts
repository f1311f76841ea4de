import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { ClientCertificateError, readClientCertificate } from './graph/client-certificate';
import {
  InvalidScoringSettingError,
  parseScoringSettings,
  parseThresholdOverride,
  resolveScoringOptions,
  type ScoringOptions,
  type ScoringSettings,
} from './quality';

/**
 * Every setting of the bot, parsed and validated once from the environment. The variable names are
 * a contract (see docs/configuration.md); a wrong value stops start-up with a message naming it.
 */
export interface AppConfig {
  port: number;
  /**
   * The address the HTTP server listens on; `undefined` means every interface. Without `BOT_ID`
   * (no authentication) it is loopback unless `ALLOW_REMOTE_UNAUTHENTICATED=true`.
   */
  host: string | undefined;
  /** `ALLOW_REMOTE_UNAUTHENTICATED`: the operator accepts an unauthenticated bot on the network. */
  allowRemoteUnauthenticated: boolean;
  /** `HEALTH_KEY`: unlocks the details of `/healthz` (ids, error texts) for clients that are not on loopback. */
  healthKey?: string;
  dataDir: string;
  logLevel: string;
  store: 'sqlite' | 'azure';
  azureStorage: { connectionString?: string; accountUrl?: string; prefix: string };
  graph: {
    tenantIds: string[];
    clientId?: string;
    clientSecret?: string;
    clientCertificatePath?: string;
    baseUrl: string;
    authorityHost: string;
  };
  notifications: { url?: string; lifecycleUrl?: string; clientState?: string };
  sweepMinutes: number;
  worker: { leaseSeconds: number; concurrency: number };
  bot: {
    id?: string;
    password?: string;
    type: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMsi';
    tenantId?: string;
    adminUserIds: string[];
    proactiveInstall: boolean;
    teamsAppId?: string;
  };
  alerts: { channelPolicy: 'all' | 'poor'; defaultChannelId?: string; leaseSeconds: number };
  /** The only folder `check file:` reads call record files from (local use). */
  recordsDir: string;
  /** The quality settings as given (profile, overrides, ratings), kept to report them. */
  qualitySettings: ScoringSettings;
  /** The same settings resolved into scoring options. */
  scoring: ScoringOptions;
}

/**
 * A problem that stops start-up and that the operator can fix (a wrong setting, a port in use, a
 * data folder that cannot be written): `npm start` prints its message as one line and exits with
 * code 2. Anything else that escapes start-up is a bug and keeps its stack.
 */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

/** Thrown when a setting is wrong; the message names the variable and what it accepts. */
export class ConfigError extends StartupError {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The loopback address the bot listens on when it runs without authentication. */
export const LOOPBACK_HOST = '127.0.0.1';

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const list = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(/[\s,;]+/)
      .map((item) => item.trim())
      .filter(Boolean),
  );

const httpsOrLoopbackUrl = z
  .string()
  .trim()
  .url()
  .refine((value) => {
    const url = new URL(value);
    return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
  }, 'must be an https URL (http is allowed only for localhost)')
  .transform((value) => value.replace(/\/+$/, ''));

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .optional()
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

/** An IP address literal (`127.0.0.1`, `::1`, `0.0.0.0`, `::`, brackets allowed for IPv6) or `localhost`. */
const hostAddress = z
  .string()
  .transform((value) => value.replace(/^\[(.*)\]$/, '$1'))
  .refine((value) => value === 'localhost' || isIP(value) !== 0, 'must be an IP address (such as 127.0.0.1, ::1, 0.0.0.0 or ::) or localhost');

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  HOST: optionalText.pipe(hostAddress.optional()),
  ALLOW_REMOTE_UNAUTHENTICATED: flag,
  HEALTH_KEY: optionalText.pipe(z.string().min(16, 'must be at least 16 characters (for example `openssl rand -hex 32`)').optional()),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  STORE: z.enum(['sqlite', 'azure']).default('sqlite'),
  AZURE_STORAGE_CONNECTION_STRING: optionalText,
  AZURE_STORAGE_ACCOUNT_URL: optionalText.pipe(httpsOrLoopbackUrl.optional()),
  AZURE_STORAGE_PREFIX: z.string().regex(/^[a-z][a-z0-9]{1,39}$/, 'must be 2 to 40 lowercase letters and digits, starting with a letter').default('callquality'),
  GRAPH_TENANT_IDS: list.refine(
    (ids) => ids.every((id) => GUID.test(id)),
    'must be a comma-separated list of tenant ids (GUIDs)',
  ),
  GRAPH_CLIENT_ID: optionalText.pipe(z.string().regex(GUID, 'must be an application (client) id, a GUID').optional()),
  GRAPH_CLIENT_SECRET: optionalText,
  GRAPH_CLIENT_CERTIFICATE_PATH: optionalText,
  GRAPH_BASE_URL: optionalText.pipe(httpsOrLoopbackUrl.optional()).default('https://graph.microsoft.com/v1.0'),
  AUTHORITY_HOST: optionalText.pipe(httpsOrLoopbackUrl.optional()).default('https://login.microsoftonline.com'),
  NOTIFICATION_URL: optionalText.pipe(httpsOrLoopbackUrl.optional()),
  NOTIFICATION_LIFECYCLE_URL: optionalText.pipe(httpsOrLoopbackUrl.optional()),
  NOTIFICATION_CLIENT_STATE: optionalText.pipe(z.string().max(128, 'must be at most 128 characters (a Graph limit)').optional()),
  SWEEP_MINUTES: z.coerce.number().positive().max(24 * 60).default(60),
  WORKER_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  BOT_ID: optionalText,
  BOT_PASSWORD: optionalText,
  BOT_TYPE: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMsi']).default('MultiTenant'),
  BOT_TENANT_ID: optionalText,
  TEAMS_APP_ID: optionalText,
  ADMIN_USER_IDS: list,
  PROACTIVE_INSTALL: flag,
  ALERT_CHANNEL_POLICY: z.enum(['all', 'poor']).default('all'),
  ALERT_CHANNEL_ID: optionalText,
  ALERT_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(120),
  RECORDS_DIR: z.string().trim().min(1).default('./records'),
  QUALITY_PROFILE: optionalText,
  QUALITY_THRESHOLDS: optionalText,
  QUALITY_SETTINGS_FILE: optionalText,
  ALERT_RATINGS: optionalText,
});

/**
 * Reads the configuration from an environment (`process.env` by default). Throws
 * {@link ConfigError} naming the first wrong variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    const shown = isSecretVariable(variable) ? '(hidden)' : JSON.stringify(env[variable] ?? '');
    throw new ConfigError(variable, `Configuration error: ${variable}=${shown} is not valid: ${issue.message}.`);
  }
  const e = parsed.data;
  if (e.GRAPH_CLIENT_SECRET && e.GRAPH_CLIENT_CERTIFICATE_PATH) {
    throw new ConfigError('GRAPH_CLIENT_CERTIFICATE_PATH', 'Configuration error: set GRAPH_CLIENT_SECRET or GRAPH_CLIENT_CERTIFICATE_PATH, not both.');
  }
  if (e.NOTIFICATION_URL && !e.NOTIFICATION_CLIENT_STATE) {
    throw new ConfigError('NOTIFICATION_CLIENT_STATE', 'Configuration error: NOTIFICATION_CLIENT_STATE is required when NOTIFICATION_URL is set (a secret Graph echoes in every notification).');
  }
  if (e.STORE === 'azure' && !e.AZURE_STORAGE_CONNECTION_STRING && !e.AZURE_STORAGE_ACCOUNT_URL) {
    throw new ConfigError('STORE', 'Configuration error: STORE=azure needs AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_ACCOUNT_URL.');
  }
  checkBotCredentials(e);
  if (e.PROACTIVE_INSTALL && !e.TEAMS_APP_ID) {
    throw new ConfigError('TEAMS_APP_ID', 'Configuration error: PROACTIVE_INSTALL=true needs TEAMS_APP_ID (the app\'s id in the Teams app catalog) to install the app for organizers.');
  }
  const host = listeningHost(e);
  const clientCertificatePath = e.GRAPH_CLIENT_CERTIFICATE_PATH ? path.resolve(cwd, e.GRAPH_CLIENT_CERTIFICATE_PATH) : undefined;
  if (clientCertificatePath) checkClientCertificate(clientCertificatePath);
  const qualitySettings = readQualitySettings(e, cwd);
  return {
    port: e.PORT,
    host,
    allowRemoteUnauthenticated: e.ALLOW_REMOTE_UNAUTHENTICATED,
    healthKey: e.HEALTH_KEY,
    dataDir: path.resolve(cwd, e.DATA_DIR),
    logLevel: e.LOG_LEVEL,
    store: e.STORE,
    azureStorage: { connectionString: e.AZURE_STORAGE_CONNECTION_STRING, accountUrl: e.AZURE_STORAGE_ACCOUNT_URL, prefix: e.AZURE_STORAGE_PREFIX },
    graph: {
      tenantIds: e.GRAPH_TENANT_IDS,
      clientId: e.GRAPH_CLIENT_ID,
      clientSecret: e.GRAPH_CLIENT_SECRET,
      clientCertificatePath,
      baseUrl: e.GRAPH_BASE_URL ?? 'https://graph.microsoft.com/v1.0',
      authorityHost: e.AUTHORITY_HOST ?? 'https://login.microsoftonline.com',
    },
    notifications: {
      url: e.NOTIFICATION_URL,
      lifecycleUrl: e.NOTIFICATION_LIFECYCLE_URL ?? (e.NOTIFICATION_URL ? siblingUrl(e.NOTIFICATION_URL, 'lifecycle') : undefined),
      clientState: e.NOTIFICATION_CLIENT_STATE,
    },
    sweepMinutes: e.SWEEP_MINUTES,
    worker: { leaseSeconds: e.WORKER_LEASE_SECONDS, concurrency: e.WORKER_CONCURRENCY },
    bot: {
      id: e.BOT_ID,
      password: e.BOT_PASSWORD,
      type: e.BOT_TYPE,
      tenantId: e.BOT_TENANT_ID,
      adminUserIds: e.ADMIN_USER_IDS,
      proactiveInstall: e.PROACTIVE_INSTALL,
      teamsAppId: e.TEAMS_APP_ID,
    },
    alerts: { channelPolicy: e.ALERT_CHANNEL_POLICY, defaultChannelId: e.ALERT_CHANNEL_ID, leaseSeconds: e.ALERT_LEASE_SECONDS },
    recordsDir: path.resolve(cwd, e.RECORDS_DIR),
    qualitySettings,
    scoring: resolveScoringOptions(qualitySettings),
  };
}

type Environment = z.infer<typeof envSchema>;

/**
 * The Bot Framework credentials must fit `BOT_TYPE`. Checked here rather than when the adapter is
 * built, so that a missing `BOT_PASSWORD` stops start-up as early (and as plainly) as a wrong `BOT_TYPE`.
 */
function checkBotCredentials(e: Environment): void {
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
function listeningHost(e: Environment): string | undefined {
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
function checkClientCertificate(file: string): void {
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
function readQualitySettings(e: Environment, cwd: string): ScoringSettings {
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

/** What is not configured yet, in sentences for the start-up log. */
export function missingSetup(config: AppConfig): string[] {
  const missing: string[] = [];
  if (!config.graph.clientId || (!config.graph.clientSecret && !config.graph.clientCertificatePath) || config.graph.tenantIds.length === 0) {
    missing.push('Graph is not configured (GRAPH_TENANT_IDS, GRAPH_CLIENT_ID and GRAPH_CLIENT_SECRET or GRAPH_CLIENT_CERTIFICATE_PATH): call records will not be fetched.');
  }
  if (!config.notifications.url) {
    missing.push('NOTIFICATION_URL is not set: no Graph subscription will be created; only the reconciliation sweep and `backfill` find calls.');
  }
  if (!config.bot.id && config.host !== undefined && isLoopbackHost(config.host)) {
    missing.push(`BOT_ID is not set: the bot runs without authentication, for local use only (Agents Playground), and listens on ${config.host} only.`);
  }
  return missing;
}

/**
 * The loud warning for an unauthenticated bot that the network can reach (no `BOT_ID`, and
 * `ALLOW_REMOTE_UNAUTHENTICATED=true` with a host that is not loopback); `undefined` otherwise.
 */
export function unauthenticatedExposureWarning(config: AppConfig, port: number): string | undefined {
  if (config.bot.id || (config.host !== undefined && isLoopbackHost(config.host))) return undefined;
  const where = config.host === undefined ? 'every network interface' : config.host;
  return `SECURITY: BOT_ID is not set and ALLOW_REMOTE_UNAUTHENTICATED=true: the bot accepts UNAUTHENTICATED requests on ${where}, port ${port}. Anyone who can reach it can use every command and read the bot's data. Set BOT_ID and BOT_PASSWORD, or remove ALLOW_REMOTE_UNAUTHENTICATED to listen on loopback only.`;
}

/** True for an address only this machine can reach: 127.0.0.0/8, ::1 (also IPv4-mapped) and localhost. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(bare);
}

function isSecretVariable(variable: string): boolean {
  return ['SECRET', 'PASSWORD', 'CLIENT_STATE', 'KEY'].some((part) => variable.includes(part));
}


function siblingUrl(url: string, last: string): string {
  const parsed = new URL(url);
  parsed.pathname = parsed.pathname.replace(/[^/]*$/, last);
  return parsed.toString();
}
