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
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: { app: 'call-quality-bot' },
      ...(contextFields ? { mixin: () => contextFields() } : {}),
    },
    destination,
  );
}
