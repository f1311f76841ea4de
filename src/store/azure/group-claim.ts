import { randomUUID } from 'node:crypto';
import type { ReceivedMessageItem } from '@azure/storage-queue';
import type { LeasedRow, LeasedRowTable, SentMessage, StoredRow } from './queue-lease-types';
import { messageNeed } from './message-need';

/** How many more rows one claim may still lease, shared by the messages of a receive handled side by side. */
export interface Room {
  left: number;
}

/** What claiming a group message needs of its queue (`QueueLeases`). */
export interface GroupClaimQueue<R extends LeasedRow, M> {
  table: LeasedRowTable<R, M>;
  /** The part's row, read again after short pauses while a young message's write has not landed. */
  landedRow(part: M): Promise<StoredRow<R> | undefined>;
  send(message: M, visibleInMs: number): Promise<SentMessage>;
  discard(message: SentMessage | undefined): Promise<void>;
  /** Remembers the group message as the lease of the rows leased under it. */
  share(message: SentMessage, leased: ReadonlyArray<{ row: R; etag: string }>, restAnnounced: Promise<boolean>): void;
}

/** One group message received by a claim, and the claim's terms. */
export interface GroupClaim<R, M> {
  item: ReceivedMessageItem;
  parts: M[];
  clock: () => number;
  lease: (row: R, token: string) => R;
  room: Room;
  orphanAfterMs: number;
  inFlightRecheckMs: number;
}

/**
 * A group message: leases as many of its claimable rows as the room allows under the message
 * itself, and announces the rest that still depend on it (claimable rows without room, rows due
 * later, rows whose write has not landed, rows an earlier receive of it still holds) in one new
 * message, sent before this one can be deleted. Rows settled, or covered by a message of their
 * own, need nothing. The message is deleted at once when no row was leased.
 */
export async function claimGroup<R extends LeasedRow, M>(queue: GroupClaimQueue<R, M>, claim: GroupClaim<R, M>): Promise<R[]> {
  const { item, parts, clock, lease, room } = claim;
  const received: SentMessage = { messageId: item.messageId, popReceipt: item.popReceipt };
  const orphaned = Date.now() - item.insertedOn.getTime() > claim.orphanAfterMs;
  // Rows to announce again, each with when it needs to be looked at (ms from now).
  const rest: Array<{ part: M; inMs: number }> = [];
  const leased: Array<{ row: R; etag: string }> = [];
  // Its calls are read only as far as the room goes (a big group and a small claim): the ones never read are announced again unread.
  let read = 0;
  while (read < parts.length && room.left > 0) {
    const chunk = parts.slice(read, read + room.left);
    read += chunk.length;
    // The room is held while the chunk is read, so that another message of the same receive, read side
    // by side, does not read rows only this one can take; what this chunk does not take is given back.
    room.left -= chunk.length;
    const rows = await Promise.all(chunk.map((part) => queue.landedRow(part)));
    const terms = { messageId: received.messageId, now: clock(), orphaned, inFlightRecheckMs: claim.inFlightRecheckMs };
    const candidates: Array<{ part: M; stored: StoredRow<R> }> = [];
    for (const [index, stored] of rows.entries()) {
      const part = chunk[index]!;
      const need = messageNeed(queue.table, part, stored, terms);
      if (need.kind === 'claim') candidates.push({ part, stored: need.stored });
      else if (need.kind === 'later') rest.push({ part, inMs: need.inMs });
    }
    room.left += chunk.length - candidates.length;
    await Promise.all(
      candidates.map(async ({ part, stored: { row, etag } }) => {
        const next: R = { ...lease(row, randomUUID()), leaseMessageId: received.messageId, leasePopReceipt: received.popReceipt };
        const written = await queue.table.replace(next, etag);
        // A row changed since it was read (a notification, another claimer) is announced again: it is looked at once more.
        if (written === undefined) rest.push({ part, inMs: 0 });
        else leased.push({ row: next, etag: written });
      }),
    );
  }
  for (const part of parts.slice(read)) rest.push({ part, inMs: 0 });
  const announce = () => queue.send(queue.table.join!(rest.map((entry) => entry.part)), Math.max(0, Math.min(...rest.map((entry) => entry.inMs))));
  if (leased.length === 0) {
    if (rest.length > 0) await announce();
    await queue.discard(received);
    return [];
  }
  // The rows leased are handed out at once; the message for the others goes out meanwhile (this one stays until it has).
  queue.share(
    received,
    leased,
    rest.length === 0
      ? Promise.resolve(true)
      : announce().then(
          () => true,
          () => false,
        ),
  );
  return leased.map((entry) => entry.row);
}
