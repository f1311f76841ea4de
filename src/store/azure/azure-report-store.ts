import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import type { QueueClient } from '@azure/storage-queue';
import { leased } from '../lease-rules';
import { ALERT_JOB_FIELDS, pickFields, PREVIOUS_REPORT_FIELDS, REPORT_META_FIELDS, type RecordFields } from '../record-fields';
import { assertReportVersion, completeAlertJob, killAlertJob, needsPreviousJob, newAlertJob, recordDecision, retryAlertJob } from '../report-rules';
import type { AlertJob, ProcessedReport, RecordReportResult, ReportStore, StoredReport } from '../types';
import { contention } from './azure-store-error';
import { landed, landedWithETag } from './ignore-status';
import { QUEUE_LEASE_FIELDS, QueueLeases, type QueueLease, type SentMessage, type StoredRow } from './queue-leases';
import type { EncodedReportBody, ReportBodies } from './report-body';
import { callPartitionKey } from './table-keys';
import { boundedText, numberOf, stringOrNull } from './table-properties';
import { entityProperties, fromEntity } from './table-records';
import { listRows, readRow, type Entity } from './table-rows';

/** The RowKey of a call's newest report (and processed version) in its partition. */
const REPORT_ROW = 'report';
/** Alert job rows: `alert|` and the zero-padded version, so they sort by version. */
const ALERT_ROW_PREFIX = 'alert|';
/** Just past every `alert|…` key (`}` follows `|`). */
const ALERT_ROW_END = 'alert}';
const MAX_WRITE_ATTEMPTS = 8;
/** What a write over the report row needs of it: the version and alert it replaces, its body's blob, and its ETag. */
const PREVIOUS_ROW_SELECT = ['version', 'alert', 'bodyBlob'];

/** The report row as `processedReport` read it (absent: undefined), for `recordReport` to write over without reading again. */
class SeenReportRow {
  constructor(
    readonly partitionKey: string,
    readonly entity: Entity | undefined,
  ) {}
}

/** What a look at a call's report row found (`entity`: the row as read, undefined when absent). */
function processedReportOf(partitionKey: string, entity: Entity | undefined): ProcessedReport {
  return { version: entity ? numberOf(entity, 'version') : null, seen: new SeenReportRow(partitionKey, entity) };
}

/**
 * What a claim knows of a call that never completed: no report row (one written since makes
 * `recordReport`'s create fail, and it reads the row then).
 */
export function noReportRowOf(tenantId: string, callId: string): ProcessedReport {
  return processedReportOf(callPartitionKey(tenantId, callId), undefined);
}

type AlertRow = AlertJob & QueueLease;
const ALERT_ROW_FIELDS: RecordFields<AlertRow> = { ...ALERT_JOB_FIELDS, ...QUEUE_LEASE_FIELDS };

/** The alert queue's message: which call and version has a job. */
interface AlertMessage {
  t: string;
  c: string;
  v: number;
}

/** The alert queue's message, or undefined when the body is not one. */
export function parseAlertMessage(body: unknown): AlertMessage | undefined {
  const message = body as Partial<AlertMessage> | undefined;
  return typeof message?.t === 'string' && typeof message.c === 'string' && typeof message.v === 'number' ? (message as AlertMessage) : undefined;
}

/**
 * Reports, processed versions and alert jobs on Azure Storage. A call's partition in the calls
 * table holds its newest report (RowKey `report`, the processed version with it) and one row per
 * alert job (RowKey `alert|<version>`). Being in one partition, "this version is newer, keep the
 * report, create its alert job" is one entity group transaction guarded by the report row's
 * ETag: of two instances recording the same version, exactly one commits and one job exists.
 * What is kept and queued is decided by the shared rules (`report-rules.ts`). Alert jobs are
 * delivered by a storage queue and leased like inbox items (see {@link QueueLeases}).
 *
 * `recentReports` and `alertJobStats` read every call's rows (no secondary indexes in Azure
 * Tables): meant for commands and health checks.
 */
export function createAzureReportStore(table: TableClient, alertQueue: QueueClient, poisonQueue: QueueClient, bodies: ReportBodies): ReportStore {
  const readAlert = async (tenantId: string, callId: string, version: number): Promise<StoredRow<AlertRow> | undefined> => {
    const entity = await readRow(table, callPartitionKey(tenantId, callId), alertRowKey(version));
    return entity && { row: fromEntity(ALERT_ROW_FIELDS, entity), etag: entity.etag };
  };
  const alerts = new QueueLeases<AlertRow, AlertMessage>(alertQueue, poisonQueue, {
    parseMessage: parseAlertMessage,
    read: (message) => readAlert(message.t, message.c, message.v),
    // The job row is created in the report's transaction: once it exists, the message's write has landed.
    reflects: () => true,
    replace: (row, etag) => landedWithETag(table.updateEntity(alertEntity(row), 'Replace', { etag })),
  });

  const getReport = async (tenantId: string, callId: string): Promise<StoredReport | undefined> => {
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt += 1) {
      const entity = await readRow(table, callPartitionKey(tenantId, callId), REPORT_ROW);
      if (!entity) return undefined;
      const body = await bodies.decode(entity);
      // A blob can vanish between reading its row and reading it when a newer version replaced it: read again.
      if (body) return { ...fromEntity(REPORT_META_FIELDS, entity), report: body.report, summary: body.summary };
    }
    throw contention('reports.getReport', MAX_WRITE_ATTEMPTS);
  };

  const settleAlert = (job: AlertJob, operation: string, now: number, next: (row: AlertRow) => AlertRow) =>
    alerts.settle(() => readAlert(job.tenantId, job.callId, job.version), job.leaseToken, operation, now, next);

  return {
    async recordReport(entry, queueAlert, processed): Promise<RecordReportResult> {
      assertReportVersion(entry);
      const partitionKey = callPartitionKey(entry.tenantId, entry.callId);
      // The row as the worker's look at it found it; a write over it fails its ETag (or, absent, its create) when it changed since.
      let seen = processed?.seen instanceof SeenReportRow && processed.seen.partitionKey === partitionKey ? processed.seen : undefined;
      let body: EncodedReportBody | undefined;
      let sent: SentMessage | undefined;
      let committed = false;
      let alertMessageUsed = false;
      try {
        for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt += 1) {
          const previous = seen ? seen.entity : await readRow(table, partitionKey, REPORT_ROW, PREVIOUS_ROW_SELECT);
          seen = undefined;
          const earlier = previous && fromEntity(PREVIOUS_REPORT_FIELDS, previous);
          const previousHadJob =
            needsPreviousJob(earlier, entry, queueAlert) && (await readRow(table, partitionKey, alertRowKey(earlier.version), ['state'])) !== undefined;
          const decision = recordDecision(earlier, entry, queueAlert, previousHadJob);
          if (!decision.accepted) return decision;
          body ??= await bodies.encode(partitionKey, entry.version, { report: entry.report, summary: entry.summary });
          // Announce the job before the transaction that creates it (see QueueLeases).
          if (decision.alertQueued) sent ??= await alerts.send({ t: entry.tenantId, c: entry.callId, v: entry.version });
          const reportEntity = { partitionKey, rowKey: REPORT_ROW, ...entityProperties(REPORT_META_FIELDS, entry, `report of ${entry.callId}`), ...body.properties };
          const actions: TransactionAction[] = [previous ? ['update', reportEntity, 'Replace', { etag: previous.etag }] : ['create', reportEntity]];
          if (decision.alertQueued) actions.push(['create', alertEntity({ ...newAlertJob(entry), leaseMessageId: null, leasePopReceipt: null })]);
          // A lost race means another instance recorded a version of this call meanwhile: look again.
          if (!(await landed(table.submitTransaction(actions)))) continue;
          committed = true;
          alertMessageUsed = decision.alertQueued;
          await bodies.discard(previous ? stringOrNull(previous, 'bodyBlob') : null);
          return decision;
        }
        throw contention('reports.recordReport', MAX_WRITE_ATTEMPTS);
      } finally {
        if (!committed) await bodies.discard(body?.blobName ?? null);
        if (!alertMessageUsed) await alerts.discard(sent);
      }
    },

    getReport,

    async processedVersion(tenantId, callId) {
      const entity = await readRow(table, callPartitionKey(tenantId, callId), REPORT_ROW, ['version']);
      return entity ? numberOf(entity, 'version') : null;
    },

    async processedReport(tenantId, callId): Promise<ProcessedReport> {
      const partitionKey = callPartitionKey(tenantId, callId);
      return processedReportOf(partitionKey, await readRow(table, partitionKey, REPORT_ROW, PREVIOUS_ROW_SELECT));
    },

    async recentReports({ tenantId, quality, alertOnly, limit }) {
      const conditions = [odata`RowKey eq ${REPORT_ROW}`];
      if (tenantId !== undefined) conditions.push(odata`tenantId eq ${tenantId}`);
      if (quality !== undefined) conditions.push(odata`quality eq ${quality}`);
      if (alertOnly) conditions.push('alert eq true');
      // Metadata first (without the possibly large bodies), then the bodies of the newest only.
      const metas = (await listRows(table, conditions.join(' and '), Object.keys(REPORT_META_FIELDS))).map((entity) => fromEntity(REPORT_META_FIELDS, entity));
      const newest = metas.sort((a, b) => (b.startedAt ?? b.processedAt) - (a.startedAt ?? a.processedAt)).slice(0, Math.max(0, limit));
      const reports = await Promise.all(newest.map((meta) => getReport(meta.tenantId, meta.callId)));
      return reports.filter((report): report is StoredReport => report !== undefined);
    },

    async claimAlertJobs(now, limit, leaseMs) {
      if (limit <= 0) return [];
      const rows = await alerts.claim(now, limit, leaseMs, (row, token) => leased(row, token, now, leaseMs));
      return rows.sort((a, b) => a.createdAt - b.createdAt).map((row) => pickFields(ALERT_JOB_FIELDS, row));
    },

    async completeAlertJob(job, now) {
      return settleAlert(job, 'reports.completeAlertJob', now, completeAlertJob);
    },

    async retryAlertJob(job, now, nextAttemptAt, error) {
      return settleAlert(job, 'reports.retryAlertJob', now, (row) => retryAlertJob(row, nextAttemptAt, error));
    },

    async killAlertJob(job, now, reason) {
      return settleAlert(job, 'reports.killAlertJob', now, (row) => killAlertJob(row, reason));
    },

    async listAlertJobs(tenantId, callId) {
      // One partition per call: its alert rows sort by version.
      const filter = odata`PartitionKey eq ${callPartitionKey(tenantId, callId)} and RowKey ge ${ALERT_ROW_PREFIX} and RowKey lt ${ALERT_ROW_END}`;
      return (await listRows(table, filter)).map((entity) => fromEntity(ALERT_JOB_FIELDS, entity));
    },

    async alertJobStats() {
      const counts: Record<AlertJob['state'], number> = { pending: 0, leased: 0, done: 0, dead: 0 };
      for (const entity of await listRows(table, odata`RowKey ge ${ALERT_ROW_PREFIX} and RowKey lt ${ALERT_ROW_END}`, ['state'])) {
        const state = entity.state as AlertJob['state'];
        if (state in counts) counts[state] += 1;
      }
      return counts;
    },
  };
}

function alertRowKey(version: number): string {
  return `${ALERT_ROW_PREFIX}${String(version).padStart(16, '0')}`;
}

function alertEntity(row: AlertRow) {
  // Error texts are bounded for the 64 KiB property limit.
  const properties = entityProperties(ALERT_ROW_FIELDS, { ...row, lastError: boundedText(row.lastError) }, `alert job of ${row.callId}`);
  return { partitionKey: callPartitionKey(row.tenantId, row.callId), rowKey: alertRowKey(row.version), ...properties };
}
