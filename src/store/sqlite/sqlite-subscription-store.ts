import { SUBSCRIPTION_FIELDS } from '../record-fields';
import type { SubscriptionStore } from '../types';
import type { SqliteDatabase } from './sqlite-database';
import { SqliteRecords, type Row } from './sqlite-rows';

const SUBSCRIPTIONS = new SqliteRecords('subscriptions', SUBSCRIPTION_FIELDS, ['tenantId']);
const SAVE = SUBSCRIPTIONS.upsertSql();

/** Graph subscription state, one row per tenant. */
export function createSqliteSubscriptionStore(db: SqliteDatabase): SubscriptionStore {
  return {
    async getSubscription(tenantId) {
      const row = db.sql('SELECT * FROM subscriptions WHERE tenant_id = ?').get(tenantId) as Row | undefined;
      return row ? SUBSCRIPTIONS.fromRow(row) : undefined;
    },
    async putSubscription(state) {
      db.sql(SAVE).run(...SUBSCRIPTIONS.values(state));
    },
    async deleteSubscription(tenantId) {
      db.sql('DELETE FROM subscriptions WHERE tenant_id = ?').run(tenantId);
    },
    async listSubscriptions() {
      return (db.sql('SELECT * FROM subscriptions ORDER BY tenant_id').all() as Row[]).map((row) => SUBSCRIPTIONS.fromRow(row));
    },
  };
}
