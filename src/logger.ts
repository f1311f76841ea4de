import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/** Paths that may carry secrets; pino replaces them before anything is written. */
export const REDACTED_PATHS = [
  'clientSecret',
  '*.clientSecret',
  'password',
  '*.password',
  'clientState',
  '*.clientState',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'accessToken',
  '*.accessToken',
  'connectionString',
  '*.connectionString',
];

/** What a redacted value is replaced with. */
export const REDACTED = '[redacted]';

/**
 * Keys that name a secret when their value is text but a count when it is a number: the webhook
 * logs `dropped: { clientState: 3 }` for notifications refused for a wrong client state.
 */
const KEYS_THAT_MAY_COUNT = new Set(['clientState']);

/** Replaces a secret, but keeps a count that happens to sit under a secret's name. */
export function censorSecret(value: unknown, path: string[]): unknown {
  const key = path[path.length - 1];
  return typeof value === 'number' && key !== undefined && KEYS_THAT_MAY_COUNT.has(key) ? value : REDACTED;
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /**
   * Fields added to every line, read when the line is written: `Telemetry.logFields`, which gives
   * the active span's `trace_id`, `span_id` and `trace_flags`, so a line written while handling a
   * call can be found from its trace (and the trace from the line).
   */
  contextFields?: () => Record<string, string>;
}

/** The process logger: JSON lines on stdout (or the given destination), secrets redacted. */
export function createLogger(level = 'info', destination?: pino.DestinationStream, options: LoggerOptions = {}): Logger {
  const { contextFields } = options;
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: censorSecret },
      base: { app: 'call-quality-bot' },
      ...(contextFields ? { mixin: () => contextFields() } : {}),
    },
    destination,
  );
}
