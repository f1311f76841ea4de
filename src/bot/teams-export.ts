import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Activity, FileConsentCard, FileInfoCard, FileUploadInfo } from 'botbuilder';
import { exportRows, writeExport } from '../history';
import { utcDay } from '../insights';
import type { HistoryStore } from '../store';

/** Marks the context of the bot's own export consent cards (Teams hands it back on accept and decline). */
const EXPORT_CONTEXT_KIND = 'call-quality-export';

/** The file opens in Excel from OneDrive: a byte order mark makes it read UTF-8. */
const FOR_EXCEL = { bom: true };

/** The longest period an accept may ask for: `export 30d`, and a day of slack. */
const MAX_EXPORT_MS = 31 * 24 * 60 * 60 * 1000;

/** What a consent card offers, handed back by Teams when the user accepts or declines. */
export interface ExportConsentContext {
  kind: typeof EXPORT_CONTEXT_KIND;
  tenantId: string;
  /** Epoch ms, inclusive. */
  since: number;
  /** Epoch ms, exclusive. */
  until: number;
}

/** The context for a consent card offering a tenant's streams of `[since, until)`. */
export function exportConsentContext(tenantId: string, since: number, until: number): ExportConsentContext {
  return { kind: EXPORT_CONTEXT_KIND, tenantId, since, until };
}

/** The context of one of our consent cards, checked; undefined for anything else. */
export function exportConsentContextOf(value: unknown): ExportConsentContext | undefined {
  const context = value as Partial<ExportConsentContext> | null | undefined;
  if (context?.kind !== EXPORT_CONTEXT_KIND || typeof context.tenantId !== 'string') return undefined;
  const { since, until } = context;
  if (!Number.isFinite(since) || !Number.isFinite(until) || until! <= since! || until! - since! > MAX_EXPORT_MS) return undefined;
  return context as ExportConsentContext;
}

/** `call-quality-streams-2026-03-01-to-2026-03-07.csv`: the UTC days the file covers. */
export function exportFileName(since: number, until: number): string {
  return `call-quality-streams-${utcDay(since)}-to-${utcDay(until - 1)}.csv`;
}

/** A message asking the user to accept a file into their OneDrive (Teams' file consent card). */
export function fileConsentActivity(name: string, description: string, sizeInBytes: number, context: ExportConsentContext): Partial<Activity> {
  const content: FileConsentCard = { description, sizeInBytes, acceptContext: context, declineContext: context };
  return { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.teams.card.file.consent', name, content }] };
}

/** The message that shows an uploaded file: Teams renders it as the file, to preview or open. */
export function fileInfoActivity(upload: FileUploadInfo): Partial<Activity> {
  const content: FileInfoCard = { uniqueId: upload.uniqueId, fileType: upload.fileType };
  return { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.teams.card.file.info', contentUrl: upload.contentUrl, name: upload.name, content }] };
}

/** What an export of a period comes to: its rows and CSV bytes, counted as they stream by (nothing kept). */
export async function measureExport(history: HistoryStore, context: ExportConsentContext): Promise<{ rows: number; bytes: number }> {
  let bytes = 0;
  const skipped = { count: 0 };
  const counter = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      bytes += Buffer.byteLength(chunk);
      done();
    },
  });
  const rows = await writeExport(rowsOf(history, context, skipped), 'csv', counter, FOR_EXCEL);
  return { rows, bytes };
}

/** An export written to a temporary file (streamed: the rows never sit in memory), to upload and then remove. */
export interface ExportFile {
  file: string;
  bytes: number;
  rows: number;
  /** Stored calls left out because their summary could not be read. */
  unreadable: number;
  remove(): Promise<void>;
}

/** Writes the CSV of a period to a file in a fresh temporary folder. */
export async function writeExportFile(history: HistoryStore, context: ExportConsentContext): Promise<ExportFile> {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'call-quality-export-'));
  const remove = () => rm(folder, { recursive: true, force: true });
  try {
    const file = path.join(folder, exportFileName(context.since, context.until));
    const skipped = { count: 0 };
    const rows = await writeExport(rowsOf(history, context, skipped), 'csv', createWriteStream(file, { mode: 0o600 }), FOR_EXCEL);
    return { file, bytes: (await stat(file)).size, rows, unreadable: skipped.count, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

/** The period's rows; a damaged stored call is left out (and counted) rather than losing the whole file. */
function rowsOf(history: HistoryStore, context: ExportConsentContext, skipped: { count: number }) {
  return exportRows(history, { tenants: [context.tenantId], since: context.since, until: context.until, onUnreadable: () => (skipped.count += 1) });
}
