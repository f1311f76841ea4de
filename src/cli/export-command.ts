import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { exportRows, writeExport, type ExportFormat } from '../history';
import { openConfiguredStore } from '../open-store';
import type { Store } from '../store';
import { CliError } from './cli-error';
import { parseIsoTime, writableOf, type CliStreams } from './io';

export const EXPORT_USAGE = 'export --since <ISO> [--until <ISO>] [--tenant T] [--format csv|jsonl]';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What `export` was asked for, checked. */
export interface ExportArguments {
  since: number;
  until: number;
  tenant: string | null;
  format: ExportFormat;
}

/** Reads and checks the flags of `export`; `now` is the default end. */
export function parseExportArguments(args: string[], now: number): ExportArguments {
  const { values } = parseArgs({
    args,
    options: { since: { type: 'string' }, until: { type: 'string' }, tenant: { type: 'string' }, format: { type: 'string', default: 'csv' } },
    strict: true,
  });
  if (!values.since) throw new CliError(`Usage: ${EXPORT_USAGE}`);
  const since = parseIsoTime('--since', values.since);
  const until = values.until === undefined ? now : parseIsoTime('--until', values.until);
  if (until <= since) {
    throw new CliError(`--until (${new Date(until).toISOString()}) must be after --since (${new Date(since).toISOString()}).`);
  }
  if (values.format !== 'csv' && values.format !== 'jsonl') throw new CliError(`--format "${values.format}" is not csv or jsonl.`);
  if (values.tenant !== undefined && !GUID.test(values.tenant)) throw new CliError(`--tenant "${values.tenant}" is not a tenant id (a GUID).`);
  return { since, until, tenant: values.tenant ?? null, format: values.format };
}

/**
 * `export`: one row per stream of every call kept in the history that started in the range, as
 * CSV or JSON lines on standard output, streamed (read page by page as output is written). Every
 * tenant unless `--tenant`. Stored calls that cannot be read are left out and counted on stderr.
 */
export async function exportCommand(args: string[], streams: CliStreams): Promise<number> {
  const request = parseExportArguments(args, Date.now());
  const store = await openConfiguredStore(loadConfig());
  try {
    const { rows, unreadable } = await exportHistory(store, request, streams);
    streams.stderr.write(`Exported ${rows} stream${rows === 1 ? '' : 's'}${unreadable ? `; left out ${unreadable} stored call${unreadable === 1 ? '' : 's'} that could not be read` : ''}.\n`);
    return 0;
  } finally {
    await store.close();
  }
}

/** Writes the export to the streams' standard output. Resolves to what was written and left out. */
export async function exportHistory(store: Store, request: ExportArguments, streams: Pick<CliStreams, 'stdout'>): Promise<{ rows: number; unreadable: number }> {
  const tenants = request.tenant ? [request.tenant] : await store.history.tenants();
  let unreadable = 0;
  const rows = exportRows(store.history, { tenants, since: request.since, until: request.until, onUnreadable: () => (unreadable += 1) });
  const written = await writeExport(rows, request.format, writableOf(streams.stdout), { end: false });
  return { rows: written, unreadable };
}
