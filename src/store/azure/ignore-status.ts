import { hasStatus } from './azure-store-error';

/**
 * The statuses with which Azure Storage says a conditional write lost to another writer: the
 * row vanished (404), already exists (409) or changed (412) since it was read.
 */
export const LOST_RACE: readonly number[] = [404, 409, 412];

/**
 * Awaits a storage call, resolving to `undefined` instead of failing when Azure Storage answered
 * one of `statuses`: the one place where "404/409/412 means something specific here" is decided,
 * the caller saying what (a missing row is "none", a lost race "read again").
 */
export async function ignoreStatus<T>(call: Promise<T>, statuses: readonly number[]): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (hasStatus(error, ...statuses)) return undefined;
    throw error;
  }
}

/** Awaits a conditional write: true when it landed, false when it lost the race (`statuses`, by default {@link LOST_RACE}). */
export async function landed(write: Promise<unknown>, statuses: readonly number[] = LOST_RACE): Promise<boolean> {
  return (await ignoreStatus(write.then(() => true), statuses)) === true;
}

/** Awaits a conditional write that answers with an ETag: the new ETag when it landed ('' when the service gave none), undefined when it lost the race. */
export async function landedWithETag(write: Promise<{ etag?: string }>, statuses: readonly number[] = LOST_RACE): Promise<string | undefined> {
  return ignoreStatus(
    write.then((response) => response.etag ?? ''),
    statuses,
  );
}
