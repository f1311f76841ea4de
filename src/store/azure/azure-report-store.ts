import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import type { QueueClient } from '@azure/storage-queue';
import type { AlertJob, RecordReportResult, ReportStore, StoredReport } from '../types';
import { contention, hasStatus } from './azure-store-error';
import { QueueLeases, type LeasedRow, type SentMessage, type StoredRow } from './queue-leases';
import type { ReportBodies, EncodedReportBody } from './report-body';
import { callPartitionKey } from './table-keys';
import { boundedText, numberOf, numberOrNull, stringOrNull, withoutNulls } from './table-properties';

/** The RowKey of a call's newest report (and processed version) in its partition. */
const REPORT_ROW = 'report';
/** Alert job rows: `alert|` and the zero-padded version, so they sort by version. */
const ALERT_ROW_PREFIX = 'alert|';
const MAX_WRITE_ATTEMPTS = 8;
/** Report metadata, read without the (possibly large) body. */
const REPORT_META = ['tenantId', 'callId', 'version', 'quality', 'alert', 'startedAt', 'endedAt', 'processedAt'];

interface AlertRow extends LeasedRow {
  tenantId: string;
  callId: string;
  version: number;
  createdAt: number;
  lastError: string | null;
}

/** The alert queue's message: which call and version has a job. */
interface AlertMessage {
  t: string;
  c: string;
  v: number;
}

/**
 * Reports, processed versions and alert jobs on Azure Storage. A call's partition in the calls
 * table holds its newest report (RowKey `report`, the processed version with it) and one row per
 * alert job (RowKey `alert|<version>`). Being in one partition, "this version is newer, keep the
 * report, create its alert job" is one entity group transaction guarded by the report row's
 * ETag: of two instances recording the same version, exactly one commits and one job exists.
 * Alert jobs are delivered by a storage queue and leased like inbox items (see {@link QueueLeases}).
 *
 * `recentReports` and `alertJobStats` read every call's rows (no secondary indexes in Azure
 * Tables): meant for commands and health checks.
 */
export function createAzureReportStore(table: TableClient, alertQueue: QueueClient, poisonQueue: QueueClient, bodies: ReportBodies): ReportStore {
  const readAlert = async (tenantId: string, callId: string, version: number): Promise<StoredRow<AlertRow> | undefined> => {
    try {
      const entity = await table.getEntity<Record<string, unknown>>(callPartitionKey(tenantId, callId), alertRowKey(version));
      return { row: toAlertRow(entity), etag: entity.etag };
    } catch (error) {
      if (hasStatus(error, 404)) return undefined;
      throw error;
    }
  };
  const alerts = new QueueLeases<AlertRow, AlertMessage>(alertQueue, poisonQueue, {
    parseMessage: (body) => {
      const message = body as Partial<AlertMessage> | undefined;
      return typeof message?.t === 'string' && typeof message.c === 'string' && typeof message.v === 'number' ? (message as AlertMessage) : undefined;
    },
    read: (message) => readAlert(message.t, message.c, message.v),
    // The job row is created in the report's transaction: once it exists, the message's write has landed.
    reflects: () => true,
    replace: async (row, etag) => {
      try {
        await table.updateEntity(alertEntity(row), 'Replace', { etag });
        return true;
      } catch (error) {
        if (hasStatus(error, 404, 409, 412)) return false;
        throw error;
      }
    },
  });

  const readReportRow = async (tenantId: string, callId: string, select?: string[]): Promise<(Record<string, unknown> & { etag: string }) | undefined> => {
    try {
      return await table.getEntity<Record<string, unknown>>(callPartitionKey(tenantId, callId), REPORT_ROW, select ? { queryOptions: { select } } : undefined);
    } catch (error) {
      if (hasStatus(error, 404)) return undefined;
      throw error;
    }
  };

  const getReport = async (tenantId: string, callId: string): Promise<StoredReport | undefined> => {
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt += 1) {
      const entity = await readReportRow(tenantId, callId);
      if (!entity) return undefined;
      const body = await bodies.decode(entity);
      // A blob can vanish between reading its row and reading it when a newer version replaced it: read again.
      if (body) return { ...toReportMeta(entity), report: body.report, summary: body.summary };
    }
    throw contention('reports.getReport', MAX_WRITE_ATTEMPTS);
  };

  const settleAlert = (job: AlertJob, operation: string, next: (row: AlertRow) => { row: AlertRow; message: 'delete' | { visibleInMs: number } }) =>
    alerts.settle(() => readAlert(job.tenantId, job.callId, job.version), job.leaseToken, operation, next);

  return {
    async recordReport(entry, queueAlert): Promise<RecordReportResult> {
      if (!Number.isSafeInteger(entry.version) || entry.version < 0) {
        throw new RangeError(`The report version ${entry.version} of call ${entry.callId} is not a whole number of zero or more; Graph call record versions are.`);
      }
      const partitionKey = callPartitionKey(entry.tenantId, entry.callId);
      let body: EncodedReportBody | undefined;
      let sent: SentMessage | undefined;
      let committed = false;
      let alertMessageUsed = false;
      try {
        for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt += 1) {
          const previous = await readReportRow(entry.tenantId, entry.callId, ['version', 'alert', 'bodyBlob']);
          const previousVersion = previous ? numberOf(previous, 'version') : null;
          if (previousVersion !== null && previousVersion >= entry.version) return { accepted: false, previousVersion, alertQueued: false };
          // A newer version of a call that alerted updates the card, even when it no longer alerts.
          const alertQueued = queueAlert || previous?.alert === true;
          body ??= await bodies.encode(partitionKey, entry.version, { report: entry.report, summary: entry.summary });
          // Announce the job before the transaction that creates it (see QueueLeases).
          if (alertQueued) sent ??= await alerts.send({ t: entry.tenantId, c: entry.callId, v: entry.version });
          const reportEntity = {
            partitionKey,
            rowKey: REPORT_ROW,
            ...withoutNulls({
              tenantId: entry.tenantId,
              callId: entry.callId,
              version: entry.version,
              quality: entry.quality,
              alert: entry.alert,
              startedAt: entry.startedAt,
              endedAt: entry.endedAt,
              processedAt: entry.processedAt,
            }),
            ...body.properties,
          };
          const actions: TransactionAction[] = [previous ? ['update', reportEntity, 'Replace', { etag: previous.etag }] : ['create', reportEntity]];
          if (alertQueued) {
            actions.push([
              'create',
              alertEntity({
                tenantId: entry.tenantId,
                callId: entry.callId,
                version: entry.version,
                state: 'pending',
                attempts: 0,
                nextAttemptAt: entry.processedAt,
                leaseToken: null,
                leaseUntil: null,
                leaseMessageId: null,
                leasePopReceipt: null,
                createdAt: entry.processedAt,
                lastError: null,
              }),
            ]);
          }
          try {
            await table.submitTransaction(actions);
          } catch (error) {
            // Another instance recorded a version of this call meanwhile: look again.
            if (hasStatus(error, 404, 409, 412)) continue;
            throw error;
          }
          committed = true;
          alertMessageUsed = alertQueued;
          await bodies.discard(previous ? stringOrNull(previous, 'bodyBlob') : null);
          return { accepted: true, previousVersion, alertQueued };
        }
        throw contention('reports.recordReport', MAX_WRITE_ATTEMPTS);
      } finally {
        if (!committed) await bodies.discard(body?.blobName ?? null);
        if (!alertMessageUsed) await alerts.discard(sent);
      }
    },

    getReport,

    async processedVersion(tenantId, callId) {
      const entity = await readReportRow(tenantId, callId, ['version']);
      return entity ? numberOf(entity, 'version') : null;
    },

    async recentReports({ tenantId, quality, alertOnly, limit }) {
      const conditions = [odata`RowKey eq ${REPORT_ROW}`];
      if (tenantId !== undefined) conditions.push(odata`tenantId eq ${tenantId}`);
      if (quality !== undefined) conditions.push(odata`quality eq ${quality}`);
      if (alertOnly) conditions.push('alert eq true');
      const metas: Omit<StoredReport, 'report' | 'summary'>[] = [];
      for await (const entity of table.listEntities<Record<string, unknown>>({ queryOptions: { filter: conditions.join(' and '), select: REPORT_META } })) {
        metas.push(toReportMeta(entity));
      }
      const newest = metas
        .sort((a, b) => (b.startedAt ?? b.processedAt) - (a.startedAt ?? a.processedAt))
        .slice(0, Math.max(0, limit));
      const reports = await Promise.all(newest.map((meta) => getReport(meta.tenantId, meta.callId)));
      return reports.filter((report): report is StoredReport => report !== undefined);
    },

    async claimAlertJobs(now, limit, leaseMs) {
      if (limit <= 0) return [];
      const rows = await alerts.claim(now, limit, leaseMs, (row, token, message) => ({
        ...row,
        state: 'leased',
        attempts: row.attempts + 1,
        leaseToken: token,
        leaseUntil: now + leaseMs,
        leaseMessageId: message.messageId,
        leasePopReceipt: message.popReceipt,
      }));
      return rows.sort((a, b) => a.createdAt - b.createdAt).map(toAlertJob);
    },

    async completeAlertJob(job) {
      return settleAlert(job, 'reports.completeAlertJob', (row) => ({ row: { ...released(row), state: 'done', lastError: null }, message: 'delete' }));
    },

    async retryAlertJob(job, now, nextAttemptAt, error) {
      return settleAlert(job, 'reports.retryAlertJob', (row) => ({
        row: { ...released(row), state: 'pending', nextAttemptAt, lastError: boundedText(error) },
        message: { visibleInMs: nextAttemptAt - now },
      }));
    },

    async killAlertJob(job, _now, reason) {
      return settleAlert(job, 'reports.killAlertJob', (row) => ({ row: { ...released(row), state: 'dead', lastError: boundedText(reason) }, message: 'delete' }));
    },

    async listAlertJobs(tenantId, callId) {
      // One partition per call: its alert rows sort by version.
      const filter = odata`PartitionKey eq ${callPartitionKey(tenantId, callId)} and RowKey ge ${ALERT_ROW_PREFIX} and RowKey lt ${ALERT_ROW_END}`;
      const jobs: AlertJob[] = [];
      for await (const entity of table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) jobs.push(toAlertJob(toAlertRow(entity)));
      return jobs;
    },

    async alertJobStats() {
      const counts: Record<AlertJob['state'], number> = { pending: 0, leased: 0, done: 0, dead: 0 };
      const filter = odata`RowKey ge ${ALERT_ROW_PREFIX} and RowKey lt ${ALERT_ROW_END}`;
      for await (const entity of table.listEntities<Record<string, unknown>>({ queryOptions: { filter, select: ['state'] } })) {
        const state = entity.state as AlertJob['state'];
        if (state in counts) counts[state] += 1;
      }
      return counts;
    },
  };
}

/** Just past every `alert|…` key (`}` follows `|`). */
const ALERT_ROW_END = 'alert}';

function alertRowKey(version: number): string {
  return `${ALERT_ROW_PREFIX}${String(version).padStart(16, '0')}`;
}

function released(row: AlertRow): AlertRow {
  return { ...row, leaseToken: null, leaseUntil: null, leaseMessageId: null, leasePopReceipt: null };
}

function alertEntity(row: AlertRow) {
  return {
    partitionKey: callPartitionKey(row.tenantId, row.callId),
    rowKey: alertRowKey(row.version),
    ...withoutNulls({
      tenantId: row.tenantId,
      callId: row.callId,
      version: row.version,
      state: row.state,
      attempts: row.attempts,
      nextAttemptAt: row.nextAttemptAt,
      leaseToken: row.leaseToken,
      leaseUntil: row.leaseUntil,
      leaseMessageId: row.leaseMessageId,
      leasePopReceipt: row.leasePopReceipt,
      createdAt: row.createdAt,
      lastError: row.lastError,
    }),
  };
}

function toAlertRow(entity: Record<string, unknown>): AlertRow {
  return {
    tenantId: String(entity.tenantId),
    callId: String(entity.callId),
    version: numberOf(entity, 'version'),
    state: entity.state as AlertRow['state'],
    attempts: numberOf(entity, 'attempts'),
    nextAttemptAt: numberOf(entity, 'nextAttemptAt'),
    leaseToken: stringOrNull(entity, 'leaseToken'),
    leaseUntil: numberOrNull(entity, 'leaseUntil'),
    leaseMessageId: stringOrNull(entity, 'leaseMessageId'),
    leasePopReceipt: stringOrNull(entity, 'leasePopReceipt'),
    createdAt: numberOf(entity, 'createdAt'),
    lastError: stringOrNull(entity, 'lastError'),
  };
}

function toAlertJob(row: AlertRow): AlertJob {
  return {
    tenantId: row.tenantId,
    callId: row.callId,
    version: row.version,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt,
    leaseToken: row.leaseToken,
    leaseUntil: row.leaseUntil,
    createdAt: row.createdAt,
    lastError: row.lastError,
  };
}

function toReportMeta(entity: Record<string, unknown>): Omit<StoredReport, 'report' | 'summary'> {
  return {
    tenantId: String(entity.tenantId),
    callId: String(entity.callId),
    version: numberOf(entity, 'version'),
    quality: String(entity.quality),
    alert: entity.alert === true,
    startedAt: numberOrNull(entity, 'startedAt'),
    endedAt: numberOrNull(entity, 'endedAt'),
    processedAt: numberOf(entity, 'processedAt'),
  };
}
