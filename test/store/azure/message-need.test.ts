import assert from 'node:assert/strict';
import { messageNeed, type MessageTerms } from '../../../src/store/azure/message-need';
import type { LeasedRow, LeasedRowTable, StoredRow } from '../../../src/store/azure/queue-lease-types';

/** A row with the version its message announced; a message reflects rows at or past its version. */
type Row = LeasedRow & { version: number };
type Message = { version: number };

const table: LeasedRowTable<Row, Message> = {
  parseMessage: (body) => body as Message,
  read: async () => undefined,
  reflects: (row, message) => row.version >= message.version,
  replace: async () => undefined,
};

const NOW = 1_000_000;
/** A message not yet an orphan. */
const terms: MessageTerms = { messageId: 'm1', now: NOW, orphaned: false, inFlightRecheckMs: 5_000 };

function stored(fields: Partial<Row>): StoredRow<Row> {
  const row: Row = { state: 'pending', attempts: 0, nextAttemptAt: NOW, leaseToken: null, leaseUntil: null, leaseMessageId: null, leasePopReceipt: null, version: 1, ...fields };
  return { row, etag: 'W/"1"' };
}

describe('messageNeed: what a received message is still needed for', () => {
  it('claims a due pending row, and a leased row whose lease ran out', () => {
    const due = stored({});
    assert.deepEqual(messageNeed(table, { version: 1 }, due, terms), { kind: 'claim', stored: due });
    const expired = stored({ state: 'leased', leaseToken: 't', leaseUntil: NOW - 1, leaseMessageId: 'other' });
    assert.deepEqual(messageNeed(table, { version: 1 }, expired, terms), { kind: 'claim', stored: expired });
  });

  it('looks again after the recheck while the write it announces is in flight, and drops an orphan', () => {
    assert.deepEqual(messageNeed(table, { version: 1 }, undefined, terms), { kind: 'later', inMs: 5_000 }, 'no row yet');
    assert.deepEqual(messageNeed(table, { version: 2 }, stored({ version: 1 }), terms), { kind: 'later', inMs: 5_000 }, 'an older row');
    assert.deepEqual(messageNeed(table, { version: 1 }, undefined, { ...terms, orphaned: true }), { kind: 'none' });
    assert.deepEqual(messageNeed(table, { version: 2 }, stored({ version: 1 }), { ...terms, orphaned: true }), { kind: 'none' });
  });

  it('is needed again when a pending row falls due, or when its own lease ends', () => {
    assert.deepEqual(messageNeed(table, { version: 1 }, stored({ nextAttemptAt: NOW + 30_000 }), terms), { kind: 'later', inMs: 30_000 });
    const own = stored({ state: 'leased', leaseToken: 't', leaseUntil: NOW + 60_000, leaseMessageId: 'm1' });
    assert.deepEqual(messageNeed(table, { version: 1 }, own, terms), { kind: 'later', inMs: 60_000 });
  });

  it("looks again after the recheck at a settle's message that meets its row still leased under the group message", () => {
    // A settle under a group lease sends a row due again its own message, announcing the write that
    // follows it (`announceAgain`): until that write lands the row reads as leased under the group
    // message at the version before. Dropping the message then would leave the row due with no message.
    const underGroup = stored({ state: 'leased', leaseToken: 't', leaseUntil: NOW + 60_000, leaseMessageId: 'group', version: 1 });
    assert.deepEqual(messageNeed(table, { version: 2 }, underGroup, terms), { kind: 'later', inMs: 5_000 });
    // Once the write landed, the row is due under no lease: claimed.
    const landed = stored({ version: 2 });
    assert.deepEqual(messageNeed(table, { version: 2 }, landed, terms), { kind: 'claim', stored: landed });
  });

  it('is not needed for a row leased under another message, or settled', () => {
    const elsewhere = stored({ state: 'leased', leaseToken: 't', leaseUntil: NOW + 60_000, leaseMessageId: 'm2' });
    assert.deepEqual(messageNeed(table, { version: 1 }, elsewhere, terms), { kind: 'none' });
    assert.deepEqual(messageNeed(table, { version: 1 }, stored({ state: 'done' }), terms), { kind: 'none' });
    assert.deepEqual(messageNeed(table, { version: 1 }, stored({ state: 'dead' }), terms), { kind: 'none' });
  });
});
