import path from 'node:path';
import { resolveScoringOptions, type ScoringOptions, type ScoringSettings } from '../quality';
import type { BuildingMap } from '../sites';
import { readBuildingsFile } from './buildings-file';
import { checkBotCredentials, checkClientCertificate, listeningHost, readQualitySettings } from './setting-checks';
import { envSchema } from './env-schema';
import { InvalidReportScheduleError, ReportSchedule } from './report-schedule';
import { ConfigError } from './startup-error';

/** `REPORT_SCHEDULE` when not set: Monday 09:00. */
export const DEFAULT_REPORT_SCHEDULE = '0 9 * * 1';

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
  /** `INBOX_RETENTION_DAYS`: how long done inbox items are kept before the background pruning removes them. */
  inbox: { retentionDays: number };
  bot: {
    id?: string;
    password?: string;
    type: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMsi';
    tenantId?: string;
    adminUserIds: string[];
    proactiveInstall: boolean;
    teamsAppId?: string;
  };
  /**
   * `failures` (`ALERT_FAILURES`): a failed session (set-up failure, drop) makes an alert due on its own.
   * `participants` (`ALERT_PARTICIPANTS`): which participants are told about their own side of a call.
   */
  alerts: { channelPolicy: 'all' | 'poor'; defaultChannelId?: string; leaseSeconds: number; failures: boolean; participants: 'off' | 'poor-side' | 'raters' };
  /** The only folder `check file:` reads call record files from (local use). */
  recordsDir: string;
  /** The quality settings as given (profile, overrides, ratings), kept to report them. */
  qualitySettings: ScoringSettings;
  /** The same settings resolved into scoring options. */
  scoring: ScoringOptions;
  /** `HISTORY_DAYS`: how many days of call history are kept before the background pruning removes them. */
  history: { days: number };
  /** When the weekly report is posted: `REPORT_SCHEDULE` read in `REPORT_TIME_ZONE`. */
  report: { schedule: ReportSchedule };
  /** `BUILDINGS_FILE`, resolved, and the building map read from it (empty without it): where each endpoint was. */
  buildings: { file: string | undefined; map: BuildingMap };
}

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
  const schedule = reportScheduleOf(e.REPORT_SCHEDULE, e.REPORT_TIME_ZONE);
  const buildings = readBuildingsFile(e.BUILDINGS_FILE, cwd);
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
    inbox: { retentionDays: e.INBOX_RETENTION_DAYS },
    bot: {
      id: e.BOT_ID,
      password: e.BOT_PASSWORD,
      type: e.BOT_TYPE,
      tenantId: e.BOT_TENANT_ID,
      adminUserIds: e.ADMIN_USER_IDS,
      proactiveInstall: e.PROACTIVE_INSTALL,
      teamsAppId: e.TEAMS_APP_ID,
    },
    alerts: {
      channelPolicy: e.ALERT_CHANNEL_POLICY,
      defaultChannelId: e.ALERT_CHANNEL_ID,
      leaseSeconds: e.ALERT_LEASE_SECONDS,
      failures: e.ALERT_FAILURES === 'on',
      participants: e.ALERT_PARTICIPANTS,
    },
    recordsDir: path.resolve(cwd, e.RECORDS_DIR),
    qualitySettings,
    scoring: resolveScoringOptions(qualitySettings),
    history: { days: e.HISTORY_DAYS },
    report: { schedule },
    buildings: { file: buildings.path, map: buildings.map },
  };
}

/** The weekly report's schedule; a wrong expression or zone names its variable. */
function reportScheduleOf(expression: string | undefined, timeZone: string | undefined): ReportSchedule {
  try {
    return ReportSchedule.parse(expression ?? DEFAULT_REPORT_SCHEDULE, timeZone ?? 'UTC');
  } catch (error) {
    if (!(error instanceof InvalidReportScheduleError)) throw error;
    const variable = error.part === 'schedule' ? 'REPORT_SCHEDULE' : 'REPORT_TIME_ZONE';
    throw new ConfigError(variable, `Configuration error: ${variable}: ${error.message}.`);
  }
}

function isSecretVariable(variable: string): boolean {
  return ['SECRET', 'PASSWORD', 'CLIENT_STATE', 'KEY'].some((part) => variable.includes(part));
}

function siblingUrl(url: string, last: string): string {
  const parsed = new URL(url);
  parsed.pathname = parsed.pathname.replace(/[^/]*$/, last);
  return parsed.toString();
}
