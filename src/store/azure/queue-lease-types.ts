import type { Leasable } from '../lease-rules';
import type { RecordFields } from '../record-fields';

/** Which queue message delivered a row's current lease, to delete it or show it again when the lease ends. */
export interface QueueLease {
  leaseMessageId: string | null;
  leasePopReceipt: string | null;
}

/** The fields of {@link QueueLease}, added to a row's own. */
export const QUEUE_LEASE_FIELDS: RecordFields<QueueLease> = { leaseMessageId: 'text?', leasePopReceipt: 'text?' };

/** A queue-delivered row (inbox work items and alert jobs): the shared lease fields plus its message. */
export type LeasedRow = Leasable & QueueLease;

/** A row as read, with the ETag that guards the next write. */
export interface StoredRow<R> {
  row: R;
  etag: string;
}

/** A queue message as sent, to take it back when the write it announces did not happen. */
export interface SentMessage {
  messageId: string;
  popReceipt: string;
}

/** How one kind of row is read, written and announced. */
export interface LeasedRowTable<R extends LeasedRow, M> {
  /** The message body, or undefined when it is not one of ours (it goes to the poison queue). */
  parseMessage(body: unknown): M | undefined;
  read(message: M): Promise<StoredRow<R> | undefined>;
  /**
   * Whether the row already includes the write the message announced. Messages are sent before
   * that write, or with it (new rows), so a message whose row is missing or older is "in flight" (or orphaned by a crash).
   */
  reflects(row: R, message: M): boolean;
  /** Replaces the row if its ETag still matches: the new ETag, or undefined when another writer got there first. */
  replace(row: R, etag: string): Promise<string | undefined>;
  /**
   * For a table whose messages can announce several rows at once (a group message): the one-row
   * messages a message stands for, in order. Absent: every message announces one row.
   */
  parts?(message: M): M[];
  /** One message standing for these one-row messages: needed when {@link parts} is given. */
  join?(parts: readonly M[]): M;
  /**
   * `row` with one more message announced, and that one-row message: needed when {@link parts} is
   * given (a settle under a group lease sends a row due again its own message before writing it).
   * The message must announce a write the stored row does not reflect yet, so that a claim meeting
   * it before the write lands treats it as in flight.
   */
  announceAgain?(row: R): { row: R; message: M };
}

/**
 * What the poison queue holds for a message a claim set aside (base64 JSON, as every message):
 * written by `QueueLeases`, read and replayed by `poison-queue.ts`. `text` is the message as it
 * was, cut at 32,000 characters.
 */
export interface PoisonRecord {
  reason: string;
  queue: string;
  messageId: string;
  dequeueCount: number;
  text: string;
}

/** The longest a queue message can be hidden (7 days). */
const MAX_VISIBILITY_SECONDS = 7 * 24 * 3600;

export function describe(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

/** Whole seconds of visibility covering `ms` (never early), within what the service accepts. */
export function visibilitySeconds(ms: number): number {
  return Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, Math.ceil(ms / 1000)));
}

/** Messages are base64 JSON: queue message text must be XML-safe, and ids are not ours to trust. */
export function encodeMessage(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64');
}

export function decodeMessage(text: string): unknown {
  try {
    return JSON.parse(Buffer.from(text, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
}
