/**
 * The tables of the SQLite engine. Column names are the record fields in snake case (see
 * `sqlite-rows.ts`), so the field lists of `record-fields.ts` read and write them.
 * `CREATE ... IF NOT EXISTS` keeps opening an existing database a no-op, and gives a database
 * made before a table existed that table on its next open.
 *
 * The inbox: `work_items` holds one row per call; `inbox_arrivals` is the webhook's append-only
 * journal (no index but its order), applied to `work_items` before a claim (`inbox-arrivals.ts`).
 * A file made before the journal existed gets it empty on its next open.
 *
 * History: `history_calls` keeps each call's newest summary, `history_people` finds calls by
 * person (its key is the index: person, then day), `history_days` counts changes per day (`generation`) and keeps the day's aggregate with
 * the generation it was computed at, so a stale aggregate is never read as current. Triggers bump
 * the generation on every insert, update and delete of a call, so no writer can forget it and
 * writing a call is one statement, not two.
 */
export const SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS work_items (
  tenant_id TEXT NOT NULL, call_id TEXT NOT NULL, state TEXT NOT NULL, source TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL,
  lease_token TEXT, lease_until INTEGER, enqueued_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  last_error TEXT, call_ended_at INTEGER, requeue INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, call_id)
);
CREATE INDEX IF NOT EXISTS work_items_due ON work_items (state, next_attempt_at);
CREATE TABLE IF NOT EXISTS inbox_arrivals (
  seq INTEGER PRIMARY KEY, tenant_id TEXT NOT NULL, call_id TEXT NOT NULL, source TEXT NOT NULL, arrived_at INTEGER NOT NULL
);
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
CREATE TABLE IF NOT EXISTS history_calls (
  tenant_id TEXT NOT NULL, call_id TEXT NOT NULL, version INTEGER NOT NULL, day TEXT NOT NULL, started_at INTEGER,
  people TEXT NOT NULL, summary TEXT NOT NULL,
  PRIMARY KEY (tenant_id, call_id)
);
CREATE INDEX IF NOT EXISTS history_calls_day ON history_calls (tenant_id, day, call_id);
CREATE TABLE IF NOT EXISTS history_people (
  person TEXT NOT NULL, day TEXT NOT NULL, tenant_id TEXT NOT NULL, call_id TEXT NOT NULL,
  PRIMARY KEY (person, day, tenant_id, call_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS history_days (
  tenant_id TEXT NOT NULL, day TEXT NOT NULL, generation INTEGER NOT NULL, rollup TEXT, rollup_generation INTEGER,
  PRIMARY KEY (tenant_id, day)
);
CREATE TRIGGER IF NOT EXISTS history_calls_added AFTER INSERT ON history_calls BEGIN
  INSERT INTO history_days (tenant_id, day, generation) VALUES (NEW.tenant_id, NEW.day, 1) ON CONFLICT (tenant_id, day) DO UPDATE SET generation = generation + 1;
END;
CREATE TRIGGER IF NOT EXISTS history_calls_changed AFTER UPDATE ON history_calls BEGIN
  INSERT INTO history_days (tenant_id, day, generation) VALUES (NEW.tenant_id, NEW.day, 1) ON CONFLICT (tenant_id, day) DO UPDATE SET generation = generation + 1;
  INSERT INTO history_days (tenant_id, day, generation) SELECT OLD.tenant_id, OLD.day, 1 WHERE OLD.day <> NEW.day OR OLD.tenant_id <> NEW.tenant_id
    ON CONFLICT (tenant_id, day) DO UPDATE SET generation = generation + 1;
END;
CREATE TRIGGER IF NOT EXISTS history_calls_removed AFTER DELETE ON history_calls BEGIN
  INSERT INTO history_days (tenant_id, day, generation) VALUES (OLD.tenant_id, OLD.day, 1) ON CONFLICT (tenant_id, day) DO UPDATE SET generation = generation + 1;
END;
CREATE TABLE IF NOT EXISTS scheduled_runs (
  key TEXT PRIMARY KEY, state TEXT NOT NULL, holder TEXT NOT NULL, lease_until INTEGER NOT NULL, finished_at INTEGER
);
`;
