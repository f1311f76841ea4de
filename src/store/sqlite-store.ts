import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import {
  ETagMismatchError,
  type AlertJob,
  type ConversationKind,
  type ConversationRecord,
  type EnqueueRequest,
  type InboxStats,
  type SentCard,
  type Store,
  type StoredReport,
  type SubscriptionState,
  type WorkItem,
  type WorkState,
} from './types';

/** Where the SQLite engine keeps its database: a data directory, or an explicit file (`:memory:` for tests). */
export type SqliteStoreLocation = { dataDir: string } | { path: string };

/** The database file inside a data directory. */
export const SQLITE_FILE_NAME = 'call-quality-bot.sqlite';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS work_items (
  tenant_id TEXT NOT NULL, call_id TEXT NOT NULL, state TEXT NOT NULL, source TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL,
  lease_token TEXT, lease_until INTEGER, enqueued_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  last_error TEXT, call_ended_at INTEGER, requeue INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, call_id)
);
CREATE INDEX IF NOT EXISTS work_items_due ON work_items (state, next_attempt_at);
CREATE TABLE IF NOT EXISTS reports (
  tenant_id TEXT NOT NULL, call_id TEXT NOT NULL, version INTEGER NOT NULL, quality TEXT NOT NULL,
  alert INTEGER NOT NULL, started_at INTEGER, ended_at INTEGER, processed_at INTEGER NOT NULL,
  report TEXT NOT NULL, summary TEXT NOT NULL,
  PRIMARY KEY (tenant_id, call_id)
);
CREATE INDEX IF NOT EXISTS reports_recent ON reports (started_at DESC);
CREATE TABLE IF NOT EXISTS alert_jobs (
  tenant_id TEXT NOT NULL, call_id TEXT NOT NULL, version INTEGER NOT NULL, state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL, lease_token TEXT, lease_until INTEGER,
  created_at INTEGER NOT NULL, last_error TEXT,
  PRIMARY KEY (tenant_id, call_id, version)
);
CREATE INDEX IF NOT EXISTS alert_jobs_due ON alert_jobs (state, next_attempt_at);
CREATE TABLE IF NOT EXISTS subscriptions (
  tenant_id TEXT PRIMARY KEY, subscription_id TEXT NOT NULL, resource TEXT NOT NULL,
  expires_at INTEGER NOT NULL, notification_url TEXT NOT NULL, updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS conversations (
  key TEXT PRIMARY KEY, kind TEXT NOT NULL, tenant_id TEXT, user_aad_id TEXT, team_id TEXT, channel_id TEXT,
  service_url TEXT NOT NULL, reference TEXT NOT NULL, installed_at INTEGER NOT NULL, dead_reason TEXT
);
CREATE INDEX IF NOT EXISTS conversations_user ON conversations (user_aad_id);
CREATE TABLE IF NOT EXISTS sent_cards (
  tenant_id TEXT NOT NULL, call_id TEXT NOT NULL, conversation_key TEXT NOT NULL, activity_id TEXT NOT NULL,
  version INTEGER NOT NULL, card_type TEXT NOT NULL, sent_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  acknowledged_by TEXT,
  PRIMARY KEY (tenant_id, call_id, conversation_key)
);
CREATE INDEX IF NOT EXISTS sent_cards_time ON sent_cards (sent_at);
CREATE TABLE IF NOT EXISTS settings (scope TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (scope, key));
CREATE TABLE IF NOT EXISTS documents (key TEXT PRIMARY KEY, value TEXT NOT NULL, etag TEXT NOT NULL);
`;

type Row = Record<string, SQLInputValue>;

/**
 * Opens (creating when needed) the embedded SQLite store: one file in WAL mode, so a crash at
 * any point leaves every transaction either whole or absent.
 */
export function openSqliteStore(location: SqliteStoreLocation): Store {
  const file = 'path' in location ? location.path : path.join(location.dataDir, SQLITE_FILE_NAME);
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  // Loaded on first use, so that commands that never open the store don't load SQLite at all.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DatabaseSync: Database } = require('node:sqlite') as typeof import('node:sqlite');
  const db: DatabaseSync = new Database(file);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;');
  db.exec(SCHEMA);

  const statements = new Map<string, ReturnType<DatabaseSync['prepare']>>();
  const sql = (text: string) => {
    let statement = statements.get(text);
    if (!statement) {
      statement = db.prepare(text);
      statements.set(text, statement);
    }
    return statement;
  };
  const transaction = <T>(work: () => T): T => {
    db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      db.exec('COMMIT');
      return result;
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  };
  let closed = false;

  const toWorkItem = (row: Row): WorkItem => ({
    tenantId: row.tenant_id as string,
    callId: row.call_id as string,
    state: row.state as WorkState,
    source: row.source as WorkItem['source'],
    attempts: Number(row.attempts),
    nextAttemptAt: Number(row.next_attempt_at),
    leaseToken: (row.lease_token as string | null) ?? null,
    leaseUntil: row.lease_until === null ? null : Number(row.lease_until),
    enqueuedAt: Number(row.enqueued_at),
    updatedAt: Number(row.updated_at),
    lastError: (row.last_error as string | null) ?? null,
    callEndedAt: row.call_ended_at === null ? null : Number(row.call_ended_at),
  });
  const toReport = (row: Row): StoredReport => ({
    tenantId: row.tenant_id as string,
    callId: row.call_id as string,
    version: Number(row.version),
    quality: row.quality as string,
    alert: Number(row.alert) === 1,
    startedAt: row.started_at === null ? null : Number(row.started_at),
    endedAt: row.ended_at === null ? null : Number(row.ended_at),
    processedAt: Number(row.processed_at),
    report: JSON.parse(row.report as string),
    summary: JSON.parse(row.summary as string),
  });
  const toAlertJob = (row: Row): AlertJob => ({
    tenantId: row.tenant_id as string,
    callId: row.call_id as string,
    version: Number(row.version),
    state: row.state as AlertJob['state'],
    attempts: Number(row.attempts),
    nextAttemptAt: Number(row.next_attempt_at),
    leaseToken: (row.lease_token as string | null) ?? null,
    leaseUntil: row.lease_until === null ? null : Number(row.lease_until),
    createdAt: Number(row.created_at),
    lastError: (row.last_error as string | null) ?? null,
  });
  const toConversation = (row: Row): ConversationRecord => ({
    key: row.key as string,
    kind: row.kind as ConversationKind,
    tenantId: (row.tenant_id as string | null) ?? null,
    userAadId: (row.user_aad_id as string | null) ?? null,
    teamId: (row.team_id as string | null) ?? null,
    channelId: (row.channel_id as string | null) ?? null,
    serviceUrl: row.service_url as string,
    reference: JSON.parse(row.reference as string),
    installedAt: Number(row.installed_at),
    deadReason: (row.dead_reason as string | null) ?? null,
  });
  const toSentCard = (row: Row): SentCard => ({
    tenantId: row.tenant_id as string,
    callId: row.call_id as string,
    conversationKey: row.conversation_key as string,
    activityId: row.activity_id as string,
    version: Number(row.version),
    cardType: row.card_type as string,
    sentAt: Number(row.sent_at),
    updatedAt: Number(row.updated_at),
    acknowledgedBy: (row.acknowledged_by as string | null) ?? null,
  });

  const leaseMatches = 'tenant_id = ? AND call_id = ? AND state = ? AND lease_token = ?';

  return {
    engine: 'sqlite',
    inbox: {
      async enqueue(requests: readonly EnqueueRequest[], now: number, options = {}) {
        return transaction(() => {
          let due = 0;
          for (const request of requests) {
            const existing = sql('SELECT state FROM work_items WHERE tenant_id = ? AND call_id = ?').get(request.tenantId, request.callId) as Row | undefined;
            if (!existing) {
              sql(
                `INSERT INTO work_items (tenant_id, call_id, state, source, attempts, next_attempt_at, enqueued_at, updated_at)
                 VALUES (?, ?, 'pending', ?, 0, ?, ?, ?)`,
              ).run(request.tenantId, request.callId, request.source, now, now, now);
              due += 1;
            } else if (options.onlyIfUnseen) {
              continue;
            } else if (existing.state === 'leased') {
              sql('UPDATE work_items SET requeue = 1, updated_at = ? WHERE tenant_id = ? AND call_id = ?').run(now, request.tenantId, request.callId);
            } else if (existing.state === 'pending') {
              // A fresh notification means the record is likely there now: don't wait out a 404 back-off.
              sql('UPDATE work_items SET next_attempt_at = MIN(next_attempt_at, ?), updated_at = ? WHERE tenant_id = ? AND call_id = ?').run(now, now, request.tenantId, request.callId);
            } else {
              sql(
                `UPDATE work_items SET state = 'pending', source = ?, attempts = 0, next_attempt_at = ?, enqueued_at = ?,
                 updated_at = ?, last_error = NULL, requeue = 0 WHERE tenant_id = ? AND call_id = ?`,
              ).run(request.source, now, now, now, request.tenantId, request.callId);
              due += 1;
            }
          }
          return due;
        });
      },
      async claim(now, limit, leaseMs) {
        return transaction(() => {
          const rows = sql(
            `SELECT * FROM work_items WHERE (state = 'pending' AND next_attempt_at <= ?) OR (state = 'leased' AND lease_until <= ?)
             ORDER BY next_attempt_at LIMIT ?`,
          ).all(now, now, limit) as Row[];
          return rows.map((row) => {
            const token = randomUUID();
            sql(`UPDATE work_items SET state = 'leased', lease_token = ?, lease_until = ?, attempts = attempts + 1, updated_at = ? WHERE tenant_id = ? AND call_id = ?`).run(
              token,
              now + leaseMs,
              now,
              row.tenant_id as string,
              row.call_id as string,
            );
            return toWorkItem({ ...row, state: 'leased', lease_token: token, lease_until: now + leaseMs, attempts: Number(row.attempts) + 1, updated_at: now });
          });
        });
      },
      async complete(item, now) {
        const result = sql(
          `UPDATE work_items SET state = CASE requeue WHEN 1 THEN 'pending' ELSE 'done' END,
             attempts = CASE requeue WHEN 1 THEN 0 ELSE attempts END, next_attempt_at = ?, requeue = 0,
             lease_token = NULL, lease_until = NULL, last_error = NULL, updated_at = ? WHERE ${leaseMatches}`,
        ).run(now, now, item.tenantId, item.callId, 'leased', item.leaseToken);
        return Number(result.changes) > 0;
      },
      async retry(item, now, nextAttemptAt, error, callEndedAt) {
        const result = sql(
          `UPDATE work_items SET state = 'pending', next_attempt_at = ?, last_error = ?, requeue = 0,
             call_ended_at = COALESCE(?, call_ended_at), lease_token = NULL, lease_until = NULL, updated_at = ? WHERE ${leaseMatches}`,
        ).run(nextAttemptAt, error, callEndedAt ?? null, now, item.tenantId, item.callId, 'leased', item.leaseToken);
        return Number(result.changes) > 0;
      },
      async kill(item, now, reason) {
        // A notification that arrived while the item was being given up revives it.
        const result = sql(
          `UPDATE work_items SET state = CASE requeue WHEN 1 THEN 'pending' ELSE 'dead' END,
             attempts = CASE requeue WHEN 1 THEN 0 ELSE attempts END, next_attempt_at = ?, requeue = 0,
             last_error = ?, lease_token = NULL, lease_until = NULL, updated_at = ? WHERE ${leaseMatches}`,
        ).run(now, reason, now, item.tenantId, item.callId, 'leased', item.leaseToken);
        return Number(result.changes) > 0;
      },
      async stats(now): Promise<InboxStats> {
        const byState: Record<WorkState, number> = { pending: 0, leased: 0, done: 0, dead: 0 };
        for (const row of sql('SELECT state, COUNT(*) AS n FROM work_items GROUP BY state').all() as Row[]) {
          byState[row.state as WorkState] = Number(row.n);
        }
        const oldest = sql(`SELECT MIN(enqueued_at) AS t FROM work_items WHERE state IN ('pending', 'leased')`).get() as Row;
        return { byState, oldestPendingAgeMs: oldest.t === null ? null : Math.max(0, now - Number(oldest.t)) };
      },
      async listDead(limit) {
        return (sql(`SELECT * FROM work_items WHERE state = 'dead' ORDER BY updated_at DESC LIMIT ?`).all(limit) as Row[]).map(toWorkItem);
      },
      async get(tenantId, callId) {
        const row = sql('SELECT * FROM work_items WHERE tenant_id = ? AND call_id = ?').get(tenantId, callId) as Row | undefined;
        return row ? toWorkItem(row) : undefined;
      },
    },
    reports: {
      async recordReport(entry, queueAlert) {
        return transaction(() => {
          const previous = sql('SELECT version, alert FROM reports WHERE tenant_id = ? AND call_id = ?').get(entry.tenantId, entry.callId) as Row | undefined;
          const previousVersion = previous ? Number(previous.version) : null;
          if (previousVersion !== null && previousVersion >= entry.version) return { accepted: false, previousVersion, alertQueued: false };
          sql(
            `INSERT INTO reports (tenant_id, call_id, version, quality, alert, started_at, ended_at, processed_at, report, summary)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (tenant_id, call_id) DO UPDATE SET version = excluded.version, quality = excluded.quality,
               alert = excluded.alert, started_at = excluded.started_at, ended_at = excluded.ended_at,
               processed_at = excluded.processed_at, report = excluded.report, summary = excluded.summary`,
          ).run(
            entry.tenantId,
            entry.callId,
            entry.version,
            entry.quality,
            entry.alert ? 1 : 0,
            entry.startedAt,
            entry.endedAt,
            entry.processedAt,
            JSON.stringify(entry.report),
            JSON.stringify(entry.summary),
          );
          const alertQueued = queueAlert || (previous !== undefined && Number(previous.alert) === 1);
          if (alertQueued) {
            sql(
              `INSERT OR IGNORE INTO alert_jobs (tenant_id, call_id, version, state, attempts, next_attempt_at, created_at)
               VALUES (?, ?, ?, 'pending', 0, ?, ?)`,
            ).run(entry.tenantId, entry.callId, entry.version, entry.processedAt, entry.processedAt);
          }
          return { accepted: true, previousVersion, alertQueued };
        });
      },
      async getReport(tenantId, callId) {
        const row = sql('SELECT * FROM reports WHERE tenant_id = ? AND call_id = ?').get(tenantId, callId) as Row | undefined;
        return row ? toReport(row) : undefined;
      },
      async processedVersion(tenantId, callId) {
        const row = sql('SELECT version FROM reports WHERE tenant_id = ? AND call_id = ?').get(tenantId, callId) as Row | undefined;
        return row ? Number(row.version) : null;
      },
      async recentReports({ tenantId, quality, alertOnly, limit }) {
        const where: string[] = [];
        const params: SQLInputValue[] = [];
        if (tenantId !== undefined) (where.push('tenant_id = ?'), params.push(tenantId));
        if (quality !== undefined) (where.push('quality = ?'), params.push(quality));
        if (alertOnly) where.push('alert = 1');
        const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
        const rows = sql(`SELECT * FROM reports ${clause} ORDER BY COALESCE(started_at, processed_at) DESC LIMIT ?`).all(...params, limit) as Row[];
        return rows.map(toReport);
      },
      async claimAlertJobs(now, limit, leaseMs) {
        return transaction(() => {
          const rows = sql(
            `SELECT * FROM alert_jobs WHERE (state = 'pending' AND next_attempt_at <= ?) OR (state = 'leased' AND lease_until <= ?)
             ORDER BY created_at LIMIT ?`,
          ).all(now, now, limit) as Row[];
          return rows.map((row) => {
            const token = randomUUID();
            sql(`UPDATE alert_jobs SET state = 'leased', lease_token = ?, lease_until = ?, attempts = attempts + 1 WHERE tenant_id = ? AND call_id = ? AND version = ?`).run(
              token,
              now + leaseMs,
              row.tenant_id as string,
              row.call_id as string,
              Number(row.version),
            );
            return toAlertJob({ ...row, state: 'leased', lease_token: token, lease_until: now + leaseMs, attempts: Number(row.attempts) + 1 });
          });
        });
      },
      async completeAlertJob(job) {
        return settleAlertJob(job, 'done', null, null);
      },
      async retryAlertJob(job, _now, nextAttemptAt, error) {
        return settleAlertJob(job, 'pending', nextAttemptAt, error);
      },
      async killAlertJob(job, _now, reason) {
        return settleAlertJob(job, 'dead', null, reason);
      },
      async listAlertJobs(tenantId, callId) {
        return (sql('SELECT * FROM alert_jobs WHERE tenant_id = ? AND call_id = ? ORDER BY version').all(tenantId, callId) as Row[]).map(toAlertJob);
      },
      async alertJobStats() {
        const counts: Record<AlertJob['state'], number> = { pending: 0, leased: 0, done: 0, dead: 0 };
        for (const row of sql('SELECT state, COUNT(*) AS n FROM alert_jobs GROUP BY state').all() as Row[]) {
          counts[row.state as AlertJob['state']] = Number(row.n);
        }
        return counts;
      },
    },
    subscriptions: {
      async getSubscription(tenantId) {
        const row = sql('SELECT * FROM subscriptions WHERE tenant_id = ?').get(tenantId) as Row | undefined;
        return row ? toSubscription(row) : undefined;
      },
      async putSubscription(state) {
        sql(
          `INSERT INTO subscriptions (tenant_id, subscription_id, resource, expires_at, notification_url, updated_at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (tenant_id) DO UPDATE SET subscription_id = excluded.subscription_id, resource = excluded.resource,
             expires_at = excluded.expires_at, notification_url = excluded.notification_url, updated_at = excluded.updated_at`,
        ).run(state.tenantId, state.subscriptionId, state.resource, state.expiresAt, state.notificationUrl, state.updatedAt);
      },
      async deleteSubscription(tenantId) {
        sql('DELETE FROM subscriptions WHERE tenant_id = ?').run(tenantId);
      },
      async listSubscriptions() {
        return (sql('SELECT * FROM subscriptions ORDER BY tenant_id').all() as Row[]).map(toSubscription);
      },
    },
    conversations: {
      async putConversation(record) {
        sql(
          `INSERT INTO conversations (key, kind, tenant_id, user_aad_id, team_id, channel_id, service_url, reference, installed_at, dead_reason)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, tenant_id = excluded.tenant_id, user_aad_id = excluded.user_aad_id,
             team_id = excluded.team_id, channel_id = excluded.channel_id, service_url = excluded.service_url,
             reference = excluded.reference, installed_at = excluded.installed_at, dead_reason = excluded.dead_reason`,
        ).run(
          record.key,
          record.kind,
          record.tenantId,
          record.userAadId,
          record.teamId,
          record.channelId,
          record.serviceUrl,
          JSON.stringify(record.reference),
          record.installedAt,
          record.deadReason,
        );
      },
      async getConversation(key) {
        const row = sql('SELECT * FROM conversations WHERE key = ?').get(key) as Row | undefined;
        return row ? toConversation(row) : undefined;
      },
      async removeConversation(key) {
        sql('DELETE FROM conversations WHERE key = ?').run(key);
      },
      async markConversationDead(key, reason) {
        sql('UPDATE conversations SET dead_reason = ? WHERE key = ?').run(reason, key);
      },
      async findPersonalConversation(tenantId, userAadId) {
        const row = sql(
          `SELECT * FROM conversations WHERE kind = 'personal' AND user_aad_id = ? AND dead_reason IS NULL
           AND (? IS NULL OR tenant_id IS NULL OR tenant_id = ?) ORDER BY installed_at DESC LIMIT 1`,
        ).get(userAadId, tenantId, tenantId) as Row | undefined;
        return row ? toConversation(row) : undefined;
      },
      async listConversations(filter = {}) {
        const where: string[] = [];
        const params: SQLInputValue[] = [];
        if (filter.kind) (where.push('kind = ?'), params.push(filter.kind));
        if (filter.tenantId) (where.push('tenant_id = ?'), params.push(filter.tenantId));
        if (!filter.includeDead) where.push('dead_reason IS NULL');
        const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
        return (sql(`SELECT * FROM conversations ${clause} ORDER BY installed_at`).all(...params) as Row[]).map(toConversation);
      },
    },
    sentCards: {
      async putSentCard(card) {
        sql(
          `INSERT INTO sent_cards (tenant_id, call_id, conversation_key, activity_id, version, card_type, sent_at, updated_at, acknowledged_by)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (tenant_id, call_id, conversation_key) DO UPDATE SET activity_id = excluded.activity_id, version = excluded.version,
             card_type = excluded.card_type, updated_at = excluded.updated_at, acknowledged_by = excluded.acknowledged_by`,
        ).run(card.tenantId, card.callId, card.conversationKey, card.activityId, card.version, card.cardType, card.sentAt, card.updatedAt, card.acknowledgedBy);
      },
      async getSentCard(tenantId, callId, conversationKey) {
        const row = sql('SELECT * FROM sent_cards WHERE tenant_id = ? AND call_id = ? AND conversation_key = ?').get(tenantId, callId, conversationKey) as Row | undefined;
        return row ? toSentCard(row) : undefined;
      },
      async listSentCards(tenantId, callId) {
        return (sql('SELECT * FROM sent_cards WHERE tenant_id = ? AND call_id = ? ORDER BY sent_at').all(tenantId, callId) as Row[]).map(toSentCard);
      },
      async countSentSince(since) {
        const row = sql('SELECT COUNT(*) AS n FROM sent_cards WHERE sent_at >= ?').get(since) as Row;
        return Number(row.n);
      },
    },
    settings: {
      async getSetting<T>(scope: string, key: string) {
        const row = sql('SELECT value FROM settings WHERE scope = ? AND key = ?').get(scope, key) as Row | undefined;
        return row ? (JSON.parse(row.value as string) as T) : undefined;
      },
      async setSetting(scope, key, value) {
        sql('INSERT INTO settings (scope, key, value) VALUES (?, ?, ?) ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value').run(
          scope,
          key,
          JSON.stringify(value),
        );
      },
      async deleteSetting(scope, key) {
        sql('DELETE FROM settings WHERE scope = ? AND key = ?').run(scope, key);
      },
    },
    documents: {
      async readDocuments(keys) {
        const found: Record<string, { value: unknown; eTag: string }> = {};
        for (const key of keys) {
          const row = sql('SELECT value, etag FROM documents WHERE key = ?').get(key) as Row | undefined;
          if (row) found[key] = { value: JSON.parse(row.value as string), eTag: row.etag as string };
        }
        return found;
      },
      async writeDocuments(changes) {
        transaction(() => {
          for (const [key, change] of Object.entries(changes)) {
            const eTag = randomUUID();
            const value = JSON.stringify(change.value);
            if (change.expectedETag === undefined || change.expectedETag === '*') {
              sql('INSERT INTO documents (key, value, etag) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, etag = excluded.etag').run(key, value, eTag);
            } else {
              const result = sql('UPDATE documents SET value = ?, etag = ? WHERE key = ? AND etag = ?').run(value, eTag, key, change.expectedETag);
              if (Number(result.changes) === 0) throw new ETagMismatchError(key);
            }
          }
        });
      },
      async deleteDocuments(keys) {
        for (const key of keys) sql('DELETE FROM documents WHERE key = ?').run(key);
      },
    },
    async close() {
      if (closed) return;
      closed = true;
      statements.clear();
      db.close();
    },
  };

  function settleAlertJob(job: AlertJob, state: AlertJob['state'], nextAttemptAt: number | null, error: string | null): boolean {
    const result = sql(
      `UPDATE alert_jobs SET state = ?, next_attempt_at = COALESCE(?, next_attempt_at), last_error = ?, lease_token = NULL, lease_until = NULL
       WHERE tenant_id = ? AND call_id = ? AND version = ? AND state = 'leased' AND lease_token = ?`,
    ).run(state, nextAttemptAt, error, job.tenantId, job.callId, job.version, job.leaseToken);
    return Number(result.changes) > 0;
  }
}

function toSubscription(row: Row): SubscriptionState {
  return {
    tenantId: row.tenant_id as string,
    subscriptionId: row.subscription_id as string,
    resource: row.resource as string,
    expiresAt: Number(row.expires_at),
    notificationUrl: row.notification_url as string,
    updatedAt: Number(row.updated_at),
  };
}
