/**
 * Versioned schema migrations of the PostgreSQL engine, applied in order when a store opens.
 * Never edit a released one: append. The numbering is this engine's own (SQLite's history of
 * table rebuilds has no counterpart here); version 1 is the schema SQLite reached at its 5.
 *
 * Column types: ids and epoch-ms times BIGINT, small counts INTEGER, latencies DOUBLE PRECISION,
 * flags BOOLEAN, e-mail lists a JSON array in TEXT (as in SQLite). Ids are identity columns,
 * whose sequences never hand out a value twice, so a deleted row's id is never reused.
 */
import type { Q, Sql } from "./db.ts";

/** One schema step. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Every migration, oldest first. */
export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: "initial",
    sql: `
CREATE TABLE monitors (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  parent_id BIGINT REFERENCES monitors(id) ON DELETE CASCADE,
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
  active BOOLEAN NOT NULL,
  ignore_tls_errors BOOLEAN NOT NULL,
  max_redirects INTEGER NOT NULL,
  reminder_interval_min INTEGER,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX monitors_parent ON monitors (parent_id);

CREATE TABLE monitor_state (
  monitor_id BIGINT PRIMARY KEY REFERENCES monitors(id) ON DELETE CASCADE,
  state TEXT NOT NULL CHECK (state IN ('up', 'down', 'pending')),
  consecutive_failures INTEGER NOT NULL,
  open_incident_id BIGINT,
  last_check_id BIGINT,
  last_checked_at BIGINT,
  -- Time of the first failed check of the current failing streak (the outage start).
  failing_since BIGINT,
  changed_at BIGINT NOT NULL
);

CREATE TABLE checks (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  monitor_id BIGINT NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
  checked_at BIGINT NOT NULL,
  ok BOOLEAN NOT NULL,
  latency_ms DOUBLE PRECISION NOT NULL,
  http_status INTEGER,
  error_kind TEXT,
  error_message TEXT
);
-- With id last, "newest N of a monitor" (checked_at DESC, id DESC) is one index walk.
CREATE INDEX checks_monitor_time ON checks (monitor_id, checked_at, id);
CREATE INDEX checks_time ON checks (checked_at);

CREATE TABLE incidents (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  monitor_id BIGINT NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
  started_at BIGINT NOT NULL,
  confirmed_at BIGINT NOT NULL,
  ended_at BIGINT,
  last_failure_at BIGINT NOT NULL,
  failure_count INTEGER NOT NULL,
  error_kind TEXT NOT NULL,
  http_status INTEGER,
  error_message TEXT NOT NULL
);
CREATE INDEX incidents_monitor ON incidents (monitor_id, started_at, id);

-- Hourly and daily aggregates so uptime and charts never scan raw checks.
CREATE TABLE rollups (
  monitor_id BIGINT NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
  period TEXT NOT NULL CHECK (period IN ('hour', 'day')),
  bucket_start BIGINT NOT NULL,
  count INTEGER NOT NULL,
  up_count INTEGER NOT NULL,
  latency_min DOUBLE PRECISION,
  latency_max DOUBLE PRECISION,
  latency_sum DOUBLE PRECISION NOT NULL,
  latency_p95 DOUBLE PRECISION,
  PRIMARY KEY (monitor_id, period, bucket_start)
);
CREATE INDEX rollups_period_time ON rollups (period, bucket_start);

-- User names are unique case-insensitively, as SQLite's COLLATE NOCASE (ASCII letters only).
CREATE TABLE users (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username TEXT NOT NULL,
  email TEXT,
  password_hash TEXT NOT NULL,
  is_admin BOOLEAN NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_username ON users (lower(username COLLATE "C"));

CREATE TABLE api_tokens (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT
);

-- The alert outbox: one row per (incident, kind, reminder number, channel, target), written in
-- the transaction that records the state change and delivered by the sender loop. The unique
-- key makes an alert exactly-once per target; targets (addresses) compare case-insensitively.
CREATE TABLE alerts (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  monitor_id BIGINT NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
  incident_id BIGINT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('down', 'recovered', 'reminder')),
  -- Reminder number (1, 2, …); 0 for down and recovered.
  seq INTEGER NOT NULL,
  channel TEXT NOT NULL DEFAULT 'email',
  target TEXT NOT NULL,
  status TEXT NOT NULL
    CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped', 'grouped')),
  grouped_into BIGINT,
  -- The check that caused the transition; no foreign key because checks are pruned.
  check_id BIGINT,
  failures INTEGER NOT NULL,
  threshold INTEGER NOT NULL,
  subject TEXT,
  attempts INTEGER NOT NULL,
  last_error TEXT,
  response TEXT,
  created_at BIGINT NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  sent_at BIGINT
);
CREATE UNIQUE INDEX alerts_key ON alerts (incident_id, kind, seq, channel, lower(target COLLATE "C"));
CREATE INDEX alerts_due ON alerts (status, next_attempt_at);
CREATE INDEX alerts_monitor ON alerts (monitor_id, created_at);
CREATE INDEX alerts_created ON alerts (created_at);

-- Dashboard logins. Only a SHA-256 of the cookie token is stored.
CREATE TABLE sessions (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX sessions_user ON sessions (user_id);
`,
  },
  {
    version: 2,
    name: "notification channels",
    sql: `
-- Configured notification channels; outbox rows carry (channel = kind, target = the id).
CREATE TABLE channels (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  config TEXT NOT NULL,
  is_default BOOLEAN NOT NULL DEFAULT false,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
-- The channels each monitor alerts besides its emails: a JSON array of channel ids.
ALTER TABLE monitors ADD COLUMN channel_ids TEXT NOT NULL DEFAULT '[]';
`,
  },
  {
    version: 3,
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
    version: 4,
    name: "dns monitors",
    sql: `
-- monitors.kind gains 'dns' (the column CHECK of version 1 got PostgreSQL's default name).
ALTER TABLE monitors DROP CONSTRAINT monitors_kind_check;
ALTER TABLE monitors ADD CONSTRAINT monitors_kind_check CHECK (kind IN ('http', 'tcp', 'dns'));
`,
  },
  {
    version: 5,
    name: "degraded state and tls certificates",
    sql: `
-- DEGRADED: a successful check slower than degraded_ms (NULL = off) is slow; degraded_checks
-- slow checks in a row make the monitor DEGRADED. TLS: warn this many days before expiry.
ALTER TABLE monitors ADD COLUMN degraded_ms INTEGER;
ALTER TABLE monitors ADD COLUMN degraded_checks INTEGER NOT NULL DEFAULT 3;
ALTER TABLE monitors ADD COLUMN cert_expiry_days TEXT NOT NULL DEFAULT '[30,14,7,1]';
ALTER TABLE monitor_state ADD COLUMN slow_checks INTEGER NOT NULL DEFAULT 0;
ALTER TABLE monitor_state ADD COLUMN degraded_incident_id BIGINT;
-- Incidents are outages ('down'), slow periods ('degraded') or expiring certificates
-- ('certificate', one per certificate).
ALTER TABLE incidents ADD COLUMN type TEXT NOT NULL DEFAULT 'down'
  CHECK (type IN ('down', 'degraded', 'certificate'));
-- The leaf certificate each https monitor's server presented at its latest check, its open
-- certificate incident, and the smallest days threshold already warned about.
CREATE TABLE tls_certificates (
  monitor_id BIGINT PRIMARY KEY REFERENCES monitors(id) ON DELETE CASCADE,
  fingerprint TEXT NOT NULL,
  subject TEXT NOT NULL,
  issuer TEXT NOT NULL,
  valid_from BIGINT NOT NULL,
  valid_to BIGINT NOT NULL,
  checked_at BIGINT NOT NULL,
  incident_id BIGINT REFERENCES incidents(id) ON DELETE SET NULL,
  warned_days INTEGER
);
-- alerts.kind gains 'warning' (a certificate expiry warning; seq = the days threshold).
ALTER TABLE alerts DROP CONSTRAINT alerts_kind_check;
ALTER TABLE alerts ADD CONSTRAINT alerts_kind_check
  CHECK (kind IN ('down', 'recovered', 'reminder', 'warning'));
`,
  },
  {
    version: 6,
    name: "push monitors",
    sql: `
-- monitors.kind gains 'push' (heartbeat monitors, never probed) and the push schedule columns;
-- other kinds keep their defaults.
ALTER TABLE monitors DROP CONSTRAINT monitors_kind_check;
ALTER TABLE monitors ADD CONSTRAINT monitors_kind_check
  CHECK (kind IN ('http', 'tcp', 'dns', 'push'));
ALTER TABLE monitors ADD COLUMN push_schedule TEXT NOT NULL DEFAULT 'period'
  CHECK (push_schedule IN ('period', 'cron'));
ALTER TABLE monitors ADD COLUMN push_period_s INTEGER NOT NULL DEFAULT 86400;
ALTER TABLE monitors ADD COLUMN push_cron TEXT NOT NULL DEFAULT '';
ALTER TABLE monitors ADD COLUMN push_timezone TEXT NOT NULL DEFAULT 'UTC';
ALTER TABLE monitors ADD COLUMN push_grace_s INTEGER NOT NULL DEFAULT 3600;

-- What a push monitor remembers between pings: its secret ping token (the only credential of
-- /ping/<token>), the last ping, a run in progress (/start) and the last deadline reported late.
CREATE TABLE push_state (
  monitor_id BIGINT PRIMARY KEY REFERENCES monitors(id) ON DELETE CASCADE,
  token TEXT NOT NULL UNIQUE,
  last_ping_at BIGINT,
  last_ping_ok BOOLEAN,
  started_at BIGINT,
  last_duration_ms BIGINT,
  late_expected_at BIGINT
);
`,
  },
  {
    version: 7,
    name: "maintenance windows",
    sql: `
-- Maintenance windows: the monitors covered (a JSON array of ids; a website covers its apps) and
-- the schedule (JSON: once / weekly / cron, see MaintenanceSchedule in monitor/types.ts).
CREATE TABLE maintenance_windows (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  monitor_ids TEXT NOT NULL DEFAULT '[]',
  schedule TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
-- Outages whose DOWN alert a window held back; released (sent once) after the window.
CREATE TABLE maintenance_suppressed (
  incident_id BIGINT PRIMARY KEY REFERENCES incidents(id) ON DELETE CASCADE,
  window_name TEXT NOT NULL,
  suppressed_at BIGINT NOT NULL,
  released_at BIGINT
);
-- Checks taken during a window: stored and charted, but not counted in the uptime rollups.
ALTER TABLE checks ADD COLUMN maintenance BOOLEAN NOT NULL DEFAULT false;
`,
  },
  {
    version: 8,
    name: "status pages",
    sql: `
-- Public status pages and SVG badges: tables and columns added, no constraint changed.
ALTER TABLE monitors ADD COLUMN public_badges BOOLEAN NOT NULL DEFAULT false;

CREATE TABLE status_pages (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  slug TEXT NOT NULL,
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  -- A host name whose "/" serves the page; lower case.
  custom_domain TEXT,
  logo BYTEA,
  logo_type TEXT,
  logo_updated_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  CONSTRAINT status_pages_slug_key UNIQUE (slug),
  CONSTRAINT status_pages_custom_domain_key UNIQUE (custom_domain)
);

-- The chosen monitors of a page, in order, each under its public name.
CREATE TABLE status_page_entries (
  page_id BIGINT NOT NULL REFERENCES status_pages(id) ON DELETE CASCADE,
  monitor_id BIGINT NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  display_name TEXT NOT NULL,
  show_apps BOOLEAN NOT NULL DEFAULT false,
  PRIMARY KEY (page_id, monitor_id)
);
CREATE INDEX status_page_entries_monitor ON status_page_entries (monitor_id);

-- Operator-written incidents; status and resolved_at follow the newest update.
CREATE TABLE status_incidents (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  page_id BIGINT NOT NULL REFERENCES status_pages(id) ON DELETE CASCADE,
  title TEXT NOT NULL,
  monitor_ids TEXT NOT NULL DEFAULT '[]',
  status TEXT NOT NULL
    CHECK (status IN ('investigating', 'identified', 'monitoring', 'resolved')),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  resolved_at BIGINT
);
CREATE INDEX status_incidents_page ON status_incidents (page_id, resolved_at);

CREATE TABLE status_incident_updates (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  incident_id BIGINT NOT NULL REFERENCES status_incidents(id) ON DELETE CASCADE,
  status TEXT NOT NULL
    CHECK (status IN ('investigating', 'identified', 'monitoring', 'resolved')),
  message TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX status_incident_updates_incident ON status_incident_updates (incident_id, created_at);
`,
  },
  {
    version: 9,
    name: "monitor tags",
    sql: `
-- Labels for filtering the overview: a JSON array of distinct lower-case strings.
ALTER TABLE monitors ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
`,
  },
];

/** The table recording which migrations ran (in the store's schema). */
const VERSION_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at BIGINT NOT NULL
)`;

/** The schema's version: the newest migration recorded, 0 for an empty schema. */
export async function schemaVersion(q: Q): Promise<number> {
  const [r] = await q`SELECT to_regclass('schema_migrations') IS NOT NULL AS present`;
  if (!r.present) return 0;
  const [v] = await q`SELECT coalesce(max(version), 0) AS v FROM schema_migrations`;
  return v.v as number;
}

/**
 * Applies every migration newer than the schema's version, all in one transaction: a failed step
 * leaves the schema as it was. A transaction-scoped advisory lock (keyed by the schema) makes a
 * second process opening the same schema wait, then find the work done. Returns the version.
 */
export async function migrate(
  sql: Sql,
  migrations: Migration[] = MIGRATIONS,
): Promise<number> {
  const newest = migrations.at(-1)?.version ?? 0;
  return await sql.begin(async (tx) => {
    const [s] = await tx`SELECT current_schema() AS schema`;
    if (s.schema === null) {
      const [p] = await tx`SELECT current_setting('search_path') AS path`;
      throw new Error(
        `Cannot open database: no schema of its search_path (${p.path}) exists; create it first`,
      );
    }
    await tx`SELECT pg_advisory_xact_lock(hashtext('server-health-checker migrate'),
      hashtext(current_schema()))`;
    let current = await schemaVersion(tx);
    if (current > newest) {
      throw new Error(
        `Cannot open database: its schema version ${current} is newer than this build knows (${newest}); upgrade Server Health Checker`,
      );
    }
    if (current === newest) return current;
    await tx.unsafe(VERSION_TABLE);
    for (const m of migrations) {
      if (m.version <= current) continue;
      try {
        await tx.unsafe(m.sql);
        await tx`INSERT INTO schema_migrations (version, name, applied_at)
          VALUES (${m.version}, ${m.name}, ${Date.now()})`;
      } catch (err) {
        throw new Error(`Cannot migrate database to version ${m.version} (${m.name}): ${err}`, {
          cause: err,
        });
      }
      current = m.version;
    }
    return current;
  });
}
