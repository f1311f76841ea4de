import { odata, type TableClient } from '@azure/data-tables';
import type { QueueClient } from '@azure/storage-queue';
import pLimit from 'p-limit';
import { completeWork, enqueueChange, killWork, leaseWork, newWorkRow, postponeWork, retryWork } from '../inbox-rules';
import { pickFields, WORK_ITEM_FIELDS, WORK_ROW_FIELDS, type RecordFields, type WorkRow } from '../record-fields';
import type { ClaimedItem, EnqueueRequest, Inbox, InboxStats, WorkState } from '../types';
import { noReportRowOf } from './azure-report-store';
import { pruneDoneRows } from './azure-inbox-pruning';
import { AzureStoreError, contention, toAzureStoreError } from './azure-store-error';
import { landed, landedWithETag } from './ignore-status';
import { QUEUE_LEASE_FIELDS, QueueLeases, type QueueLease, type SentMessage, type StoredRow } from './queue-leases';
import { joinParts, parseInboxMessage, partsOf, type AnyInboxMessage, type InboxMessage } from './inbox-messages';
import { tableKey } from './table-keys';
import { boundedText, numberOf } from './table-properties';
import { entityProperties, fromEntity } from './table-records';
import { listRows, readRow } from './table-rows';

/** One inbox row: the work item plus what the engine needs to guard it. */
interface InboxRow extends WorkRow, QueueLease {
  /** Counts the messages sent for this row, so a message can tell whether its row write has landed. */
  generation: number;
  /**
   * Set when the item was first completed, so a report of the call exists from then on. Absent
   * (false) on a call never completed: its claim tells the report store there is nothing to read.
   */
  reported?: boolean;
}

const INBOX_ROW_FIELDS: RecordFields<InboxRow> = { ...WORK_ROW_FIELDS, ...QUEUE_LEASE_FIELDS, generation: 'number', reported: 'flag' };

/**
 * How many calls this inbox writes at once, over every `enqueue` in flight: each webhook turn's
 * batch joins the same pool, so a burst never opens thousands of storage connections, and no call
 * waits for a slow neighbour as it did in lock-step groups.
 */
const ENQUEUE_CONCURRENCY = 64;
/** Rows in one entity-group transaction at most (the service's limit). */
const MAX_TRANSACTION_ROWS = 100;
const MAX_WRITE_ATTEMPTS = 8;
/**
 * A row that should have been claimed this long ago (pending and due, or leased and run out) has
 * most likely lost its message: when a request names its call again (a notification, or the
 * hourly reconciliation sweep, which names every call of the last day without a report), it is
 * announced again. A message can be lost when an instance of a build before group messages sets
 * one aside in the poison queue during an upgrade, or when someone clears the queue. A duplicate
 * of a message that was not lost is harmless.
 */
const OVERDUE_MS = 15 * 60_000;

function overdue(row: InboxRow, now: number): boolean {
  if (row.state === 'pending') return row.nextAttemptAt < now - OVERDUE_MS;
  if (row.state === 'leased') return row.leaseUntil !== null && row.leaseUntil < now - OVERDUE_MS;
  return false;
}

/**
 * The inbox on Azure Storage: one table row per tenant and call (PartitionKey = tenant, RowKey =
 * call) holds the item's state under ETag concurrency, and a storage queue delivers due items,
 * its visibility timeout being the lease (see {@link QueueLeases}). What each change does is the
 * shared inbox rule (`inbox-rules.ts`); this file only reads, announces and writes.
 *
 * `attempts` counts claims in the row rather than using the message's dequeue count, because a
 * message is reused across retries and duplicates exist. `stats` and `listDead` read the whole
 * table (Azure Tables has no secondary indexes); fine for health checks, not for hot paths.
 */
export function createAzureInbox(table: TableClient, queue: QueueClient, poisonQueue: QueueClient): Inbox {
  const limit = pLimit(ENQUEUE_CONCURRENCY);
  const read = async (tenantId: string, callId: string): Promise<StoredRow<InboxRow> | undefined> => {
    const entity = await readRow(table, tableKey(tenantId), tableKey(callId));
    return entity && { row: fromEntity(INBOX_ROW_FIELDS, entity), etag: entity.etag };
  };
  const replace = (row: InboxRow, etag: string) => landedWithETag(table.updateEntity(toEntity(row), 'Replace', { etag }));
  const leases = new QueueLeases<InboxRow, AnyInboxMessage>(queue, poisonQueue, {
    parseMessage: parseInboxMessage,
    // Claims read and judge a group message call by call (its parts).
    read: (message) => read(message.t, (message as InboxMessage).c),
    reflects: (row, message) => row.generation >= message.g,
    replace,
    parts: partsOf,
    join: joinParts,
    // Every message sent for a row counts in its generation, this one too.
    announceAgain: (row) => {
      const next: InboxRow = { ...row, generation: row.generation + 1 };
      return { row: next, message: messageOf(next) };
    },
  });

  /**
   * Sends the message that makes rows due and writes them (`write`: false when the write lost, on
   * 409 or 412) side by side, one round trip instead of two; a claim that meets the message before
   * the write reads the rows again after short pauses, as when the message went first. The caller
   * takes back the message of a write that lost (`sent`). A write that failed leaves its message
   * (the write may have landed; an orphan is dropped after a minute). Rows written while their
   * message failed get it sent once more; when that fails too the error goes up (the webhook
   * answers 503) and the rows, due without a message, are announced again once a notification or
   * the sweep names them {@link OVERDUE_MS} late. `kind` names the rows in that error.
   */
  const announce = async (message: AnyInboxMessage, write: Promise<boolean>, kind: 'new' | 'changed'): Promise<{ written: boolean; sent?: SentMessage }> => {
    const [sending, writing] = await Promise.allSettled([leases.send(message), write]);
    if (writing.status === 'rejected') throw writing.reason;
    const written = writing.value;
    if (sending.status === 'fulfilled' || !written) return { written, sent: sending.status === 'fulfilled' ? sending.value : undefined };
    try {
      return { written, sent: await leases.send(message) };
    } catch (error) {
      const failure = toAzureStoreError('inbox.enqueue', error);
      throw new AzureStoreError(
        `Wrote ${partsOf(message).length} ${kind} call(s) of tenant ${message.t} to the inbox table, but their queue message could not be sent; they will be ` +
          `announced again when a notification or the reconciliation sweep names them ${OVERDUE_MS / 60_000} minutes overdue. ${failure.message}`,
        { operation: failure.operation, status: failure.status, code: failure.code, cause: error },
      );
    }
  };

  /** Announces and creates a new row; false when it exists (409), its message then taken back. */
  const create = async (work: WorkRow): Promise<boolean> => {
    const row: InboxRow = { ...work, leaseMessageId: null, leasePopReceipt: null, generation: 1 };
    const { written, sent } = await announce(messageOf(row), landed(table.createEntity(toEntity(row)), [409]), 'new');
    if (!written) await leases.discard(sent);
    return written;
  };

  /**
   * Announces and creates the rows of new calls of one tenant (one partition) in one entity-group
   * transaction: one group message for them all and one request for all the rows, side by side
   * ({@link announce}). When one of them exists the service refuses the whole transaction; each
   * row is then created alone under the same message (sent again first if it had failed), and the
   * message is taken back when none was. Resolves to the calls created.
   */
  const createTogether = async (works: readonly WorkRow[]): Promise<WorkRow[]> => {
    if (works.length === 1) return (await create(works[0]!)) ? [...works] : [];
    const rows = works.map((work): InboxRow => ({ ...work, leaseMessageId: null, leasePopReceipt: null, generation: 1 }));
    const message: AnyInboxMessage = { t: rows[0]!.tenantId, cs: rows.map((row) => row.callId), g: 1 };
    const together = await announce(message, landed(table.submitTransaction(rows.map((row) => ['create', toEntity(row)])), [409]), 'new');
    if (together.written) return [...works];
    const sent = together.sent ?? (await leases.send(message));
    // A request that failed may still have landed: the message is taken back only when every row turned out to exist.
    const outcomes = await Promise.allSettled(rows.map((row) => limit(() => landed(table.createEntity(toEntity(row)), [409]))));
    if (outcomes.every((outcome) => outcome.status === 'fulfilled' && !outcome.value)) await leases.discard(sent);
    const failure = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failure) throw failure.reason;
    return works.filter((_, index) => { const outcome = outcomes[index]!; return outcome.status === 'fulfilled' && outcome.value; });
  };

  /**
   * A notification mostly brings a call never seen: the first request of each call is written
   * unread, the new calls of a tenant together ({@link createTogether}), so a batch of `n` new calls
   * costs one message and one table request per tenant and 100 calls. Resolves to the keys of the
   * calls created; the others (known calls) are left to {@link enqueueOne}.
   */
  const createUnread = async (groups: readonly EnqueueRequest[][], now: number): Promise<Set<string>> => {
    const byTenant = new Map<string, WorkRow[]>();
    for (const [first] of groups) {
      const rows = byTenant.get(first!.tenantId) ?? [];
      rows.push(newWorkRow(first!, now));
      byTenant.set(first!.tenantId, rows);
    }
    const chunks: WorkRow[][] = [];
    for (const rows of byTenant.values()) for (let start = 0; start < rows.length; start += MAX_TRANSACTION_ROWS) chunks.push(rows.slice(start, start + MAX_TRANSACTION_ROWS));
    const created = await Promise.all(chunks.map((chunk) => createTogether(chunk)));
    return new Set(created.flat().map((row) => callKey(row)));
  };

  /**
   * Applies one request by reading its row first; resolves to whether the item became due. For a
   * known call (the sweep mostly meets those, and a call's second request finds its first's row).
   */
  const enqueueOne = async (request: EnqueueRequest, now: number, onlyIfUnseen: boolean): Promise<boolean> => {
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt += 1) {
      const stored = await read(request.tenantId, request.callId);
      if (attempt === 0 && stored && overdue(stored.row, now)) await leases.send(messageOf(stored.row));
      const change = enqueueChange(stored?.row, request, now, onlyIfUnseen);
      if (change.kind === 'unchanged') return false;
      if (change.kind === 'create') {
        // A 409 means another instance created it meanwhile: look again.
        if (await create(change.row)) return true;
      } else if (change.row.state === 'leased') {
        // Processed again after the lease: the holder's message covers it.
        if ((await replace(change.row, stored!.etag)) !== undefined) return false;
      } else {
        const row: InboxRow = { ...change.row, generation: change.row.generation + 1 };
        const { written, sent } = await announce(messageOf(row), replace(row, stored!.etag).then((etag) => etag !== undefined), 'changed');
        if (written) return change.becameDue;
        await leases.discard(sent);
      }
    }
    throw contention('inbox.enqueue', MAX_WRITE_ATTEMPTS);
  };

  const settle = (item: { tenantId: string; callId: string; leaseToken: string | null }, operation: string, now: number, next: (row: InboxRow) => InboxRow) =>
    leases.settle(() => read(item.tenantId, item.callId), item.leaseToken, operation, now, next);

  return {
    async enqueue(requests, now, options = {}) {
      // Requests for the same call run one after another (no self-inflicted ETag races); calls run side by side.
      const byCall = new Map<string, EnqueueRequest[]>();
      for (const request of requests) {
        const key = callKey(request);
        const group = byCall.get(key);
        if (group) group.push(request);
        else byCall.set(key, [request]);
      }
      const onlyIfUnseen = options.onlyIfUnseen === true;
      const created = onlyIfUnseen ? new Set<string>() : await createUnread([...byCall.values()], now);
      const counts = await Promise.all(
        [...byCall.entries()].map(([key, group]) =>
          limit(async () => {
            let became = created.has(key) ? 1 : 0;
            for (const request of created.has(key) ? group.slice(1) : group) if (await enqueueOne(request, now, onlyIfUnseen)) became += 1;
            return became;
          }),
        ),
      );
      let due = 0;
      for (const count of counts) due += count;
      return due;
    },

    async claim(now, limit, leaseMs) {
      if (limit <= 0) return [];
      const rows = await leases.claim(now, limit, leaseMs, (row, token) => leaseWork(row, token, now, leaseMs));
      // A call never completed has no report: the worker's look at it needs no request.
      return rows
        .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt)
        .map((row): ClaimedItem => ({ ...pickFields(WORK_ITEM_FIELDS, row), report: row.reported === true ? undefined : noReportRowOf(row.tenantId, row.callId) }));
    },

    async complete(item, now) {
      // Completed after its report was recorded (or found recorded): from now on its claims read the report.
      return settle(item, 'inbox.complete', now, (row) => ({ ...completeWork(row, now), reported: true }));
    },

    async retry(item, now, nextAttemptAt, error, callEndedAt) {
      return settle(item, 'inbox.retry', now, (row) => retryWork(row, now, nextAttemptAt, error, callEndedAt));
    },

    async postpone(item, now, nextAttemptAt, reason) {
      return settle(item, 'inbox.postpone', now, (row) => postponeWork(row, now, nextAttemptAt, reason));
    },

    async kill(item, now, reason) {
      return settle(item, 'inbox.kill', now, (row) => killWork(row, now, reason));
    },

    async stats(now): Promise<InboxStats> {
      const byState: Record<WorkState, number> = { pending: 0, leased: 0, done: 0, dead: 0 };
      let oldest: number | null = null;
      for (const entity of await listRows(table, undefined, ['state', 'enqueuedAt'])) {
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
      const dead = (await listRows(table, odata`state eq ${'dead'}`)).map((entity) => fromEntity(INBOX_ROW_FIELDS, entity));
      return dead
        .sort((a, b) => b.updatedAt - a.updatedAt)
        .slice(0, Math.max(0, limit))
        .map((row) => pickFields(WORK_ITEM_FIELDS, row));
    },

    async prune(before) {
      return pruneDoneRows(table, before);
    },

    async get(tenantId, callId) {
      const stored = await read(tenantId, callId);
      return stored ? pickFields(WORK_ITEM_FIELDS, stored.row) : undefined;
    },
  };
}

/** The one-call message announcing `row` as it is. */
function messageOf(row: InboxRow): InboxMessage {
  return { t: row.tenantId, c: row.callId, g: row.generation };
}

/** A call's key in maps of one batch. */
function callKey(call: { tenantId: string; callId: string }): string {
  return JSON.stringify([call.tenantId, call.callId]);
}

function toEntity(row: InboxRow) {
  // Error texts are bounded for the 64 KiB property limit.
  const properties = entityProperties(INBOX_ROW_FIELDS, { ...row, lastError: boundedText(row.lastError) }, `work item ${row.callId}`);
  return { partitionKey: tableKey(row.tenantId), rowKey: tableKey(row.callId), ...properties };
}
