import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ReceivedMessageItem, QueueClient } from '@azure/storage-queue';
import { holdsLease, isClaimable, type Leasable } from '../lease-rules';
import type { RecordFields } from '../record-fields';
import { contention } from './azure-store-error';

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
   * that write, so a message whose row is missing or older is "in flight" (or orphaned by a crash).
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
  /** The one-row message announcing `row` as it is: needed when {@link parts} is given. */
  messageOf?(row: R): M;
}

/** The longest a queue message can be hidden (7 days). */
const MAX_VISIBILITY_SECONDS = 7 * 24 * 3600;
/** A message whose row never appeared is dropped after this long (its writer crashed or lost a race). */
const ORPHAN_AFTER_MS = 60_000;
/** How soon an in-flight message is looked at again once the claim stops waiting for its row. */
const IN_FLIGHT_RECHECK_SECONDS = 1;
/**
 * A message this young whose row has not landed is most likely a write a round trip or two from
 * landing (the writer sends the message first): the claim reads the row again after each of these
 * pauses before hiding the message for {@link IN_FLIGHT_RECHECK_SECONDS}. Visibility is whole
 * seconds and a hidden message then waits for some instance's next round, so hiding at once can
 * cost such a job one to two seconds (how often a receive meets a write in flight was not measured).
 */
const IN_FLIGHT_WAITS_MS = [20, 40, 80, 160];
/** Messages older than this are not waited for (their writer is slow or gone): hidden at once. */
const IN_FLIGHT_YOUNG_MS = 10_000;
/** Queue receive returns at most 32 messages. */
const MAX_RECEIVE = 32;
/** Receive rounds per claim, when messages turn out not claimable. */
const MAX_RECEIVE_ROUNDS = 4;
/** A message whose claim failed this many times goes to the poison queue. */
const POISON_AFTER_DEQUEUES = 20;
/** ETag retries before a write is reported as contention. */
const MAX_WRITE_ATTEMPTS = 8;
/** Leases remembered for settling without a read; past this many (holders that never settled) the oldest are forgotten. */
const MAX_HELD = 4_096;

/** A group message this instance holds as the lease of several rows: deleted when the last of them is settled. */
interface SharedLease {
  message: SentMessage;
  tokens: Set<string>;
  /**
   * Whether the message announcing the group's other rows (the ones the claim left) was sent: it
   * goes out while the leased rows are worked on, and until it is out this message stays.
   */
  restAnnounced: Promise<boolean>;
}

/** How many more rows one claim may still lease, shared by the messages of a receive handled side by side. */
interface Room {
  left: number;
}

/**
 * Queue-delivered, table-guarded leases: the storage queue delivers work (a message's visibility
 * timeout is the lease, so a crashed holder's message comes back by itself), and the table row
 * decides (an ETag-conditional write makes exactly one claimer the holder).
 *
 * Invariant: every pending row has a message that becomes visible no later than (about) its due
 * time, and every leased row's message (`leaseMessageId`) becomes visible when the lease runs out.
 * Messages are sent before the row write they announce; duplicates and stale messages are
 * harmless, because a message only ever leads to a conditional write after reading the row.
 *
 * A table may announce several rows with one message (a group message, `parts`): it is then the
 * lease of every row a claim takes from it, and the rows the claim leaves are announced again in
 * one message before it can go (see `claimGroup` and `docs/architecture.md`, "Group messages").
 *
 * Real time: queue visibility runs on the service's clock, so a message is delivered when the
 * service thinks it is due. Whether it is claimed is decided with the `now` passed in (row's
 * `nextAttemptAt` and `leaseUntil`); a message that arrives early is hidden again for the
 * remaining time. Dropping orphaned messages uses the message's age by the real clock.
 */
export class QueueLeases<R extends LeasedRow, M> {
  /**
   * The rows this instance leased, as written, with their ETags, by lease token: settling tries
   * that ETag first instead of reading the row again (a round trip per item). A row changed
   * meanwhile (a notification during the lease) fails the ETag and is read as before.
   */
  private readonly held = new Map<string, StoredRow<R>>();
  /**
   * Group messages this instance leased several rows under (by message id), and the message each
   * such lease token belongs to. A group message is one lease for all its rows: the rows a claim
   * takes share its visibility timeout, and it is deleted once the last of them is settled.
   */
  private readonly shared = new Map<string, SharedLease>();
  private readonly sharedBy = new Map<string, string>();
  /**
   * Rows per message in recent receives (a moving average): a claim asks for as many messages as
   * should fill its room, so that group messages do not bring more than it can take (each one
   * beyond would be shown again, a request).
   */
  private rowsPerMessage = 1;

  constructor(
    private readonly queue: QueueClient,
    private readonly poisonQueue: QueueClient,
    private readonly table: LeasedRowTable<R, M>,
  ) {}

  /** Announces a row write; send it before the write. */
  async send(message: M, visibleInMs = 0): Promise<SentMessage> {
    const sent = await this.queue.sendMessage(encodeMessage(message), {
      visibilityTimeout: visibilitySeconds(visibleInMs),
      // Never expire: a work item may wait longer than the default 7 days for its next attempt.
      messageTimeToLive: -1,
    });
    return { messageId: sent.messageId, popReceipt: sent.popReceipt };
  }

  /** Takes a message back (best effort: a stale message is dropped when it is next received anyway). */
  async discard(message: SentMessage | undefined): Promise<void> {
    if (!message) return;
    await this.queue.deleteMessage(message.messageId, message.popReceipt).catch(() => undefined);
  }

  /** Leases up to `limit` claimable rows, `lease` (a shared rule) making the leased row. */
  async claim(now: number, limit: number, leaseMs: number, lease: (row: R, token: string) => R): Promise<R[]> {
    const claimed: R[] = [];
    const room: Room = { left: limit };
    const leaseSeconds = Math.max(1, visibilitySeconds(leaseMs));
    // `now` was read before the receive: a row written while it was on its way, or while the claim
    // waited for it to land (due at its writer's clock, a few round trips later), would look due in
    // the future and its message be hidden for a whole second, the queue's smallest step. A row is
    // therefore judged at `now` plus the time the claim has taken when it is judged.
    const started = Date.now();
    const clock = () => now + Math.max(0, Date.now() - started);
    for (let round = 0; round < MAX_RECEIVE_ROUNDS && room.left > 0; round += 1) {
      const { receivedMessageItems: items } = await this.queue.receiveMessages({
        numberOfMessages: Math.max(1, Math.min(MAX_RECEIVE, Math.ceil(room.left / this.rowsPerMessage))),
        visibilityTimeout: leaseSeconds,
      });
      if (items.length === 0) break;
      const messages = items.map((item) => this.table.parseMessage(decodeMessage(item.messageText)));
      this.learnRowsPerMessage(messages);
      const outcomes = await Promise.allSettled(items.map((item, index) => this.claimMessage(item, messages[index], clock, lease, room)));
      const failures: unknown[] = [];
      for (const [index, outcome] of outcomes.entries()) {
        if (outcome.status === 'fulfilled') {
          claimed.push(...outcome.value);
          continue;
        }
        failures.push(outcome.reason);
        // A failed message comes back when its visibility ends; one that keeps failing must not block the queue forever.
        const item = items[index]!;
        if (item.dequeueCount >= POISON_AFTER_DEQUEUES) {
          await this.poison(item, `Claiming it failed ${item.dequeueCount} times; the last error: ${describe(outcome.reason)}`).catch(() => undefined);
        }
      }
      // Some work is better than an error; no work and an error is an outage the caller must see.
      if (failures.length > 0) {
        if (claimed.length === 0) throw failures[0];
        break;
      }
    }
    return claimed;
  }

  private learnRowsPerMessage(messages: ReadonlyArray<M | undefined>): void {
    let rows = 0;
    for (const message of messages) rows += message === undefined ? 1 : (this.table.parts?.(message).length ?? 1);
    this.rowsPerMessage = Math.max(1, (this.rowsPerMessage + rows / messages.length) / 2);
  }

  /**
   * Ends a lease: when the row is still leased with `token`, writes `next(row)` (a shared rule),
   * then deletes the lease's message when the row is settled, or shows it again when the row is
   * due (pending at its `nextAttemptAt`). False when the lease was lost.
   */
  async settle(read: () => Promise<StoredRow<R> | undefined>, token: string | null, operation: string, now: number, next: (row: R) => R): Promise<boolean> {
    let known = token === null ? undefined : this.held.get(token);
    if (token !== null) this.held.delete(token);
    const group = token === null ? undefined : this.sharedBy.get(token);
    let decided = false;
    try {
      for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt += 1) {
        const stored = known ?? (await read());
        known = undefined;
        if (!stored || !holdsLease(stored.row, token)) {
          decided = true;
          return false;
        }
        const settled: R = { ...next(stored.row), leaseMessageId: null, leasePopReceipt: null };
        const { leaseMessageId: messageId, leasePopReceipt: popReceipt } = stored.row;
        if (group !== undefined && messageId === group) {
          // The lease's message is shared with other rows: a row due again gets a message of its own, sent before its write.
          const own = settled.state === 'pending' ? await this.send(this.table.messageOf!(settled), settled.nextAttemptAt - now) : undefined;
          if ((await this.table.replace(settled, stored.etag)) !== undefined) {
            decided = true;
            return true;
          }
          await this.discard(own);
          continue;
        }
        if ((await this.table.replace(settled, stored.etag)) === undefined) continue;
        if (messageId !== null && popReceipt !== null) {
          if (settled.state === 'pending') await this.hide({ messageId, popReceipt }, settled.nextAttemptAt - now);
          else await this.discard({ messageId, popReceipt });
        }
        return true;
      }
      throw contention(operation, MAX_WRITE_ATTEMPTS);
    } finally {
      // Settled or lost, the row no longer needs its group message (the last one deletes it). A
      // settle that failed keeps it: the message then comes back when the lease ends, for the row.
      if (token !== null && group !== undefined) await this.release(token, group, decided);
    }
  }

  /** Drops `token` from its group lease; once no row this instance leased under it is left, deletes the group message (not after a settle that failed: `decided` false). */
  private async release(token: string, messageId: string, decided: boolean): Promise<void> {
    this.sharedBy.delete(token);
    const lease = this.shared.get(messageId);
    if (!lease || !decided) return;
    lease.tokens.delete(token);
    if (lease.tokens.size > 0) return;
    this.shared.delete(messageId);
    // The rows the claim left keep this message until their own is out (if sending it failed, until this one comes back).
    if (await lease.restAnnounced) await this.discard(lease.message);
  }

  private async claimMessage(item: ReceivedMessageItem, message: M | undefined, clock: () => number, lease: (row: R, token: string) => R, room: Room): Promise<R[]> {
    if (message === undefined) {
      await this.poison(item, 'The message is not a work message of this store.');
      return [];
    }
    const received: SentMessage = { messageId: item.messageId, popReceipt: item.popReceipt };
    const parts = this.table.parts?.(message) ?? [message];
    if (parts.length > 1) return this.claimGroup(item, parts, clock, lease, room);
    if (room.left <= 0) {
      // The rest of this receive's room went to a group message: show this one again at once.
      await this.hide(received, 0);
      return [];
    }
    room.left -= 1;
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt += 1) {
      const stored = await this.landedRow(parts[0]!, item);
      if (!stored || !this.table.reflects(stored.row, parts[0]!)) {
        // The write this message announces has not landed: wait for it, unless its writer is long gone.
        if (Date.now() - item.insertedOn.getTime() > ORPHAN_AFTER_MS) await this.discard(received);
        else await this.hide(received, IN_FLIGHT_RECHECK_SECONDS * 1000);
        return [];
      }
      const { row, etag } = stored;
      const now = clock();
      if (!isClaimable(row, now)) {
        await this.setAside(received, row, now);
        return [];
      }
      const leased: R = { ...lease(row, randomUUID()), leaseMessageId: received.messageId, leasePopReceipt: received.popReceipt };
      const written = await this.table.replace(leased, etag);
      if (written !== undefined) {
        this.hold(leased, written);
        return [leased];
      }
    }
    // Lost every race: the message comes back when its visibility timeout ends.
    return [];
  }

  /**
   * A group message: leases as many of its claimable rows as the room allows under the message
   * itself, and announces the rest that still depend on it (claimable rows without room, rows due
   * later, rows whose write has not landed, rows an earlier receive of it still holds) in one new
   * message, sent before this one can be deleted. Rows settled, or covered by a message of their
   * own, need nothing. The message is deleted at once when no row was leased.
   */
  private async claimGroup(item: ReceivedMessageItem, parts: M[], clock: () => number, lease: (row: R, token: string) => R, room: Room): Promise<R[]> {
    const received: SentMessage = { messageId: item.messageId, popReceipt: item.popReceipt };
    if (room.left <= 0) {
      // The room of this receive went to other messages: show this one again at once.
      await this.hide(received, 0);
      return [];
    }
    const orphaned = Date.now() - item.insertedOn.getTime() > ORPHAN_AFTER_MS;
    // Rows to announce again, each with when it needs to be looked at (ms from now).
    const rest: Array<{ part: M; inMs: number }> = [];
    const leased: Array<{ row: R; etag: string }> = [];
    // Its calls are read only as far as the room goes (a big group and a small claim): the ones never read are announced again unread.
    let read = 0;
    while (read < parts.length && room.left > 0) {
      const chunk = parts.slice(read, read + room.left);
      read += chunk.length;
      const rows = await Promise.all(chunk.map((part) => this.landedRow(part, item)));
      const now = clock();
      const candidates: Array<{ part: M; stored: StoredRow<R> }> = [];
      for (const [index, stored] of rows.entries()) {
        const part = chunk[index]!;
        if (!stored || !this.table.reflects(stored.row, part)) {
          // Its write is still on its way (the message goes first); a writer gone this long never wrote it.
          if (!orphaned) rest.push({ part, inMs: IN_FLIGHT_RECHECK_SECONDS * 1000 });
          continue;
        }
        const { row } = stored;
        if (isClaimable(row, now)) candidates.push({ part, stored });
        else if (row.state === 'pending') rest.push({ part, inMs: row.nextAttemptAt - now });
        else if (row.state === 'leased' && row.leaseUntil !== null && row.leaseMessageId === received.messageId) rest.push({ part, inMs: row.leaseUntil - now });
        // Otherwise settled, or leased under a message of its own: this message is not needed for it.
      }
      const taken = candidates.slice(0, Math.max(0, room.left));
      room.left -= taken.length;
      for (const { part } of candidates.slice(taken.length)) rest.push({ part, inMs: 0 });
      await Promise.all(
        taken.map(async ({ part, stored: { row, etag } }) => {
          const next: R = { ...lease(row, randomUUID()), leaseMessageId: received.messageId, leasePopReceipt: received.popReceipt };
          const written = await this.table.replace(next, etag);
          // A row changed since it was read (a notification, another claimer) is announced again: it is looked at once more.
          if (written === undefined) rest.push({ part, inMs: 0 });
          else leased.push({ row: next, etag: written });
        }),
      );
    }
    for (const part of parts.slice(read)) rest.push({ part, inMs: 0 });
    const announce = () => this.send(this.table.join!(rest.map((entry) => entry.part)), Math.max(0, Math.min(...rest.map((entry) => entry.inMs))));
    if (leased.length === 0) {
      if (rest.length > 0) await announce();
      await this.discard(received);
      return [];
    }
    // The rows leased are handed out at once; the message for the others goes out meanwhile (this one stays until it has).
    this.share(
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

  /** Remembers a group message as the lease of the rows leased under it. */
  private share(message: SentMessage, leased: ReadonlyArray<{ row: R; etag: string }>, restAnnounced: Promise<boolean>): void {
    const tokens = new Set<string>();
    for (const { row, etag } of leased) {
      this.hold(row, etag);
      tokens.add(row.leaseToken!);
      this.sharedBy.set(row.leaseToken!, message.messageId);
    }
    // The same message received again (its lease ran out first) now carries a new pop receipt.
    const earlier = this.shared.get(message.messageId);
    if (earlier) for (const token of earlier.tokens) tokens.add(token);
    const announced = earlier ? Promise.all([earlier.restAnnounced, restAnnounced]).then((both) => both.every(Boolean)) : restAnnounced;
    this.shared.set(message.messageId, { message, tokens, restAnnounced: announced });
    // Holders that never settle must not grow these maps without end: the oldest are forgotten (their message comes back when the lease ends, and finds its rows settled or claimable).
    while (this.shared.size > MAX_HELD) {
      const [oldest, lease] = this.shared.entries().next().value!;
      this.shared.delete(oldest);
      for (const token of lease.tokens) this.sharedBy.delete(token);
    }
  }

  /**
   * The message's row, read again after short pauses while it does not yet reflect a young
   * message (its write is in flight: the message is still hidden by the receive meanwhile).
   */
  private async landedRow(message: M, item: ReceivedMessageItem): Promise<StoredRow<R> | undefined> {
    let stored = await this.table.read(message);
    if (Date.now() - item.insertedOn.getTime() > IN_FLIGHT_YOUNG_MS) return stored;
    for (const pause of IN_FLIGHT_WAITS_MS) {
      if (stored && this.table.reflects(stored.row, message)) break;
      await sleep(pause);
      stored = await this.table.read(message);
    }
    return stored;
  }

  private hold(row: R, etag: string): void {
    if (row.leaseToken === null || etag === '') return;
    if (this.held.size >= MAX_HELD) this.held.delete(this.held.keys().next().value!);
    this.held.set(row.leaseToken, { row, etag });
  }

  /** A message whose row is not claimable: hidden until the row can be, or dropped when another message covers it. */
  private async setAside(received: SentMessage, row: R, now: number): Promise<void> {
    if (row.state === 'pending') return this.hide(received, row.nextAttemptAt - now);
    // The holder's own message came back early (service clock ahead of `now`): hide it for the rest
    // of the lease. Any other message for a leased row is a duplicate (the holder's message covers
    // it), and one for a settled row is stale.
    if (row.state === 'leased' && row.leaseUntil !== null && received.messageId === row.leaseMessageId) return this.hide(received, row.leaseUntil - now);
    return this.discard(received);
  }

  private async hide(message: SentMessage, visibleInMs: number): Promise<void> {
    await this.queue.updateMessage(message.messageId, message.popReceipt, undefined, visibilitySeconds(visibleInMs)).catch(() => undefined);
  }

  private async poison(item: ReceivedMessageItem, reason: string): Promise<void> {
    await this.poisonQueue.sendMessage(
      encodeMessage({ reason, queue: this.queue.name, messageId: item.messageId, dequeueCount: item.dequeueCount, text: item.messageText.slice(0, 32_000) }),
      { messageTimeToLive: -1 },
    );
    await this.discard({ messageId: item.messageId, popReceipt: item.popReceipt });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

/** Whole seconds of visibility covering `ms` (never early), within what the service accepts. */
export function visibilitySeconds(ms: number): number {
  return Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, Math.ceil(ms / 1000)));
}

/** Messages are base64 JSON: queue message text must be XML-safe, and ids are not ours to trust. */
function encodeMessage(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64');
}

function decodeMessage(text: string): unknown {
  try {
    return JSON.parse(Buffer.from(text, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
}
