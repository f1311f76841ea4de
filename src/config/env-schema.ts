import { isIP } from 'node:net';
import { z } from 'zod';
import { isLoopbackHost } from './loopback-host';


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

/** A whole number in a range; an empty value counts as not set (the default). */
function wholeNumber(min: number, max: number, what: string, fallback: number) {
  return z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    z.coerce.number({ invalid_type_error: `must be a whole number of ${what}` }).int(`must be a whole number of ${what}`).min(min, `must be ${min} to ${max} ${what}`).max(max, `must be ${min} to ${max} ${what}`).default(fallback),
  );
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every environment variable the bot reads, with its type and default. */
export const envSchema = z.object({
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
  // At least 2: the sweep looks a day (and 6 hours of overlap) back for calls the inbox has not seen.
  INBOX_RETENTION_DAYS: wholeNumber(2, 3650, 'days', 7),
  BOT_ID: optionalText,
  BOT_PASSWORD: optionalText,
  BOT_TYPE: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMsi']).default('MultiTenant'),
  BOT_TENANT_ID: optionalText,
  TEAMS_APP_ID: optionalText,
  ADMIN_USER_IDS: list,
  PROACTIVE_INSTALL: flag,
  ALERT_CHANNEL_POLICY: z.enum(['all', 'poor']).default('all'),
  ALERT_PARTICIPANTS: z.enum(['off', 'poor-side', 'raters']).default('off'),
  ALERT_CHANNEL_ID: optionalText,
  ALERT_FAILURES: z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : typeof value === 'string' ? value.trim().toLowerCase() : value),
    z.enum(['on', 'off'], { errorMap: () => ({ message: 'must be on or off' }) }).default('on'),
  ),
  ALERT_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(120),
  RECORDS_DIR: z.string().trim().min(1).default('./records'),
  QUALITY_PROFILE: optionalText,
  QUALITY_THRESHOLDS: optionalText,
  QUALITY_SETTINGS_FILE: optionalText,
  BUILDINGS_FILE: optionalText,
  ALERT_RATINGS: optionalText,
  HISTORY_DAYS: wholeNumber(1, 3650, 'days', 90),
  REPORT_SCHEDULE: optionalText,
  REPORT_TIME_ZONE: optionalText,
});

/** The environment, parsed. */
export type Environment = z.infer<typeof envSchema>;
