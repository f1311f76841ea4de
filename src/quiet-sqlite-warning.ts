/**
 * `node:sqlite` prints an ExperimentalWarning on stderr when it loads. The CLI promises a single
 * line on stderr for errors and the server logs JSON, so the entry points (and only they) drop
 * that one warning; every other warning is still printed.
 */
export function quietSqliteExperimentalWarning(): void {
  const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : warning?.message;
    if (typeof text === 'string' && text.includes('SQLite is an experimental feature')) return;
    emitWarning(warning, ...rest);
  }) as typeof process.emitWarning;
}
