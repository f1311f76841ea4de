import type { SQLInputValue } from 'node:sqlite';
import { leased } from '../lease-rules';
import { ALERT_JOB_FIELDS, PREVIOUS_REPORT_FIELDS, STORED_REPORT_FIELDS } from '../record-fields';
import { assertReportVersion, completeAlertJob, killAlertJob, needsPreviousJob, newAlertJob, recordDecision, retryAlertJob } from '../report-rules';
import type { AlertJob, ReportStore } from '../types';
import type { SqliteDatabase } from './sqlite-database';
import { SqliteLeases } from './sqlite-leases';
import { SqliteRecords, type Row } from './sqlite-rows';

const REPORTS = new SqliteRecords('reports', STORED_REPORT_FIELDS, ['tenantId', 'callId']);
const PREVIOUS_REPORTS = new SqliteRecords('reports', PREVIOUS_REPORT_FIELDS);
const ALERT_JOBS = new SqliteRecords('alert_jobs', ALERT_JOB_FIELDS, ['tenantId', 'callId', 'version']);
const SAVE_REPORT = REPORTS.upsertSql();
/** Two instances recording the same version produce one job. */
const CREATE_ALERT_JOB = ALERT_JOBS.insertSql({ orIgnore: true });
const READ_REPORT = 'SELECT * FROM reports WHERE tenant_id = ? AND call_id = ?';

/**
 * Reports, processed versions and alert jobs on SQLite: the newest report per call in `reports`,
 * one row per alert job in `alert_jobs`. "This version is newer, keep it, queue its alert job" is
 * one transaction, decided by the shared rules (`report-rules.ts`).
 */
export function createSqliteReportStore(db: SqliteDatabase): ReportStore {
  const jobs = new SqliteLeases(db, ALERT_JOBS, 'createdAt');
  return {
    async recordReport(entry, queueAlert) {
      assertReportVersion(entry);
      return db.transaction(() => {
        const row = db.sql('SELECT version, alert FROM reports WHERE tenant_id = ? AND call_id = ?').get(entry.tenantId, entry.callId) as Row | undefined;
        const previous = row && PREVIOUS_REPORTS.fromRow(row);
        const previousHadJob =
          needsPreviousJob(previous, entry, queueAlert) &&
          db.sql('SELECT 1 AS found FROM alert_jobs WHERE tenant_id = ? AND call_id = ? AND version = ?').get(entry.tenantId, entry.callId, previous.version) !== undefined;
        const decision = recordDecision(previous, entry, queueAlert, previousHadJob);
        if (!decision.accepted) return decision;
        db.sql(SAVE_REPORT).run(...REPORTS.values(entry));
        if (decision.alertQueued) db.sql(CREATE_ALERT_JOB).run(...ALERT_JOBS.values(newAlertJob(entry)));
        return decision;
      });
    },
    async getReport(tenantId, callId) {
      const row = db.sql(READ_REPORT).get(tenantId, callId) as Row | undefined;
      return row ? REPORTS.fromRow(row) : undefined;
    },
    async processedVersion(tenantId, callId) {
      const row = db.sql('SELECT version FROM reports WHERE tenant_id = ? AND call_id = ?').get(tenantId, callId) as Row | undefined;
      return row ? Number(row.version) : null;
    },
    async recentReports({ tenantId, quality, alertOnly, limit }) {
      const where: string[] = [];
      const params: SQLInputValue[] = [];
      if (tenantId !== undefined) (where.push('tenant_id = ?'), params.push(tenantId));
      if (quality !== undefined) (where.push('quality = ?'), params.push(quality));
      if (alertOnly) where.push('alert = 1');
      const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
      const rows = db.sql(`SELECT * FROM reports ${clause} ORDER BY COALESCE(started_at, processed_at) DESC LIMIT ?`).all(...params, limit) as Row[];
      return rows.map((row) => REPORTS.fromRow(row));
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
