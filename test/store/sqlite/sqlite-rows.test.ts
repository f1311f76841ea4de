import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import {
  ALERT_JOB_FIELDS,
  CONVERSATION_FIELDS,
  SENT_CARD_FIELDS,
  SUBSCRIPTION_FIELDS,
  WORK_ROW_FIELDS,
  type RecordFields,
} from '../../../src/store/record-fields';
import { SQLITE_SCHEMA } from '../../../src/store/sqlite/schema';
import { ENCODED_REPORT_FIELDS } from '../../../src/store/sqlite/sqlite-report-store';
import { columnOf, SqliteRecords } from '../../../src/store/sqlite/sqlite-rows';

const TABLES: [string, RecordFields<unknown>][] = [
  ['work_items', WORK_ROW_FIELDS],
  ['reports', ENCODED_REPORT_FIELDS],
  ['alert_jobs', ALERT_JOB_FIELDS],
  ['subscriptions', SUBSCRIPTION_FIELDS],
  ['conversations', CONVERSATION_FIELDS],
  ['sent_cards', SENT_CARD_FIELDS],
];

describe('SQLite rows', () => {
  it('names columns as the record fields in snake case', () => {
    assert.equal(columnOf('nextAttemptAt'), 'next_attempt_at');
    assert.equal(columnOf('userAadId'), 'user_aad_id');
    assert.equal(columnOf('key'), 'key');
  });

  it('has a column in the schema for every field of every record, and no other', () => {
    const db = new DatabaseSync(':memory:');
    db.exec(SQLITE_SCHEMA);
    for (const [table, fields] of TABLES) {
      const columns = (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((column) => column.name).sort();
      assert.deepEqual(columns, Object.keys(fields).map(columnOf).sort(), table);
    }
    db.close();
  });

  it('reads back what it wrote: flags, JSON, nulls and numbers', () => {
    const db = new DatabaseSync(':memory:');
    db.exec(SQLITE_SCHEMA);
    const conversations = new SqliteRecords('conversations', CONVERSATION_FIELDS, ['key']);
    const record = { key: 'a:1', kind: 'personal' as const, tenantId: null, userAadId: 'u', teamId: null, channelId: null, serviceUrl: 'https://smba.example/', reference: { conversation: { id: 'a:1' } }, installedAt: 5, deadReason: null };
    db.prepare(conversations.upsertSql()).run(...conversations.values(record));
    db.prepare(conversations.upsertSql()).run(...conversations.values({ ...record, deadReason: 'gone' }));
    assert.deepEqual(conversations.fromRow(db.prepare('SELECT * FROM conversations').get() as never), { ...record, deadReason: 'gone' });
    db.close();
  });

  it('updates every column but the key of an existing row', () => {
    const db = new DatabaseSync(':memory:');
    db.exec(SQLITE_SCHEMA);
    const subscriptions = new SqliteRecords('subscriptions', SUBSCRIPTION_FIELDS, ['tenantId']);
    const state = { tenantId: 't', subscriptionId: 's1', resource: '/communications/callRecords', expiresAt: 1, notificationUrl: 'https://bot.example/', updatedAt: 1 };
    db.prepare(subscriptions.insertSql()).run(...subscriptions.values(state));
    db.prepare(subscriptions.updateSql()).run(...subscriptions.updateValues({ ...state, subscriptionId: 's2', expiresAt: 2 }));
    db.prepare(subscriptions.updateSql()).run(...subscriptions.updateValues({ ...state, tenantId: 'other', subscriptionId: 's3' }));
    assert.deepEqual((db.prepare('SELECT * FROM subscriptions').all() as never[]).map((row) => subscriptions.fromRow(row)), [{ ...state, subscriptionId: 's2', expiresAt: 2 }]);
    db.close();
  });

  it('keeps the columns it is told to keep when a key exists', () => {
    const sentCards = new SqliteRecords('sent_cards', SENT_CARD_FIELDS, ['tenantId', 'callId', 'conversationKey']);
    const sql = sentCards.upsertSql(['sentAt']);
    assert.match(sql, /ON CONFLICT \(tenant_id, call_id, conversation_key\) DO UPDATE SET activity_id = excluded\.activity_id/);
    assert.doesNotMatch(sql, /sent_at = excluded/);
  });
});
