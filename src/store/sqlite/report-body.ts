import { gzipText, packedReportBodyText, plainReportBody, reportBodyOfGzip, type ReportBody } from '../report-streams';

/** A report row's two body columns as SQLite keeps them. */
export interface EncodedReportBody {
  /** The report's JSON, or (a big call) the gzip of the whole packed body's JSON. */
  report: string | Uint8Array;
  /** The summary's JSON, or '' when the summary is inside the report column's gzip. */
  summary: string;
}

/**
 * A report row's body on SQLite, the counterpart of the Azure engine's `ReportBodies`. A small
 * call's row keeps the report and the summary as JSON text, as rows always did; a big call's body
 * (its stream lists as columns, see `report-streams.ts`) is gzipped once, off the event loop, into
 * the `report` column as a BLOB (a TEXT column keeps a BLOB as it is), the `summary` column left ''.
 * Encoding happens before the write's transaction, which stays synchronous.
 */
export async function encodeReportBody(body: ReportBody): Promise<EncodedReportBody> {
  const text = await packedReportBodyText(body);
  if (text === undefined) return { report: JSON.stringify(body.report), summary: JSON.stringify(body.summary) };
  return { report: await gzipText(text), summary: '' };
}

/** The report and summary of a row's two body columns, whichever form a row was written in. */
export async function decodeReportBody(columns: { report: unknown; summary: unknown }): Promise<ReportBody> {
  if (columns.report instanceof Uint8Array) return reportBodyOfGzip(columns.report);
  return plainReportBody({ report: JSON.parse(columns.report as string), summary: JSON.parse(columns.summary as string) });
}
