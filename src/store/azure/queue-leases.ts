import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ReceivedMessageItem, QueueClient } from '@azure/storage-queue';
import { holdsLease } from '../lease-rules';
import { contention } from './azure-store-error';
import { decodeMessage, describe, encodeMessage, visibilitySeconds, type LeasedRow, type LeasedRowTable, type PoisonRecord, type SentMessage, type StoredRow } from './queue-lease-types';
import { claimGroup, type Room } from './group-claim';
import { messageNeed } from './message-need';
import { SharedLeases } from './shared-leases';

export { QUEUE_LEASE_FIELDS, visibilitySeconds, type LeasedRow, type LeasedRowTable, type QueueLease, type SentMessage, type StoredRow } from './queue-lease-types';

/** A message whose row never appeared is dropped after this long (its writer crashed or lost a race). */
const ORPHAN_AFTER_MS = 60_000;
/** How soon an in-flight message is looked at again once the claim stops waiting for its row. */
const IN_FLIGHT_RECHECK_SECONDS = 1;
/**
 * A message this young whose row has not landed is most likely a write a round trip or two from
 * landing (the writer sends the message first, or with a new row's create): the claim reads the row again after each of these
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

/**
 * Queue-delivered, table-guarded leases: the storage queue delivers work (a message's visibility
 * timeout is the lease, so a crashed holder's message comes back by itself), and the table row
 * decides (an ETag-conditional write makes exactly one claimer the holder).
 *
 * Invariant: every pending row has a message that becomes visible no later than (about) its due
 * time, and every leased row's message (`leaseMessageId`) becomes visible when the lease runs out.
 * Messages are sent before the row write they announce, or beside a new row's create (one that lands
 * while its message fails is announced again once overdue, `azure-inbox.ts`); duplicates and stale
 * messages are harmless, because a message only ever leads to a conditional write after reading the row.
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
  /** Group messages this instance leased several rows under (see {@link SharedLeases}). */
  private readonly shared = new SharedLeases();
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
      const rows = messages.map((message) => this.rowsIn(message));
      this.learnRowsPerMessage(rows);
      // One-row messages are started first and take their room at once; a group then holds what is left while it
      // reads its calls (claimGroup). Started after a group, a one-row message (a retry, a revived call) could find no
      // room and be shown again behind it, receive after receive.
      const claims: Array<Promise<R[]>> = [];
      for (const index of rows.map((_, at) => at).sort((a, b) => rows[a]! - rows[b]!)) claims[index] = this.claimMessage(items[index]!, messages[index], clock, lease, room);
      const outcomes = await Promise.allSettled(claims);
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

  /** How many rows a received message announces (one for a message that is not ours: it goes to the poison queue). */
  private rowsIn(message: M | undefined): number {
    return message === undefined ? 1 : (this.table.parts?.(message).length ?? 1);
  }

  private learnRowsPerMessage(rows: readonly number[]): void {
    const total = rows.reduce((sum, count) => sum + count, 0);
    this.rowsPerMessage = Math.max(1, (this.rowsPerMessage + total / rows.length) / 2);
  }

  /**
   * Ends a lease: when the row is still leased with `token`, writes `next(row)` (a shared rule),
   * then deletes the lease's message when the row is settled, or shows it again when the row is
   * due (pending at its `nextAttemptAt`). False when the lease was lost.
   */
  async settle(read: () => Promise<StoredRow<R> | undefined>, token: string | null, operation: string, now: number, next: (row: R) => R): Promise<boolean> {
    let known = token === null ? undefined : this.held.get(token);
    if (token !== null) this.held.delete(token);
    const group = token === null ? undefined : this.shared.groupOf(token);
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
          // The lease's message is shared with other rows: a row due again gets a message of its own,
          // sent before its write and announcing that write, so a claim that meets it first waits for
          // the write as for any message in flight (rather than reading the row still leased).
          const again = settled.state === 'pending' ? this.table.announceAgain!(settled) : { row: settled, message: undefined };
          const own = again.message === undefined ? undefined : await this.send(again.message, settled.nextAttemptAt - now);
          if ((await this.table.replace(again.row, stored.etag)) !== undefined) {
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

  /** Drops `token` from its group lease, deleting the group message once it was the last (see {@link SharedLeases.release}). */
  private async release(token: string, messageId: string, decided: boolean): Promise<void> {
    const done = this.shared.release(token, messageId, decided);
    if (done && (await done.restAnnounced)) await this.discard(done.message);
  }

  private async claimMessage(item: ReceivedMessageItem, message: M | undefined, clock: () => number, lease: (row: R, token: string) => R, room: Room): Promise<R[]> {
    if (message === undefined) {
      await this.poison(item, 'The message is not a work message of this store.');
      return [];
    }
    const received: SentMessage = { messageId: item.messageId, popReceipt: item.popReceipt };
    const parts = this.table.parts?.(message) ?? [message];
    if (parts.length > 1) return this.claimGroupMessage(item, parts, clock, lease, room);
    if (room.left <= 0) {
      // Not reached as claim() stands (a receive asks for no more messages than the room, and one-row
      // messages are started, and take theirs, before any group); kept so that a claim never exceeds its limit.
      await this.hide(received, 0);
      return [];
    }
    room.left -= 1;
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt += 1) {
      const stored = await this.landedRow(parts[0]!, item);
      const orphaned = Date.now() - item.insertedOn.getTime() > ORPHAN_AFTER_MS;
      const need = messageNeed(this.table, parts[0]!, stored, { messageId: received.messageId, now: clock(), orphaned, inFlightRecheckMs: IN_FLIGHT_RECHECK_SECONDS * 1000 });
      if (need.kind !== 'claim') {
        // Its place in the room is given back, as a group gives back what it does not take.
        room.left += 1;
        await (need.kind === 'later' ? this.hide(received, need.inMs) : this.discard(received));
        return [];
      }
      const { row, etag } = need.stored;
      const leased: R = { ...lease(row, randomUUID()), leaseMessageId: received.messageId, leasePopReceipt: received.popReceipt };
      const written = await this.table.replace(leased, etag);
      if (written !== undefined) {
        this.hold(leased, written);
        return [leased];
      }
    }
    // Lost every race: the message comes back when its visibility timeout ends.
    room.left += 1;
    return [];
  }

  /** A group message: see {@link claimGroup}. */
  private claimGroupMessage(item: ReceivedMessageItem, parts: M[], clock: () => number, lease: (row: R, token: string) => R, room: Room): Promise<R[]> {
    return claimGroup(
      {
        table: this.table,
        landedRow: (part) => this.landedRow(part, item),
        send: (message, visibleInMs) => this.send(message, visibleInMs),
        discard: (message) => this.discard(message),
        share: (message, leased, restAnnounced) => this.share(message, leased, restAnnounced),
      },
      { item, parts, clock, lease, room, orphanAfterMs: ORPHAN_AFTER_MS, inFlightRecheckMs: IN_FLIGHT_RECHECK_SECONDS * 1000 },
    );
  }

  /** Remembers a group message as the lease of the rows leased under it. */
  private share(message: SentMessage, leased: ReadonlyArray<{ row: R; etag: string }>, restAnnounced: Promise<boolean>): void {
    for (const { row, etag } of leased) this.hold(row, etag);
    this.shared.share(message, leased.map(({ row }) => row.leaseToken!), restAnnounced, MAX_HELD);
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

  private async hide(message: SentMessage, visibleInMs: number): Promise<void> {
    await this.queue.updateMessage(message.messageId, message.popReceipt, undefined, visibilitySeconds(visibleInMs)).catch(() => undefined);
  }

  private async poison(item: ReceivedMessageItem, reason: string): Promise<void> {
    await this.poisonQueue.sendMessage(
      encodeMessage({ reason, queue: this.queue.name, messageId: item.messageId, dequeueCount: item.dequeueCount, text: item.messageText.slice(0, 32_000) } satisfies PoisonRecord),
      { messageTimeToLive: -1 },
    );
    await this.discard({ messageId: item.messageId, popReceipt: item.popReceipt });
  }
}
