import { asArray, asNumber, asObject, asString } from './json-reader';

/**
 * Why a JSON document is not a call record, or `undefined` when it is one. A call record is an
 * object with a string `id` and at least one of the properties only call records have.
 */
export function notACallRecordReason(document: unknown): string | undefined {
  const record = asObject(document);
  if (!record) return `it is ${Array.isArray(document) ? 'an array' : `a ${document === null ? 'null' : typeof document}`}, not a JSON object`;
  if (Array.isArray(record.value)) return 'it is a page of a collection (it has "value"), not a single call record';
  if (!asString(record.id)) return 'it has no string "id"';
  const context = `${asString(record['@odata.context']) ?? ''}${asString(record['@odata.type']) ?? ''}`;
  const looksLikeOne =
    /callrecord/i.test(context) ||
    Array.isArray(record.sessions) ||
    asNumber(record.version) !== null ||
    asString(record.startDateTime) !== null ||
    asArray(record.modalities).length > 0;
  return looksLikeOne ? undefined : 'it has none of the properties of a call record (sessions, version, startDateTime, modalities)';
}
