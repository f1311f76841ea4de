import { StartupError } from '../config';
import { CliError } from './cli-error';
import type { CliStreams } from './io';
import { SCORE_USAGE, scoreCommand } from './score-command';
import { INBOX_USAGE, inboxCommand } from './inbox-command';
import { POISON_USAGE, poisonCommand } from './poison-command';
import { EXPORT_USAGE, exportCommand } from './export-command';
import { FORGET_USAGE, forgetCommand } from './forget-command';
import { BACKFILL_USAGE, FETCH_USAGE, SUBSCRIBE_USAGE, backfillCommand, fetchCommand, subscribeCommand } from './graph-commands';
import { BUILDINGS_USAGE, buildingsCommand } from './buildings-command';

/** A CLI command: takes its arguments and the streams, resolves to an exit code. */
export type CliCommand = (args: string[], streams: CliStreams) => Promise<number>;

/** Every command, with its one-line usage. */
export const COMMANDS: Record<string, { usage: string; run: CliCommand }> = {
  score: { usage: SCORE_USAGE, run: scoreCommand },
  fetch: { usage: FETCH_USAGE, run: fetchCommand },
  subscribe: { usage: SUBSCRIBE_USAGE, run: subscribeCommand },
  backfill: { usage: BACKFILL_USAGE, run: backfillCommand },
  inbox: { usage: INBOX_USAGE, run: inboxCommand },
  poison: { usage: POISON_USAGE, run: poisonCommand },
  export: { usage: EXPORT_USAGE, run: exportCommand },
  forget: { usage: FORGET_USAGE, run: forgetCommand },
  buildings: { usage: BUILDINGS_USAGE, run: buildingsCommand },
};

function usage(): string {
  return ['Usage: call-quality-bot <command>', ...Object.values(COMMANDS).map((command) => `  ${command.usage}`)].join('\n');
}

/**
 * Runs the CLI and resolves to its exit code. Errors become one line on stderr and nothing on
 * stdout: exit code 2 for bad input or usage, 1 for anything unexpected.
 */
export async function runCli(argv: string[], streams: CliStreams): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    (name === undefined ? streams.stderr : streams.stdout).write(`${usage()}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  try {
    if (!command) throw new CliError(`Unknown command "${name}". Commands: ${Object.keys(COMMANDS).join(', ')}`);
    return await command.run(args, streams);
  } catch (error) {
    if (error instanceof StartupError) {
      streams.stderr.write(`${error.message}\n`);
      return 2;
    }
    if (error instanceof CliError) {
      streams.stderr.write(`${error.message}\n`);
      return error.exitCode;
    }
    // parseArgs reports unknown or malformed flags with these codes.
    const code = (error as { code?: string }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      streams.stderr.write(`${(error as Error).message}\n`);
      return 2;
    }
    streams.stderr.write(`Unexpected error: ${(error as Error).message}\n`);
    return 1;
  }
}
