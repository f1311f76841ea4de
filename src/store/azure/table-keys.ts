import { createHash } from 'node:crypto';

/** Azure Tables refuses keys longer than 1 KiB. */
const MAX_KEY_LENGTH = 1_024;

/** Characters kept as they are in a table key; everything else is escaped. */
const SAFE = /^[A-Za-z0-9_.-]$/;

/**
 * Turns an id (tenant id, call id, conversation id, setting scope...) into a PartitionKey or RowKey.
 *
 * Table keys refuse `/`, `\`, `#`, `?` and control characters, and `'` or `%` make OData filters and
 * URLs fragile, so every character outside `[A-Za-z0-9_.-]` becomes `~` and two hex digits per UTF-8
 * byte. The mapping is one-to-one (the escape never produces `~` followed by anything but two hex
 * digits), so distinct ids never share a key. The empty id becomes `~`; an id whose escaped form
 * passes the 1 KiB key limit becomes `~H` and its SHA-256. Rows also keep the original ids as
 * properties, so keys never need decoding.
 */
export function tableKey(id: string): string {
  if (id === '') return '~';
  let key = '';
  for (const char of id) {
    if (SAFE.test(char)) {
      key += char;
    } else {
      for (const byte of Buffer.from(char, 'utf8')) key += `~${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return key.length <= MAX_KEY_LENGTH ? key : `~H${createHash('sha256').update(id, 'utf8').digest('hex')}`;
}

/** The partition of one call of one tenant: its report, its alert jobs and its sent cards live there. */
export function callPartitionKey(tenantId: string, callId: string): string {
  const key = `${tableKey(tenantId)}|${tableKey(callId)}`;
  return key.length <= MAX_KEY_LENGTH ? key : `~H${createHash('sha256').update(`${tenantId}\n${callId}`, 'utf8').digest('hex')}`;
}
