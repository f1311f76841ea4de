import assert from 'node:assert/strict';
import type { ReceivedMessageItem } from '@azure/storage-queue';
import { claimGroup, type GroupClaimQueue, type Room } from '../../../src/store/azure/group-claim';
import type { LeasedRow, LeasedRowTable, SentMessage, StoredRow } from '../../../src/store/azure/queue-lease-types';

/** A row with the version its message announced; a message reflects rows at or past its version. */
type Row = LeasedRow & { id: string; version: number };
/** One call's message (`ids` of one), or a group message standing for several. */
type Message = { ids: string[]; version: number };

const NOW = 1_000_000;

/** Rows in memory behind the queue interface `claimGroup` is given (the storage requests themselves are `QueueLeases`'s). */
function queueOver(rows: Map<string, Row>) {
  const reads: string[] = [];
  const sent: Message[] = [];
  const discarded: Array<SentMessage | undefined> = [];
  let etags = 0;
  const etagOf = new Map<string, string>([...rows.keys()].map((id) => [id, `W/"${(etags += 1)}"`]));
  const table: LeasedRowTable<Row, Message> = {
    parseMessage: (body) => body as Message,
    read: async (message) => {
      const row = rows.get(message.ids[0]!);
      return row && { row, etag: etagOf.get(row.id)! };
    },
    reflects: (row, message) => row.version >= message.version,
    replace: async (row, etag) => {
      if (etagOf.get(row.id) !== etag) return undefined;
      rows.set(row.id, row);
      const next = `W/"${(etags += 1)}"`;
      etagOf.set(row.id, next);
      return next;
    },
    join: (parts) => ({ ids: parts.flatMap((part) => part.ids), version: 1 }),
  };
  const queue: GroupClaimQueue<Row, Message> = {
    table,
    landedRow: async (part): Promise<StoredRow<Row> | undefined> => {
      reads.push(part.ids[0]!);
      return table.read(part);
    },
    send: async (message) => {
      sent.push(message);
      return { messageId: `sent-${sent.length}`, popReceipt: 'p' };
    },
    discard: async (message) => {
      discarded.push(message);
    },
    share: () => undefined,
  };
  return { queue, reads, sent, discarded };
}

function pending(id: string, fields: Partial<Row> = {}): Row {
  return { id, version: 1, state: 'pending', attempts: 0, nextAttemptAt: NOW, leaseToken: null, leaseUntil: null, leaseMessageId: null, leasePopReceipt: null, ...fields };
}

function groupClaim(messageId: string, ids: string[], room: Room) {
  const item = { messageId, popReceipt: `pop-${messageId}`, insertedOn: new Date(NOW - 60_000), dequeueCount: 1, messageText: '' } as unknown as ReceivedMessageItem;
  return {
    item,
    parts: ids.map((id) => ({ ids: [id], version: 1 })),
    clock: () => NOW,
    lease: (row: Row, token: string): Row => ({ ...row, state: 'leased', leaseToken: token, leaseUntil: NOW + 60_000 }),
    room,
    orphanAfterMs: 10 * 60_000,
    inFlightRecheckMs: 5_000,
  };
}

describe('claimGroup: leasing the calls of a group message within the room of a claim', () => {
  it('with two group messages received together, reads only the rows the room lets it take: the other message\'s calls are announced again unread', async () => {
    const rows = new Map(['a1', 'a2', 'b1', 'b2'].map((id) => [id, pending(id)]));
    const { queue, reads, sent, discarded } = queueOver(rows);
    const room: Room = { left: 2 };
    const [first, second] = await Promise.all([claimGroup(queue, groupClaim('A', ['a1', 'a2'], room)), claimGroup(queue, groupClaim('B', ['b1', 'b2'], room))]);
    assert.deepEqual(first.map((row) => row.id), ['a1', 'a2']);
    assert.deepEqual(second, []);
    // Before the room was held while a chunk was read, B read b1 and b2 too (4 reads), only to announce them again.
    assert.deepEqual(reads, ['a1', 'a2']);
    assert.deepEqual(sent, [{ ids: ['b1', 'b2'], version: 1 }], 'B\'s calls announced again, in one message');
    assert.deepEqual(discarded, [{ messageId: 'B', popReceipt: 'pop-B' }], 'B itself deleted once its calls are announced');
    assert.equal(room.left, 0);
    assert.equal(rows.get('b1')!.state, 'pending');
  });

  it('gives back the room a chunk did not take, for the next message of the receive', async () => {
    const rows = new Map([
      ['a1', pending('a1', { nextAttemptAt: NOW + 30_000 })],
      ['a2', pending('a2')],
      ['b1', pending('b1')],
    ]);
    const { queue, reads, sent } = queueOver(rows);
    const room: Room = { left: 2 };
    const first = await claimGroup(queue, groupClaim('A', ['a1', 'a2'], room));
    assert.deepEqual(first.map((row) => row.id), ['a2']);
    assert.equal(room.left, 1, 'a1 is due later: its place in the room is given back');
    assert.deepEqual(sent, [{ ids: ['a1'], version: 1 }], 'a1 announced again for when it falls due');
    const second = await claimGroup(queue, groupClaim('B', ['b1'], room));
    assert.deepEqual(second.map((row) => row.id), ['b1']);
    assert.deepEqual(reads, ['a1', 'a2', 'b1']);
    assert.equal(room.left, 0);
  });
});
