/** Versioned schema migrations, applied in order at start-up. Never edit a released one: append. */
import type { DatabaseSync } from "node:sqlite";

/** One schema step. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Every migration, oldest first. Timestamps are integer epoch milliseconds. */
export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: "core",
    sql: `
CREATE TABLE monitors (
  id INTEGER PRIMARY KEY,
  parent_id INTEGER REFERENCES monitors(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('http', 'tcp')),
  url TEXT NOT NULL,
  expected_status TEXT NOT NULL,
  timeout_ms INTEGER NOT NULL,
  interval_s INTEGER NOT NULL,
  retry_interval_s INTEGER NOT NULL,
  failure_threshold INTEGER NOT NULL,
  alert_emails TEXT NOT NULL,
  recovery_emails TEXT NOT NULL,
  active INTEGER NOT NULL,
  ignore_tls_errors INTEGER NOT NULL,
  max_redirects INTEGER NOT NULL,
  reminder_interval_min INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX monitors_parent ON monitors(parent_id);

CREATE TABLE monitor_state (
  monitor_id INTEGER PRIMARY KEY REFERENCES monitors(id) ON DELETE CASCADE,
  state TEXT NOT NULL CHECK (state IN ('up', 'down', 'pending')),
  consecutive_failures INTEGER NOT NULL,
  open_incident_id INTEGER,
  last_check_id INTEGER,
  last_checked_at INTEGER,
  -- Time of the first failed check of the current failing streak (the outage start).
  failing_since INTEGER,
  changed_at INTEGER NOT NULL
) STRICT;

CREATE TABLE checks (
  id INTEGER PRIMARY KEY,
  monitor_id INTEGER NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
  checked_at INTEGER NOT NULL,
  ok INTEGER NOT NULL,
  latency_ms REAL NOT NULL,
  http_status INTEGER,
  error_kind TEXT,
  error_message TEXT
) STRICT;
CREATE INDEX checks_monitor_time ON checks(monitor_id, checked_at);
CREATE INDEX checks_time ON checks(checked_at);

CREATE TABLE incidents (
  id INTEGER PRIMARY KEY,
  monitor_id INTEGER NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
  started_at INTEGER NOT NULL,
  confirmed_at INTEGER NOT NULL,
  ended_at INTEGER,
  last_failure_at INTEGER NOT NULL,
  failure_count INTEGER NOT NULL,
  error_kind TEXT NOT NULL,
  http_status INTEGER,
  error_message TEXT NOT NULL
) STRICT;
CREATE INDEX incidents_monitor ON incidents(monitor_id, started_at);

-- Hourly and daily aggregates so uptime and charts never scan raw checks.
CREATE TABLE rollups (
  monitor_id INTEGER NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
  period TEXT NOT NULL CHECK (period IN ('hour', 'day')),
  bucket_start INTEGER NOT NULL,
  count INTEGER NOT NULL,
  up_count INTEGER NOT NULL,
  latency_min REAL,
  latency_max REAL,
  latency_sum REAL NOT NULL,
  latency_p95 REAL,
  PRIMARY KEY (monitor_id, period, bucket_start)
) STRICT, WITHOUT ROWID;
CREATE INDEX rollups_period_time ON rollups(period, bucket_start);

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE COLLATE NOCASE,
  email TEXT,
  password_hash TEXT NOT NULL,
  is_admin INTEGER NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER
) STRICT;
`,
  },
  {
    version: 2,
    name: "alerts",
    sql: `
-- The alert outbox: one row per (incident, kind, reminder number, recipient), written in the
-- transaction that records the state change and delivered by the sender loop. The UNIQUE key is
-- what makes an alert exactly-once per recipient; status moves pending → sending → sent (or
-- failed / skipped / grouped, the last meaning folded into the website's email).
CREATE TABLE alerts (
  id INTEGER PRIMARY KEY,
  monitor_id INTEGER NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
  incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('down', 'recovered', 'reminder')),
  -- Reminder number (1, 2, …); 0 for down and recovered.
  seq INTEGER NOT NULL,
  recipient TEXT NOT NULL COLLATE NOCASE,
  status TEXT NOT NULL
    CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped', 'grouped')),
  -- The website incident whose email carries this internal app's alert (status 'grouped').
  grouped_into INTEGER,
  -- The check that caused the transition; no foreign key because checks are pruned.
  check_id INTEGER,
  failures INTEGER NOT NULL,
  threshold INTEGER NOT NULL,
  subject TEXT,
  attempts INTEGER NOT NULL,
  last_error TEXT,
  -- The SMTP server's final reply, e.g. "250 2.0.0 OK queued as 4Xk…".
  response TEXT,
  created_at INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  sent_at INTEGER,
  UNIQUE (incident_id, kind, seq, recipient)
) STRICT;
CREATE INDEX alerts_due ON alerts(status, next_attempt_at);
CREATE INDEX alerts_monitor ON alerts(monitor_id, created_at);
CREATE INDEX alerts_created ON alerts(created_at);
`,
  },
  {
    version: 3,
    name: "sessions",
    sql: `
-- Dashboard logins. Only a SHA-256 of the cookie token is stored, so a copy of the database
-- cannot be replayed as a session.
CREATE TABLE sessions (
  id INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_expires ON sessions(expires_at);
`,
  },
];

const userVersion = (db: DatabaseSync) =>
  (db.prepare("PRAGMA user_version").get() as { user_version: number }).user_version;

/** Applies every migration newer than the database's `user_version`, each in its own transaction. */
export function migrate(db: DatabaseSync, migrations: Migration[] = MIGRATIONS): number {
  let current = userVersion(db);
  const newest = migrations.at(-1)?.version ?? 0;
  if (current > newest) {
    throw new Error(
      `Cannot open database: its schema version ${current} is newer than this build knows (${newest}); upgrade Server Health Checker`,
    );
  }
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.exec("BEGIN IMMEDIATE");
    try {
      // Another process (server and CLI started together) may have migrated while we waited.
      current = userVersion(db);
      if (m.version <= current) {
        db.exec("COMMIT");
        continue;
      }
      db.exec(m.sql);
      db.exec(`PRAGMA user_version = ${m.version}`);
      db.exec("COMMIT");
    } catch (err) {
      db.exec("ROLLBACK");
      throw new Error(`Cannot migrate database to version ${m.version} (${m.name}): ${err}`);
    }
    current = m.version;
  }
  return current;
}
