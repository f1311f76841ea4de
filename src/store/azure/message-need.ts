import { isClaimable } from '../lease-rules';
import type { LeasedRow, LeasedRowTable, StoredRow } from './queue-lease-types';

/** What a received message is still needed for, as far as one row it announces goes. */
export type MessageNeed<R> =
  /** The row is claimable: lease it under this message. */
  | { kind: 'claim'; stored: StoredRow<R> }
  /** The row will need a message again in `inMs` (hide this one that long, or announce the row again). */
  | { kind: 'later'; inMs: number }
  /** Nothing: the row is settled, covered by another message, or was never written. */
  | { kind: 'none' };

/** When a claim looks at a message, and how. */
export interface MessageTerms {
  /** The id of the message received. */
  messageId: string;
  now: number;
  /** The message is older than a writer takes to write what it announces: a missing write never comes. */
  orphaned: boolean;
  /** How soon to look again at a message whose write is in flight. */
  inFlightRecheckMs: number;
}

/**
 * The one rule a claim applies to a message and the row it announces, whether the message stands
 * for that row alone or for a group:
 * - the row does not reflect the message (the write it announces is in flight): look again after
 *   `inFlightRecheckMs`, unless the message is orphaned (its writer gone), then nothing;
 * - the row is claimable: claim it;
 * - pending and not yet due: when it is due;
 * - leased under this very message (it came back before the lease ended): when the lease ends;
 * - otherwise (settled, or leased under another message, which covers it): nothing.
 */
export function messageNeed<R extends LeasedRow, M>(table: LeasedRowTable<R, M>, part: M, stored: StoredRow<R> | undefined, terms: MessageTerms): MessageNeed<R> {
  if (!stored || !table.reflects(stored.row, part)) return terms.orphaned ? { kind: 'none' } : { kind: 'later', inMs: terms.inFlightRecheckMs };
  const { row } = stored;
  if (isClaimable(row, terms.now)) return { kind: 'claim', stored };
  if (row.state === 'pending') return { kind: 'later', inMs: row.nextAttemptAt - terms.now };
  if (row.state === 'leased' && row.leaseUntil !== null && row.leaseMessageId === terms.messageId) return { kind: 'later', inMs: row.leaseUntil - terms.now };
  return { kind: 'none' };
}
