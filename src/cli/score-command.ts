import { parseArgs } from 'node:util';
import {
  formatReportText,
  InvalidScoringSettingError,
  notACallRecordReason,
  parseScoringSettings,
  resolveScoringOptions,
  scoreCallRecord,
  type CallQualityReport,
  type ScoringSettings,
} from '../quality';
import { CliError } from './cli-error';
import { parseJson, readInput, type CliStreams } from './io';

export const SCORE_USAGE = 'score <file|-> [--profile cqd|cqd-classic] [--thresholds <file.json>] [--format json|text]';

/** Options shared by the commands that print a report (`score`, `fetch`, `check`). */
export const REPORT_OPTIONS = {
  profile: { type: 'string' },
  thresholds: { type: 'string' },
  format: { type: 'string', default: 'json' },
} as const;

/** The scoring options chosen by `--profile` and `--thresholds`. */
export async function scoringOptionsFromFlags(
  flags: { profile?: string; thresholds?: string },
  streams: CliStreams,
): Promise<ReturnType<typeof resolveScoringOptions>> {
  let settings: ScoringSettings = {};
  try {
    if (flags.thresholds) {
      const text = await readInput(flags.thresholds, streams);
      settings = parseScoringSettings(parseJson(text, flags.thresholds), flags.thresholds);
    }
    return resolveScoringOptions({ ...settings, ...(flags.profile ? { profile: flags.profile } : {}) });
  } catch (error) {
    if (error instanceof InvalidScoringSettingError) throw new CliError(error.message);
    throw error;
  }
}

/** Prints a report as one JSON document or as the short text summary. */
export function printReport(report: CallQualityReport, format: string | undefined, streams: CliStreams): void {
  streams.stdout.write(format === 'text' ? `${formatReportText(report)}\n` : `${JSON.stringify(report, null, 2)}\n`);
}

/** Checks `--format` before any work is done. */
export function checkFormat(format: string | undefined): void {
  if (format !== undefined && format !== 'json' && format !== 'text') {
    throw new CliError(`Unknown format "${format}": use json or text`);
  }
}

/** `score`: judges a call record from a file or standard input. */
export async function scoreCommand(args: string[], streams: CliStreams): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: REPORT_OPTIONS, allowPositionals: true, strict: true });
  if (positionals.length !== 1) throw new CliError(`Usage: ${SCORE_USAGE}`);
  checkFormat(values.format);
  const options = await scoringOptionsFromFlags(values, streams);
  const source = positionals[0]!;
  const document = parseJson(await readInput(source, streams), source === '-' ? 'standard input' : source);
  const notRecord = notACallRecordReason(document);
  if (notRecord) throw new CliError(`Not a call record (${source === '-' ? 'standard input' : source}): ${notRecord}`);
  printReport(scoreCallRecord(document, options), values.format, streams);
  return 0;
}
