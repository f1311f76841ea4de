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

/** The process logger: JSON lines on stdout (or the given destination), secrets redacted. */
export function createLogger(level = 'info', destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: { app: 'call-quality-bot' } }, destination);
}
