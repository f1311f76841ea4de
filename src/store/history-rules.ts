import type { CallHistoryRecord } from './history-types';

/**
 * The rules both engines apply to the history, so they cannot drift: what a valid record and day
 * are, how a person is matched, in which order `callsOf` answers, and what `forgetPerson` keeps.
 */

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;
/** More days than any retention: a range wider than this is a mistake, not a query. */
export const MAX_DAYS_IN_RANGE = 3_660;

/** Throws a RangeError naming `what` unless `day` is a real UTC date written `YYYY-MM-DD`. */
export function assertDay(day: string, what: string): void {
  const time = typeof day === 'string' && DAY.test(day) ? Date.parse(`${day}T00:00:00Z`) : Number.NaN;
  // Date.parse rolls 2025-02-30 over to March: the day must come back as it was written.
  if (Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== day) {
    throw new RangeError(`The ${what} "${String(day)}" is not a date written YYYY-MM-DD (UTC).`);
  }
}

/** Every day from `fromDay` to `toDay` (inclusive), in order; empty when `fromDay` is after `toDay`. */
export function daysFrom(fromDay: string, toDay: string): string[] {
  assertDay(fromDay, 'first day');
  assertDay(toDay, 'last day');
  const first = Date.parse(`${fromDay}T00:00:00Z`);
  const last = Date.parse(`${toDay}T00:00:00Z`);
  const count = Math.floor((last - first) / DAY_MS) + 1;
  if (count > MAX_DAYS_IN_RANGE) {
    throw new RangeError(`The range ${fromDay} to ${toDay} has ${count} days, more than the ${MAX_DAYS_IN_RANGE} a history query reads; ask for a shorter range.`);
  }
  return Array.from({ length: Math.max(0, count) }, (_, index) => new Date(first + index * DAY_MS).toISOString().slice(0, 10));
}

/** Throws a RangeError saying which field of a history record is wrong (before anything is written). */
export function assertHistoryRecord(record: CallHistoryRecord): void {
  const where = `the history record of call "${String(record.callId)}"`;
  if (typeof record.tenantId !== 'string' || record.tenantId === '') throw new RangeError(`The tenant id of ${where} is empty; give the call's tenant.`);
  if (typeof record.callId !== 'string' || record.callId === '') throw new RangeError(`The call id of a history record of tenant "${record.tenantId}" is empty.`);
  if (!Number.isSafeInteger(record.version) || record.version < 0) throw new RangeError(`The version of ${where} is ${String(record.version)}; give a whole number, 0 or more.`);
  assertDay(record.day, `day of ${where}`);
  if (record.startedAt !== null && !Number.isFinite(record.startedAt)) throw new RangeError(`The start of ${where} is ${String(record.startedAt)}; give epoch milliseconds or null.`);
  if (!Array.isArray(record.people) || record.people.some((person) => typeof person !== 'string')) throw new RangeError(`The people of ${where} are not a list of ids and UPNs.`);
  if (typeof record.summary !== 'string') throw new RangeError(`The summary of ${where} is not text.`);
}

/** How a person is matched: an Entra object id or a UPN, in any case. */
export function personKey(person: string): string {
  const key = typeof person === 'string' ? person.trim().toLowerCase() : '';
  if (key === '') throw new RangeError('The person to look for is empty; give an Entra object id or a UPN.');
  return key;
}

/** Throws a RangeError unless `limit` is a whole number (0 or more) of calls. */
export function assertLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`The number of calls to find is ${String(limit)}; give a whole number, 0 or more.`);
}

/** The distinct match keys of a record's people (empty entries left out). */
export function peopleKeys(people: readonly string[]): string[] {
  return [...new Set(people.map((person) => person.trim().toLowerCase()).filter((person) => person !== ''))];
}

/** Whether a record names the person (a key from {@link personKey}). */
export function namesPerson(people: readonly string[], key: string): boolean {
  return people.some((person) => person.trim().toLowerCase() === key);
}

/** Newest first: by day, then start (a call without one last within its day), then call id and tenant, descending. */
export function newestFirst(a: CallHistoryRecord, b: CallHistoryRecord): number {
  if (a.day !== b.day) return a.day < b.day ? 1 : -1;
  if (a.startedAt !== b.startedAt) {
    if (a.startedAt === null) return 1;
    if (b.startedAt === null) return -1;
    return b.startedAt - a.startedAt;
  }
  if (a.callId !== b.callId) return a.callId < b.callId ? 1 : -1;
  return a.tenantId === b.tenantId ? 0 : a.tenantId < b.tenantId ? 1 : -1;
}

/**
 * The record after `scrub` took a person out: its summary and people from `scrub`, without the
 * person even when `scrub` left them in (so `callsOf` can no longer find the call by them).
 */
export function scrubbedRecord(
  record: CallHistoryRecord,
  key: string,
  scrub: (record: CallHistoryRecord) => Pick<CallHistoryRecord, 'summary' | 'people'>,
): CallHistoryRecord {
  const scrubbed = scrub(record);
  if (typeof scrubbed?.summary !== 'string' || !Array.isArray(scrubbed.people)) {
    throw new RangeError(`Forgetting a person in call "${record.callId}" gave no summary and people; the scrub must return both.`);
  }
  return { ...record, summary: scrubbed.summary, people: scrubbed.people.filter((person) => person.trim().toLowerCase() !== key) };
}
