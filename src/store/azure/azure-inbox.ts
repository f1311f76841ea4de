import { odata, type TableClient } from '@azure/data-tables';
import type { QueueClient } from '@azure/storage-queue';
import type { EnqueueRequest, Inbox, InboxStats, WorkItem, WorkSource, WorkState } from '../types';
import { contention, hasStatus } from './azure-store-error';
import { QueueLeases, type LeasedRow, type SentMessage, type StoredRow } from './queue-leases';
import { tableKey } from './table-keys';
import { boundedText, numberOf, numberOrNull, stringOrNull, withoutNulls } from './table-properties';

/** One inbox row: the work item plus what the engine needs to guard it. */
interface InboxRow extends LeasedRow {
  tenantId: string;
  callId: string;
  source: WorkSource;
  enqueuedAt: number;
  updatedAt: number;
  lastError: string | null;
  callEndedAt: number | null;
  /** A notification arrived while leased: process again after this lease. */
  requeue: boolean;
  /** Counts the messages sent for this row, so a message can tell whether its row write has landed. */
  generation: number;
}

/** The inbox queue's message: which call, and the row generation it announces. */
interface InboxMessage {
  t: string;
  c: string;
  g: number;
}

/** How many calls an `enqueue` works on at once. */
const ENQUEUE_CONCURRENCY = 16;
const MAX_WRITE_ATTEMPTS = 8;

/**
 * The inbox on Azure Storage: one table row per tenant and call (PartitionKey = tenant, RowKey =
 * call) holds the item's state under ETag concurrency, and a storage queue delivers due items,
 * its visibility timeout being the lease (see {@link QueueLeases}).
 *
 * `attempts` counts claims in the row rather than using the message's dequeue count, because a
 * message is reused across retries and duplicates exist. `stats` and `listDead` read the whole
 * table (Azure Tables has no secondary indexes); fine for health checks, not for hot paths.
 */
export function createAzureInbox(table: TableClient, queue: QueueClient, poisonQueue: QueueClient): Inbox {
  const read = async (tenantId: string, callId: string): Promise<StoredRow<InboxRow> | undefined> => {
    try {
      const entity = await table.getEntity<Record<string, unknown>>(tableKey(tenantId), tableKey(callId));
      return { row: toRow(entity), etag: entity.etag };
    } catch (error) {
      if (hasStatus(error, 404)) return undefined;
      throw error;
    }
  };
  const replace = async (row: InboxRow, etag: string): Promise<boolean> => {
    try {
      await table.updateEntity(toEntity(row), 'Replace', { etag });
      return true;
    } catch (error) {
      if (hasStatus(error, 404, 409, 412)) return false;
      throw error;
    }
  };
  const leases = new QueueLeases<InboxRow, InboxMessage>(queue, poisonQueue, {
    parseMessage: (body) => {
      const message = body as Partial<InboxMessage> | undefined;
      return typeof message?.t === 'string' && typeof message.c === 'string' && typeof message.g === 'number' ? (message as InboxMessage) : undefined;
    },
    read: (message) => read(message.t, message.c),
    reflects: (row, message) => row.generation >= message.g,
    replace,
  });

  /** Applies one request; resolves to whether the item became due. */
  const enqueueOne = async (request: EnqueueRequest, now: number, onlyIfUnseen: boolean): Promise<boolean> => {
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt += 1) {
      const stored = await read(request.tenantId, request.callId);
      if (!stored) {
        const row = newRow(request, now);
        const sent = await leases.send({ t: row.tenantId, c: row.callId, g: row.generation });
        if (await create(row, sent)) return true;
        continue;
      }
      if (onlyIfUnseen) return false;
      const { row, etag } = stored;
      switch (row.state) {
        case 'pending': {
          if (row.nextAttemptAt <= now) return false;
          // A fresh notification means the record is likely there now: don't wait out a 404 back-off.
          const updated: InboxRow = { ...row, nextAttemptAt: now, updatedAt: now, generation: row.generation + 1 };
          if (await announceAndReplace(updated, etag)) return false;
          continue;
        }
        case 'leased':
          if (row.requeue) return false;
          if (await replace({ ...row, requeue: true, updatedAt: now }, etag)) return false;
          continue;
        case 'done':
        case 'dead': {
          const revived: InboxRow = {
            ...row,
            state: 'pending',
            source: request.source,
            attempts: 0,
            nextAttemptAt: now,
            enqueuedAt: now,
            updatedAt: now,
            lastError: null,
            requeue: false,
            leaseToken: null,
            leaseUntil: null,
            leaseMessageId: null,
            leasePopReceipt: null,
            generation: row.generation + 1,
          };
          if (await announceAndReplace(revived, etag)) return true;
          continue;
        }
      }
    }
    throw contention('inbox.enqueue', MAX_WRITE_ATTEMPTS);
  };

  const create = async (row: InboxRow, sent: SentMessage): Promise<boolean> => {
    try {
      await table.createEntity(toEntity(row));
      return true;
    } catch (error) {
      await leases.discard(sent);
      if (hasStatus(error, 409)) return false;
      throw error;
    }
  };

  const announceAndReplace = async (row: InboxRow, etag: string): Promise<boolean> => {
    const sent = await leases.send({ t: row.tenantId, c: row.callId, g: row.generation });
    let written = false;
    try {
      written = await replace(row, etag);
      return written;
    } finally {
      if (!written) await leases.discard(sent);
    }
  };

  const scan = async (filter: string | undefined, select: string[]): Promise<Record<string, unknown>[]> => {
    const rows: Record<string, unknown>[] = [];
    for await (const entity of table.listEntities<Record<string, unknown>>({ queryOptions: { filter, select: select.length > 0 ? select : undefined } })) rows.push(entity);
    return rows;
  };

  return {
    async enqueue(requests, now, options = {}) {
      // Requests for the same call run one after another (no self-inflicted ETag races); calls run side by side.
      const byCall = new Map<string, EnqueueRequest[]>();
      for (const request of requests) {
        const key = JSON.stringify([request.tenantId, request.callId]);
        byCall.set(key, [...(byCall.get(key) ?? []), request]);
      }
      const groups = [...byCall.values()];
      let due = 0;
      for (let start = 0; start < groups.length; start += ENQUEUE_CONCURRENCY) {
        const counts = await Promise.all(
          groups.slice(start, start + ENQUEUE_CONCURRENCY).map(async (group) => {
            let became = 0;
            for (const request of group) if (await enqueueOne(request, now, options.onlyIfUnseen === true)) became += 1;
            return became;
          }),
        );
        for (const count of counts) due += count;
      }
      return due;
    },

    async claim(now, limit, leaseMs) {
      if (limit <= 0) return [];
      const rows = await leases.claim(now, limit, leaseMs, (row, token, message) => ({
        ...row,
        state: 'leased',
        attempts: row.attempts + 1,
        leaseToken: token,
        leaseUntil: now + leaseMs,
        leaseMessageId: message.messageId,
        leasePopReceipt: message.popReceipt,
        updatedAt: now,
      }));
      return rows.sort((a, b) => a.nextAttemptAt - b.nextAttemptAt).map(toWorkItem);
    },

    async complete(item, now) {
      return leases.settle(() => read(item.tenantId, item.callId), item.leaseToken, 'inbox.complete', (row) =>
        row.requeue
          ? { row: { ...released(row, now), state: 'pending', attempts: 0, nextAttemptAt: now, lastError: null }, message: { visibleInMs: 0 } }
          : { row: { ...released(row, now), state: 'done', nextAttemptAt: now, lastError: null }, message: 'delete' },
      );
    },

    async retry(item, now, nextAttemptAt, error, callEndedAt) {
      return leases.settle(() => read(item.tenantId, item.callId), item.leaseToken, 'inbox.retry', (row) => ({
        row: {
          ...released(row, now),
          state: 'pending',
          nextAttemptAt,
          lastError: boundedText(error),
          callEndedAt: callEndedAt ?? row.callEndedAt,
        },
        message: { visibleInMs: nextAttemptAt - now },
      }));
    },

    async kill(item, now, reason) {
      // A notification that arrived while the item was being given up revives it.
      return leases.settle(() => read(item.tenantId, item.callId), item.leaseToken, 'inbox.kill', (row) =>
        row.requeue
          ? { row: { ...released(row, now), state: 'pending', attempts: 0, nextAttemptAt: now, lastError: boundedText(reason) }, message: { visibleInMs: 0 } }
          : { row: { ...released(row, now), state: 'dead', nextAttemptAt: now, lastError: boundedText(reason) }, message: 'delete' },
      );
    },

    async stats(now): Promise<InboxStats> {
      const byState: Record<WorkState, number> = { pending: 0, leased: 0, done: 0, dead: 0 };
      let oldest: number | null = null;
      for (const entity of await scan(undefined, ['state', 'enqueuedAt'])) {
        const state = entity.state as WorkState;
        if (state in byState) byState[state] += 1;
        if (state === 'pending' || state === 'leased') {
          const enqueuedAt = numberOf(entity, 'enqueuedAt');
          oldest = oldest === null ? enqueuedAt : Math.min(oldest, enqueuedAt);
        }
      }
      return { byState, oldestPendingAgeMs: oldest === null ? null : Math.max(0, now - oldest) };
    },

    async listDead(limit) {
      const dead = (await scan(odata`state eq ${'dead'}`, [])).map(toRow);
      return dead
        .sort((a, b) => b.updatedAt - a.updatedAt)
        .slice(0, Math.max(0, limit))
        .map(toWorkItem);
    },

    async get(tenantId, callId) {
      const stored = await read(tenantId, callId);
      return stored ? toWorkItem(stored.row) : undefined;
    },
  };
}

function newRow(request: EnqueueRequest, now: number): InboxRow {
  return {
    tenantId: request.tenantId,
    callId: request.callId,
    state: 'pending',
    source: request.source,
    attempts: 0,
    nextAttemptAt: now,
    leaseToken: null,
    leaseUntil: null,
    leaseMessageId: null,
    leasePopReceipt: null,
    enqueuedAt: now,
    updatedAt: now,
    lastError: null,
    callEndedAt: null,
    requeue: false,
    generation: 1,
  };
}

/** The row with its lease dropped. */
function released(row: InboxRow, now: number): InboxRow {
  return { ...row, leaseToken: null, leaseUntil: null, leaseMessageId: null, leasePopReceipt: null, requeue: false, updatedAt: now };
}

function toEntity(row: InboxRow) {
  return {
    partitionKey: tableKey(row.tenantId),
    rowKey: tableKey(row.callId),
    ...withoutNulls({
      tenantId: row.tenantId,
      callId: row.callId,
      state: row.state,
      source: row.source,
      attempts: row.attempts,
      nextAttemptAt: row.nextAttemptAt,
      leaseToken: row.leaseToken,
      leaseUntil: row.leaseUntil,
      leaseMessageId: row.leaseMessageId,
      leasePopReceipt: row.leasePopReceipt,
      enqueuedAt: row.enqueuedAt,
      updatedAt: row.updatedAt,
      lastError: row.lastError,
      callEndedAt: row.callEndedAt,
      requeue: row.requeue,
      generation: row.generation,
    }),
  };
}

function toRow(entity: Record<string, unknown>): InboxRow {
  return {
    tenantId: String(entity.tenantId),
    callId: String(entity.callId),
    state: entity.state as WorkState,
    source: entity.source as WorkSource,
    attempts: numberOf(entity, 'attempts'),
    nextAttemptAt: numberOf(entity, 'nextAttemptAt'),
    leaseToken: stringOrNull(entity, 'leaseToken'),
    leaseUntil: numberOrNull(entity, 'leaseUntil'),
    leaseMessageId: stringOrNull(entity, 'leaseMessageId'),
    leasePopReceipt: stringOrNull(entity, 'leasePopReceipt'),
    enqueuedAt: numberOf(entity, 'enqueuedAt'),
    updatedAt: numberOf(entity, 'updatedAt'),
    lastError: stringOrNull(entity, 'lastError'),
    callEndedAt: numberOrNull(entity, 'callEndedAt'),
    requeue: entity.requeue === true,
    generation: numberOf(entity, 'generation'),
  };
}

function toWorkItem(row: InboxRow): WorkItem {
  return {
    tenantId: row.tenantId,
    callId: row.callId,
    state: row.state,
    source: row.source,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt,
    leaseToken: row.leaseToken,
    leaseUntil: row.leaseUntil,
    enqueuedAt: row.enqueuedAt,
    updatedAt: row.updatedAt,
    lastError: row.lastError,
    callEndedAt: row.callEndedAt,
  };
}
