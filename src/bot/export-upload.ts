import { open } from 'node:fs/promises';
import { isLoopbackHost } from '../config';
import { sanitizeUpstreamText } from '../upstream-text';

/**
 * OneDrive takes an upload session's bytes in fragments that are multiples of 320 KiB (but the
 * last), of at most 60 MiB; 10 MiB keeps each request short without many round trips.
 */
export const UPLOAD_FRAGMENT_BYTES = 32 * 320 * 1024;

/** Thrown when the upload URL refuses the file; the message says what it answered. */
export class ExportUploadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportUploadError';
  }
}

/**
 * PUTs a file to the upload URL Teams gave with a file consent `accept` (a OneDrive for Business
 * upload session), fragment by fragment with `Content-Range`, read from disk as it goes. No
 * Authorization header: the URL carries its own permission, and OneDrive may refuse a token.
 */
export async function uploadFileToSession(uploadUrl: string, file: string, size: number, fragmentBytes = UPLOAD_FRAGMENT_BYTES): Promise<void> {
  checkUploadUrl(uploadUrl);
  const handle = await open(file, 'r');
  try {
    for (let start = 0; start < size; ) {
      const length = Math.min(fragmentBytes, size - start);
      const body = Buffer.alloc(length);
      await handle.read(body, 0, length, start);
      const end = start + length - 1;
      const response = await fetch(uploadUrl, { method: 'PUT', headers: { 'content-range': `bytes ${start}-${end}/${size}` }, body });
      const answer = await response.text();
      const last = end >= size - 1;
      if (last ? response.status !== 200 && response.status !== 201 : response.status !== 202) {
        throw new ExportUploadError(`The upload of bytes ${start}-${end} of ${size} was answered ${response.status}: ${(errorMessageOf(answer) || response.statusText).replace(/[.\s]+$/, '')}.`);
      }
      if (last) return;
      start = end + 1;
    }
  } finally {
    await handle.close();
  }
}

/** OneDrive's `{"error":{"message"}}`, or the text itself, made safe to show and log. */
function errorMessageOf(answer: string): string {
  try {
    const message = (JSON.parse(answer) as { error?: { message?: unknown } }).error?.message;
    if (typeof message === 'string') return sanitizeUpstreamText(message);
  } catch {
    // Not JSON: the text as it came.
  }
  return sanitizeUpstreamText(answer);
}

/** Only https (http on this machine, for the loopback connector of tests): the file is about people. */
function checkUploadUrl(uploadUrl: string): void {
  let url: URL;
  try {
    url = new URL(uploadUrl);
  } catch {
    throw new ExportUploadError('Teams gave an upload URL that is not a URL.');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new ExportUploadError(`Teams gave an upload URL that is not https (${url.protocol}//${url.host}); the file was not sent.`);
  }
}
