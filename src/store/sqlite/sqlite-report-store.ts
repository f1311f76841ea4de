import type { SQLInputValue } from 'node:sqlite';
import { leased } from '../lease-rules';
import { ALERT_JOB_FIELDS, PREVIOUS_REPORT_FIELDS, REPORT_META_FIELDS, type PreviousReport, type RecordFields, type ReportMeta } from '../record-fields';
import { assertReportVersion, completeAlertJob, killAlertJob, needsPreviousJob, newAlertJob, recordDecision, retryAlertJob } from '../report-rules';
import type { AlertJob, ProcessedReport, RecordReportResult, ReportStore, StoredReport } from '../types';
import { decodeReportBody, encodeReportBody, type EncodedReportBody } from './report-body';
import type { SqliteDatabase } from './sqlite-database';
import { SqliteLeases } from './sqlite-leases';
import { SqliteRecords, type Row } from './sqlite-rows';

/** A report row as written and read: its body columns as `report-body.ts` encodes them. */
export type EncodedReport = ReportMeta & EncodedReportBody;
export const ENCODED_REPORT_FIELDS: RecordFields<EncodedReport> = { ...REPORT_META_FIELDS, report: 'text', summary: 'text' };
const REPORTS = new SqliteRecords('reports', ENCODED_REPORT_FIELDS, ['tenantId', 'callId']);
const PREVIOUS_REPORTS = new SqliteRecords('reports', PREVIOUS_REPORT_FIELDS);
const ALERT_JOBS = new SqliteRecords('alert_jobs', ALERT_JOB_FIELDS, ['tenantId', 'callId', 'version']);
const SAVE_REPORT = REPORTS.upsertSql();
/** Two instances recording the same version produce one job. */
const CREATE_ALERT_JOB = ALERT_JOBS.insertSql({ orIgnore: true });
const READ_REPORT = 'SELECT * FROM reports WHERE tenant_id = ? AND call_id = ?';
const READ_PREVIOUS = 'SELECT version, alert FROM reports WHERE tenant_id = ? AND call_id = ?';
/** A new call's first report, when no row was there when looked at (a row there now: nothing written). */
const CREATE_REPORT = REPORTS.insertSql({ orIgnore: true });
/** A newer report over the one looked at, only while that one is still there (the version is the row's guard, as the ETag is on Azure). */
const REPLACE_SEEN_REPORT = `${REPORTS.updateSql()} AND version = ?`;

/** The report row as `processedReport` read it (absent: undefined), for `recordReport` to write over without reading again. */
class SeenReport {
  constructor(
    readonly tenantId: string,
    readonly callId: string,
    readonly previous: PreviousReport | undefined,
  ) {}
}

/** What a look at the report row found (`previous`: the row's version and alert flag, undefined when absent). */
export function processedReportOf(tenantId: string, callId: string, previous: PreviousReport | undefined): ProcessedReport {
  return { version: previous?.version ?? null, seen: new SeenReport(tenantId, callId, previous) };
}

/**
 * The SQLite reports, with `recordReport` also as a synchronous step for a transaction that writes
 * more, of a report whose body was encoded before (`encodeReport`, asynchronous: a big call's gzip).
 */
export type SqliteReportStore = ReportStore & {
  encodeReport(entry: StoredReport): Promise<EncodedReport>;
  recordReportNow(entry: EncodedReport, queueAlert: boolean, processed?: ProcessedReport): RecordReportResult;
};

/**
 * Reports, processed versions and alert jobs on SQLite: the newest report per call in `reports`,
 * one row per alert job in `alert_jobs`. "This version is newer, keep it, queue its alert job" is
 * one transaction, decided by the shared rules (`report-rules.ts`).
 */
export function createSqliteReportStore(db: SqliteDatabase): SqliteReportStore {
  const jobs = new SqliteLeases(db, ALERT_JOBS, 'createdAt');
  /** The shared decision, reading whether the previous version had a job only when it matters (inside the caller's transaction). */
  const decide = (previous: PreviousReport | undefined, entry: StoredReport, queueAlert: boolean): RecordReportResult => {
    const previousHadJob =
      needsPreviousJob(previous, entry, queueAlert) &&
      db.sql('SELECT 1 AS found FROM alert_jobs WHERE tenant_id = ? AND call_id = ? AND version = ?').get(entry.tenantId, entry.callId, previous.version) !== undefined;
    return recordDecision(previous, entry, queueAlert, previousHadJob);
  };
  /** Creates the alert job the decision queues (the report is written). */
  const queued = (entry: EncodedReport, decision: RecordReportResult): RecordReportResult => {
    if (decision.alertQueued) db.sql(CREATE_ALERT_JOB).run(...ALERT_JOBS.values(newAlertJob(entry)));
    return decision;
  };
  const recordReportNow = (entry: EncodedReport, queueAlert: boolean, processed?: ProcessedReport): RecordReportResult => {
    assertReportVersion(entry);
    const seen = processed?.seen instanceof SeenReport && processed.seen.tenantId === entry.tenantId && processed.seen.callId === entry.callId ? processed.seen : undefined;
    return db.transaction(() => {
      if (seen) {
        const decision = decide(seen.previous, entry, queueAlert);
        // Versions only grow: refused against the row as seen, it is refused against the row as it is now.
        if (!decision.accepted) return decision;
        const written = seen.previous
          ? db.sql(REPLACE_SEEN_REPORT).run(...REPORTS.updateValues(entry), seen.previous.version)
          : db.sql(CREATE_REPORT).run(...REPORTS.values(entry));
        if (Number(written.changes) === 1) return queued(entry, decision);
        // Another writer changed the row since it was seen: decide on the row as it is now.
      }
      const row = db.sql(READ_PREVIOUS).get(entry.tenantId, entry.callId) as Row | undefined;
      const decision = decide(row && PREVIOUS_REPORTS.fromRow(row), entry, queueAlert);
      if (!decision.accepted) return decision;
      db.sql(SAVE_REPORT).run(...REPORTS.values(entry));
      return queued(entry, decision);
    });
  };

  const encodeReport = async (entry: StoredReport): Promise<EncodedReport> => ({ ...entry, ...(await encodeReportBody(entry)) });
  const decodeReport = async (row: Row): Promise<StoredReport> => {
    const encoded = REPORTS.fromRow(row);
    return { ...encoded, ...(await decodeReportBody(encoded)) };
  };

  return {
    encodeReport,
    recordReportNow,
    async recordReport(entry, queueAlert, processed) {
      return recordReportNow(await encodeReport(entry), queueAlert, processed);
    },
    async getReport(tenantId, callId) {
      const row = db.sql(READ_REPORT).get(tenantId, callId) as Row | undefined;
      return row ? decodeReport(row) : undefined;
    },
    async processedVersion(tenantId, callId) {
      const row = db.sql('SELECT version FROM reports WHERE tenant_id = ? AND call_id = ?').get(tenantId, callId) as Row | undefined;
      return row ? Number(row.version) : null;
    },
    async processedReport(tenantId, callId): Promise<ProcessedReport> {
      const row = db.sql(READ_PREVIOUS).get(tenantId, callId) as Row | undefined;
      return processedReportOf(tenantId, callId, row && PREVIOUS_REPORTS.fromRow(row));
    },
    async recentReports({ tenantId, quality, alertOnly, limit }) {
      const where: string[] = [];
      const params: SQLInputValue[] = [];
      if (tenantId !== undefined) (where.push('tenant_id = ?'), params.push(tenantId));
      if (quality !== undefined) (where.push('quality = ?'), params.push(quality));
      if (alertOnly) where.push('alert = 1');
      const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
      const rows = db.sql(`SELECT * FROM reports ${clause} ORDER BY COALESCE(started_at, processed_at) DESC LIMIT ?`).all(...params, limit) as Row[];
      return Promise.all(rows.map(decodeReport));
    },
    async claimAlertJobs(now, limit, leaseMs) {
      return jobs.claim(now, limit, (job, token) => leased(job, token, now, leaseMs));
    },
    async completeAlertJob(job) {
      return jobs.settle(job, completeAlertJob);
    },
    async retryAlertJob(job, _now, nextAttemptAt, error) {
      return jobs.settle(job, (row) => retryAlertJob(row, nextAttemptAt, error));
    },
    async killAlertJob(job, _now, reason) {
      return jobs.settle(job, (row) => killAlertJob(row, reason));
    },
    async listAlertJobs(tenantId, callId) {
      const rows = db.sql('SELECT * FROM alert_jobs WHERE tenant_id = ? AND call_id = ? ORDER BY version').all(tenantId, callId) as Row[];
      return rows.map((row) => ALERT_JOBS.fromRow(row));
    },
    async alertJobStats() {
      const counts: Record<AlertJob['state'], number> = { pending: 0, leased: 0, done: 0, dead: 0 };
      for (const row of db.sql('SELECT state, COUNT(*) AS n FROM alert_jobs GROUP BY state').all() as Row[]) {
        counts[row.state as AlertJob['state']] = Number(row.n);
      }
      return counts;
    },
  };
}
