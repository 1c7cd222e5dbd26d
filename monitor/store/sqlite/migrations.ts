/** Versioned schema migrations, applied in order at start-up. Never edit a released one: append. */
import type { DatabaseSync } from "node:sqlite";

/** One schema step. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
  /**
   * Runs the step with foreign key enforcement off, as SQLite's table-rebuild procedure requires
   * (https://sqlite.org/lang_altertable.html#otheralter): with it on, dropping the old table
   * would cascade-delete every row that references it. Every foreign key is checked before the
   * step commits, so a rebuild cannot leave dangling references behind.
   */
  foreignKeysOff?: boolean;
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
  {
    version: 4,
    name: "ids never reused",
    foreignKeysOff: true,
    sql: `
-- Ids that users see (/monitors/4, monitor_id="4" in /metrics, incident and alert ids in the API
-- and in email Message-IDs, token ids in revoke forms) must never come back after a delete: a
-- plain INTEGER PRIMARY KEY hands out max(id) + 1, so deleting the newest row freed its id for
-- the next insert. AUTOINCREMENT never reuses one (its high-water mark is kept in
-- sqlite_sequence), and SQLite can only add it by rebuilding the table: create *_new, copy,
-- drop, rename. Tables that reference a rebuilt one name it as "monitors" or "incidents", so
-- after the rename they point at the new table unchanged. Ids freed before this upgrade cannot
-- be known any more; the high-water mark starts at the largest id present.

CREATE TABLE monitors_new (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
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
INSERT INTO monitors_new (id, parent_id, name, kind, url, expected_status, timeout_ms,
    interval_s, retry_interval_s, failure_threshold, alert_emails, recovery_emails, active,
    ignore_tls_errors, max_redirects, reminder_interval_min, created_at, updated_at)
  SELECT id, parent_id, name, kind, url, expected_status, timeout_ms,
    interval_s, retry_interval_s, failure_threshold, alert_emails, recovery_emails, active,
    ignore_tls_errors, max_redirects, reminder_interval_min, created_at, updated_at
  FROM monitors;
DROP TABLE monitors;
ALTER TABLE monitors_new RENAME TO monitors;
CREATE INDEX monitors_parent ON monitors(parent_id);

CREATE TABLE incidents_new (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
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
INSERT INTO incidents_new (id, monitor_id, started_at, confirmed_at, ended_at, last_failure_at,
    failure_count, error_kind, http_status, error_message)
  SELECT id, monitor_id, started_at, confirmed_at, ended_at, last_failure_at,
    failure_count, error_kind, http_status, error_message
  FROM incidents;
DROP TABLE incidents;
ALTER TABLE incidents_new RENAME TO incidents;
CREATE INDEX incidents_monitor ON incidents(monitor_id, started_at);

CREATE TABLE alerts_new (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  monitor_id INTEGER NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
  incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('down', 'recovered', 'reminder')),
  seq INTEGER NOT NULL,
  recipient TEXT NOT NULL COLLATE NOCASE,
  status TEXT NOT NULL
    CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped', 'grouped')),
  grouped_into INTEGER,
  check_id INTEGER,
  failures INTEGER NOT NULL,
  threshold INTEGER NOT NULL,
  subject TEXT,
  attempts INTEGER NOT NULL,
  last_error TEXT,
  response TEXT,
  created_at INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  sent_at INTEGER,
  UNIQUE (incident_id, kind, seq, recipient)
) STRICT;
INSERT INTO alerts_new (id, monitor_id, incident_id, kind, seq, recipient, status, grouped_into,
    check_id, failures, threshold, subject, attempts, last_error, response, created_at,
    next_attempt_at, sent_at)
  SELECT id, monitor_id, incident_id, kind, seq, recipient, status, grouped_into,
    check_id, failures, threshold, subject, attempts, last_error, response, created_at,
    next_attempt_at, sent_at
  FROM alerts;
DROP TABLE alerts;
ALTER TABLE alerts_new RENAME TO alerts;
CREATE INDEX alerts_due ON alerts(status, next_attempt_at);
CREATE INDEX alerts_monitor ON alerts(monitor_id, created_at);
CREATE INDEX alerts_created ON alerts(created_at);

CREATE TABLE api_tokens_new (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER
) STRICT;
INSERT INTO api_tokens_new (id, name, token_hash, prefix, created_at, last_used_at)
  SELECT id, name, token_hash, prefix, created_at, last_used_at FROM api_tokens;
DROP TABLE api_tokens;
ALTER TABLE api_tokens_new RENAME TO api_tokens;
`,
  },
  {
    version: 5,
    name: "alert channels",
    foreignKeysOff: true,
    sql: `
-- Alerts are delivered through channels (email first): each outbox row is for one target on one
-- channel, so the exactly-once key becomes (incident, kind, seq, channel, target). SQLite cannot
-- change a UNIQUE constraint in place: rebuild the table as version 4 did. Every existing row was
-- an email, to the address in recipient. Targets stay case-insensitive (email addresses).
CREATE TABLE alerts_new (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  monitor_id INTEGER NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
  incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('down', 'recovered', 'reminder')),
  seq INTEGER NOT NULL,
  -- The AlertChannel kind ('email', …) and where it delivers (an address, for email).
  channel TEXT NOT NULL DEFAULT 'email',
  target TEXT NOT NULL COLLATE NOCASE,
  status TEXT NOT NULL
    CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped', 'grouped')),
  grouped_into INTEGER,
  check_id INTEGER,
  failures INTEGER NOT NULL,
  threshold INTEGER NOT NULL,
  subject TEXT,
  attempts INTEGER NOT NULL,
  last_error TEXT,
  response TEXT,
  created_at INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  sent_at INTEGER,
  UNIQUE (incident_id, kind, seq, channel, target)
) STRICT;
INSERT INTO alerts_new (id, monitor_id, incident_id, kind, seq, channel, target, status,
    grouped_into, check_id, failures, threshold, subject, attempts, last_error, response,
    created_at, next_attempt_at, sent_at)
  SELECT id, monitor_id, incident_id, kind, seq, 'email', recipient, status,
    grouped_into, check_id, failures, threshold, subject, attempts, last_error, response,
    created_at, next_attempt_at, sent_at
  FROM alerts;
-- Alert ids are never reused (version 4): the copy only raised alerts_new's high-water mark to
-- the largest id present, and DROP TABLE deletes the old one's, so carry the old mark over (it
-- is higher when the newest rows were deleted). sqlite_sequence has no key: update, or insert
-- the row an empty copy did not create.
INSERT INTO sqlite_sequence (name, seq)
  SELECT 'alerts_new', 0
  WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'alerts_new');
UPDATE sqlite_sequence
  SET seq = max(seq, coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'alerts'), 0))
  WHERE name = 'alerts_new';
DROP TABLE alerts;
ALTER TABLE alerts_new RENAME TO alerts;
CREATE INDEX alerts_due ON alerts(status, next_attempt_at);
CREATE INDEX alerts_monitor ON alerts(monitor_id, created_at);
CREATE INDEX alerts_created ON alerts(created_at);
`,
  },
  {
    version: 6,
    name: "notification channels",
    sql: `
-- Configured notification channels (Slack, PagerDuty, webhooks, …). Their outbox rows carry
-- (channel = kind, target = the channel's id). config is a JSON object of the kind's settings,
-- secrets included.
CREATE TABLE channels (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  config TEXT NOT NULL,
  is_default INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
-- The channels each monitor alerts besides its emails: a JSON array of channel ids.
ALTER TABLE monitors ADD COLUMN channel_ids TEXT NOT NULL DEFAULT '[]';
`,
  },
  {
    version: 7,
    name: "http request options and assertions",
    sql: `
-- HTTP request options of http monitors (tcp monitors keep the defaults).
ALTER TABLE monitors ADD COLUMN http_method TEXT NOT NULL DEFAULT 'GET';
ALTER TABLE monitors ADD COLUMN http_headers TEXT NOT NULL DEFAULT '';
ALTER TABLE monitors ADD COLUMN http_body TEXT NOT NULL DEFAULT '';
ALTER TABLE monitors ADD COLUMN auth TEXT NOT NULL DEFAULT 'none';
ALTER TABLE monitors ADD COLUMN auth_user TEXT NOT NULL DEFAULT '';
-- A basic password or bearer token, in clear (the probe sends it); never shown back in full.
ALTER TABLE monitors ADD COLUMN auth_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE monitors ADD COLUMN user_agent TEXT NOT NULL DEFAULT 'ServerHealthChecker/1.0';
-- Response assertions: a JSON array of objects (monitor/assertions.ts).
ALTER TABLE monitors ADD COLUMN assertions TEXT NOT NULL DEFAULT '[]';
`,
  },
  {
    version: 8,
    name: "dns monitors",
    foreignKeysOff: true,
    sql: `
-- monitors.kind gains 'dns'. SQLite cannot change a CHECK in place, so the table is rebuilt as
-- in version 4: every column (those of versions 6 and 7 with their defaults) is copied, the
-- AUTOINCREMENT high-water mark is carried over (ids are never reused), and the tables that
-- reference "monitors" point at the new one after the rename.
CREATE TABLE monitors_new (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  parent_id INTEGER REFERENCES monitors(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('http', 'tcp', 'dns')),
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
  updated_at INTEGER NOT NULL,
  channel_ids TEXT NOT NULL DEFAULT '[]',
  http_method TEXT NOT NULL DEFAULT 'GET',
  http_headers TEXT NOT NULL DEFAULT '',
  http_body TEXT NOT NULL DEFAULT '',
  auth TEXT NOT NULL DEFAULT 'none',
  auth_user TEXT NOT NULL DEFAULT '',
  auth_secret TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT 'ServerHealthChecker/1.0',
  assertions TEXT NOT NULL DEFAULT '[]'
) STRICT;
INSERT INTO monitors_new (id, parent_id, name, kind, url, expected_status, timeout_ms, interval_s, retry_interval_s,
    failure_threshold, alert_emails, recovery_emails, active, ignore_tls_errors, max_redirects,
    reminder_interval_min, created_at, updated_at, channel_ids, http_method, http_headers,
    http_body, auth, auth_user, auth_secret, user_agent, assertions)
  SELECT id, parent_id, name, kind, url, expected_status, timeout_ms, interval_s, retry_interval_s,
    failure_threshold, alert_emails, recovery_emails, active, ignore_tls_errors, max_redirects,
    reminder_interval_min, created_at, updated_at, channel_ids, http_method, http_headers,
    http_body, auth, auth_user, auth_secret, user_agent, assertions
  FROM monitors;
INSERT INTO sqlite_sequence (name, seq)
  SELECT 'monitors_new', 0
  WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'monitors_new');
UPDATE sqlite_sequence
  SET seq = max(seq, coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'monitors'), 0))
  WHERE name = 'monitors_new';
DROP TABLE monitors;
ALTER TABLE monitors_new RENAME TO monitors;
CREATE INDEX monitors_parent ON monitors(parent_id);
`,
  },
  {
    version: 9,
    name: "degraded state and tls certificates",
    sql: `
-- DEGRADED: a successful check slower than degraded_ms (NULL = off) is slow; degraded_checks
-- slow checks in a row make the monitor DEGRADED. TLS: warn this many days before expiry.
ALTER TABLE monitors ADD COLUMN degraded_ms INTEGER;
ALTER TABLE monitors ADD COLUMN degraded_checks INTEGER NOT NULL DEFAULT 3;
ALTER TABLE monitors ADD COLUMN cert_expiry_days TEXT NOT NULL DEFAULT '[30,14,7,1]';
ALTER TABLE monitor_state ADD COLUMN slow_checks INTEGER NOT NULL DEFAULT 0;
ALTER TABLE monitor_state ADD COLUMN degraded_incident_id INTEGER;
-- Incidents are outages ('down'), slow periods ('degraded') or expiring certificates
-- ('certificate', one per certificate).
ALTER TABLE incidents ADD COLUMN type TEXT NOT NULL DEFAULT 'down'
  CHECK (type IN ('down', 'degraded', 'certificate'));
-- The leaf certificate each https monitor's server presented at its latest check, its open
-- certificate incident, and the smallest days threshold already warned about.
CREATE TABLE tls_certificates (
  monitor_id INTEGER PRIMARY KEY REFERENCES monitors(id) ON DELETE CASCADE,
  fingerprint TEXT NOT NULL,
  subject TEXT NOT NULL,
  issuer TEXT NOT NULL,
  valid_from INTEGER NOT NULL,
  valid_to INTEGER NOT NULL,
  checked_at INTEGER NOT NULL,
  incident_id INTEGER REFERENCES incidents(id) ON DELETE SET NULL,
  warned_days INTEGER
) STRICT;
-- alerts.kind gains 'warning' (a certificate expiry warning; seq = the days threshold). SQLite
-- cannot change a CHECK in place: the table is rebuilt as in version 5, ids' high-water mark kept.
CREATE TABLE alerts_new (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  monitor_id INTEGER NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
  incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('down', 'recovered', 'reminder', 'warning')),
  seq INTEGER NOT NULL,
  channel TEXT NOT NULL DEFAULT 'email',
  target TEXT NOT NULL COLLATE NOCASE,
  status TEXT NOT NULL
    CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped', 'grouped')),
  grouped_into INTEGER,
  check_id INTEGER,
  failures INTEGER NOT NULL,
  threshold INTEGER NOT NULL,
  subject TEXT,
  attempts INTEGER NOT NULL,
  last_error TEXT,
  response TEXT,
  created_at INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  sent_at INTEGER,
  UNIQUE (incident_id, kind, seq, channel, target)
) STRICT;
INSERT INTO alerts_new (id, monitor_id, incident_id, kind, seq, channel, target, status,
    grouped_into, check_id, failures, threshold, subject, attempts, last_error, response,
    created_at, next_attempt_at, sent_at)
  SELECT id, monitor_id, incident_id, kind, seq, channel, target, status,
    grouped_into, check_id, failures, threshold, subject, attempts, last_error, response,
    created_at, next_attempt_at, sent_at
  FROM alerts;
INSERT INTO sqlite_sequence (name, seq)
  SELECT 'alerts_new', 0
  WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'alerts_new');
UPDATE sqlite_sequence
  SET seq = max(seq, coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'alerts'), 0))
  WHERE name = 'alerts_new';
DROP TABLE alerts;
ALTER TABLE alerts_new RENAME TO alerts;
CREATE INDEX alerts_due ON alerts(status, next_attempt_at);
CREATE INDEX alerts_monitor ON alerts(monitor_id, created_at);
CREATE INDEX alerts_created ON alerts(created_at);
`,
  },
  {
    version: 10,
    name: "push monitors",
    foreignKeysOff: true,
    sql: `
-- monitors.kind gains 'push' (heartbeat monitors, never probed), rebuilt as in version 8: every
-- column (those of version 9 too) is copied, the AUTOINCREMENT high-water mark is carried over (ids are never reused), and
-- the tables that reference "monitors" point at the new one after the rename. The push schedule
-- columns are new; other kinds keep their defaults.
CREATE TABLE monitors_new (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  parent_id INTEGER REFERENCES monitors(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('http', 'tcp', 'dns', 'push')),
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
  updated_at INTEGER NOT NULL,
  channel_ids TEXT NOT NULL DEFAULT '[]',
  http_method TEXT NOT NULL DEFAULT 'GET',
  http_headers TEXT NOT NULL DEFAULT '',
  http_body TEXT NOT NULL DEFAULT '',
  auth TEXT NOT NULL DEFAULT 'none',
  auth_user TEXT NOT NULL DEFAULT '',
  auth_secret TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT 'ServerHealthChecker/1.0',
  assertions TEXT NOT NULL DEFAULT '[]',
  degraded_ms INTEGER,
  degraded_checks INTEGER NOT NULL DEFAULT 3,
  cert_expiry_days TEXT NOT NULL DEFAULT '[30,14,7,1]',
  push_schedule TEXT NOT NULL DEFAULT 'period' CHECK (push_schedule IN ('period', 'cron')),
  push_period_s INTEGER NOT NULL DEFAULT 86400,
  push_cron TEXT NOT NULL DEFAULT '',
  push_timezone TEXT NOT NULL DEFAULT 'UTC',
  push_grace_s INTEGER NOT NULL DEFAULT 3600
) STRICT;
INSERT INTO monitors_new (id, parent_id, name, kind, url, expected_status, timeout_ms, interval_s, retry_interval_s,
    failure_threshold, alert_emails, recovery_emails, active, ignore_tls_errors, max_redirects,
    reminder_interval_min, created_at, updated_at, channel_ids, http_method, http_headers,
    http_body, auth, auth_user, auth_secret, user_agent, assertions, degraded_ms,
    degraded_checks, cert_expiry_days)
  SELECT id, parent_id, name, kind, url, expected_status, timeout_ms, interval_s, retry_interval_s,
    failure_threshold, alert_emails, recovery_emails, active, ignore_tls_errors, max_redirects,
    reminder_interval_min, created_at, updated_at, channel_ids, http_method, http_headers,
    http_body, auth, auth_user, auth_secret, user_agent, assertions, degraded_ms,
    degraded_checks, cert_expiry_days
  FROM monitors;
INSERT INTO sqlite_sequence (name, seq)
  SELECT 'monitors_new', 0
  WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'monitors_new');
UPDATE sqlite_sequence
  SET seq = max(seq, coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'monitors'), 0))
  WHERE name = 'monitors_new';
DROP TABLE monitors;
ALTER TABLE monitors_new RENAME TO monitors;
CREATE INDEX monitors_parent ON monitors(parent_id);

-- What a push monitor remembers between pings: its secret ping token (the only credential of
-- /ping/<token>), the last ping, a run in progress (/start) and the last deadline reported late.
CREATE TABLE push_state (
  monitor_id INTEGER PRIMARY KEY REFERENCES monitors(id) ON DELETE CASCADE,
  token TEXT NOT NULL UNIQUE,
  last_ping_at INTEGER,
  last_ping_ok INTEGER,
  started_at INTEGER,
  last_duration_ms INTEGER,
  late_expected_at INTEGER
) STRICT;
`,
  },
  {
    version: 11,
    name: "maintenance windows",
    sql: `
-- Maintenance windows: the monitors covered (a JSON array of ids; a website covers its apps) and
-- the schedule (JSON: once / weekly / cron, see MaintenanceSchedule in monitor/types.ts).
CREATE TABLE maintenance_windows (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  monitor_ids TEXT NOT NULL DEFAULT '[]',
  schedule TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
-- Outages whose DOWN alert a window held back; released (sent once) after the window.
CREATE TABLE maintenance_suppressed (
  incident_id INTEGER PRIMARY KEY REFERENCES incidents(id) ON DELETE CASCADE,
  window_name TEXT NOT NULL,
  suppressed_at INTEGER NOT NULL,
  released_at INTEGER
) STRICT;
-- Checks taken during a window: stored and charted, but not counted in the uptime rollups.
ALTER TABLE checks ADD COLUMN maintenance INTEGER NOT NULL DEFAULT 0;
`,
  },
  {
    version: 12,
    name: "status pages",
    sql: `
-- Public status pages and SVG badges. Only tables and columns are added (no CHECK changes, no
-- rebuild). A later rebuild of monitors must copy public_badges.
ALTER TABLE monitors ADD COLUMN public_badges INTEGER NOT NULL DEFAULT 0;

CREATE TABLE status_pages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  slug TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  -- A host name whose "/" serves the page; lower case.
  custom_domain TEXT UNIQUE,
  logo BLOB,
  logo_type TEXT,
  logo_updated_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

-- The chosen monitors of a page, in order, each under its public name.
CREATE TABLE status_page_entries (
  page_id INTEGER NOT NULL REFERENCES status_pages(id) ON DELETE CASCADE,
  monitor_id INTEGER NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  display_name TEXT NOT NULL,
  show_apps INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (page_id, monitor_id)
) STRICT;
CREATE INDEX status_page_entries_monitor ON status_page_entries(monitor_id);

-- Operator-written incidents; status and resolved_at follow the newest update.
CREATE TABLE status_incidents (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  page_id INTEGER NOT NULL REFERENCES status_pages(id) ON DELETE CASCADE,
  title TEXT NOT NULL,
  monitor_ids TEXT NOT NULL DEFAULT '[]',
  status TEXT NOT NULL
    CHECK (status IN ('investigating', 'identified', 'monitoring', 'resolved')),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  resolved_at INTEGER
) STRICT;
CREATE INDEX status_incidents_page ON status_incidents(page_id, resolved_at);

CREATE TABLE status_incident_updates (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  incident_id INTEGER NOT NULL REFERENCES status_incidents(id) ON DELETE CASCADE,
  status TEXT NOT NULL
    CHECK (status IN ('investigating', 'identified', 'monitoring', 'resolved')),
  message TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX status_incident_updates_incident ON status_incident_updates(incident_id, created_at);
`,
  },
  {
    version: 13,
    name: "monitor tags",
    sql: `
-- Labels for filtering the overview: a JSON array of distinct lower-case strings.
ALTER TABLE monitors ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
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
    const fail = (err: unknown) =>
      new Error(`Cannot migrate database to version ${m.version} (${m.name}): ${err}`, {
        cause: err,
      });
    let restoreForeignKeys = () => {};
    try {
      if (m.foreignKeysOff) restoreForeignKeys = foreignKeysOff(db);
    } catch (err) {
      throw fail(err);
    }
    db.exec("BEGIN IMMEDIATE");
    try {
      // Another process (server and CLI started together) may have migrated while we waited.
      current = userVersion(db);
      if (m.version <= current) {
        db.exec("COMMIT");
        continue;
      }
      const brokenBefore = m.foreignKeysOff ? foreignKeyViolations(db) : 0;
      db.exec(m.sql);
      if (m.foreignKeysOff && foreignKeyViolations(db) > brokenBefore) {
        throw new Error("the step would leave rows referencing a missing parent");
      }
      db.exec(`PRAGMA user_version = ${m.version}`);
      db.exec("COMMIT");
    } catch (err) {
      db.exec("ROLLBACK");
      throw fail(err);
    } finally {
      // After COMMIT or ROLLBACK: the pragma is ignored inside a transaction.
      restoreForeignKeys();
    }
    current = m.version;
  }
  return current;
}

/**
 * Turns foreign key enforcement off and returns how to restore it. Refuses inside a transaction,
 * where SQLite silently ignores the pragma: a table rebuild would then cascade-delete history.
 */
function foreignKeysOff(db: DatabaseSync): () => void {
  const state = () =>
    (db.prepare("PRAGMA foreign_keys").get() as { foreign_keys: number }).foreign_keys;
  const before = state();
  db.exec("PRAGMA foreign_keys = OFF");
  if (state() !== 0) {
    db.exec(`PRAGMA foreign_keys = ${before}`);
    throw new Error("foreign keys cannot be turned off (is a transaction open?)");
  }
  return () => db.exec(`PRAGMA foreign_keys = ${before}`);
}

/**
 * Rows whose foreign key points at a missing parent. A step run with enforcement off must not add
 * any; ones already there (a database once written without enforcement) do not block start-up.
 */
function foreignKeyViolations(db: DatabaseSync): number {
  return db.prepare("PRAGMA foreign_key_check").all().length;
}
