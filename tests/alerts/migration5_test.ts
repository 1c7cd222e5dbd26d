/**
 * Schema migration 5: the alert outbox gets (channel, target) in place of recipient. A version-4
 * database upgrades with every row kept, and alert ids are still never reused.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { type Db, openDb } from "../../monitor/store/sqlite/db.ts";
import { migrate, MIGRATIONS } from "../../monitor/store/sqlite/migrations.ts";
import { deleteMonitor } from "../../monitor/store/sqlite/monitors.ts";
import { tempDir } from "../_helpers/core.ts";

type Row = Record<string, unknown>;
const all = (db: Db | DatabaseSync, sql: string) =>
  db.prepare(sql).all().map((r) => ({ ...r })) as Row[];
const one = (db: Db | DatabaseSync, sql: string) => all(db, sql)[0];

/** A version-4 database at `path` (foreign keys on, as that release opened it). */
function openV4(path: string): DatabaseSync {
  const db = new DatabaseSync(path);
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA foreign_keys = ON");
  assert.equal(migrate(db, MIGRATIONS.filter((m) => m.version <= 4)), 4);
  return db;
}

/** Monitors 1 (website) and 2 (its app), incidents 1 and 2, and `alerts` recipients on incident 1. */
function seed(db: DatabaseSync, recipients: string[]): void {
  const monitor = db.prepare(
    `INSERT INTO monitors (id, parent_id, name, kind, url, expected_status, timeout_ms, interval_s,
       retry_interval_s, failure_threshold, alert_emails, recovery_emails, active,
       ignore_tls_errors, max_redirects, reminder_interval_min, created_at, updated_at)
     VALUES (?, ?, ?, 'http', 'https://shop.example/', '200', 1000, 60, 60, 1,
       '["ops@example.com"]', '[]', 1, 0, 5, NULL, 10, 20)`,
  );
  monitor.run(1, null, "Shop");
  monitor.run(2, 1, "Shop API");
  const incident = db.prepare(
    `INSERT INTO incidents (id, monitor_id, started_at, confirmed_at, ended_at, last_failure_at,
       failure_count, error_kind, http_status, error_message)
     VALUES (?, ?, 100, 101, NULL, 102, 3, 'unexpected_status', 502, 'HTTP 502')`,
  );
  incident.run(1, 1);
  incident.run(2, 2);
  const alert = db.prepare(
    `INSERT INTO alerts (monitor_id, incident_id, kind, seq, recipient, status, grouped_into,
       check_id, failures, threshold, subject, attempts, last_error, response, created_at,
       next_attempt_at, sent_at)
     VALUES (1, 1, 'down', 0, ?, ?, NULL, 7, 3, 1, 'DOWN', 1, ?, ?, 101, 105, ?)`,
  );
  recipients.forEach((r, i) => {
    const sent = i % 2 === 0;
    alert.run(
      r,
      sent ? "sent" : "pending",
      sent ? null : "451 busy",
      sent ? "250 OK" : null,
      sent ? 103 : null,
    );
  });
}

const insertAlert = (db: Db, channel: string, target: string, incident = 1) =>
  (db.prepare(
    `INSERT INTO alerts (monitor_id, incident_id, kind, seq, channel, target, status, failures,
       threshold, attempts, created_at, next_attempt_at)
     VALUES (1, ?, 'down', 0, ?, ?, 'pending', 1, 1, 0, 0, 0) RETURNING id`,
  ).get(incident, channel, target) as { id: number }).id;

const sequence = (db: Db) =>
  all(db, "SELECT name, seq FROM sqlite_sequence WHERE name LIKE 'alerts%' ORDER BY name");

Deno.test("migration 5 upgrades a version-4 database: rows kept, recipient → target on channel email", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/h.db`;
  const old = openV4(path);
  seed(old, ["ops@example.com", "Dev@Example.com", "admin@example.com", "gone@example.com"]);
  // The newest alert was deleted: its id (4) must not come back.
  old.exec("DELETE FROM alerts WHERE id = 4");
  const before = all(old, "SELECT * FROM alerts ORDER BY id");
  old.close();

  const db = openDb(path);
  try {
    assert.equal(one(db, "PRAGMA user_version").user_version, MIGRATIONS.at(-1)!.version);
    assert.ok(MIGRATIONS.at(-1)!.version >= 5);
    assert.equal(one(db, "PRAGMA foreign_keys").foreign_keys, 1);
    assert.equal(one(db, "PRAGMA integrity_check").integrity_check, "ok");
    assert.deepEqual(all(db, "PRAGMA foreign_key_check"), []);

    const after = all(db, "SELECT * FROM alerts ORDER BY id");
    assert.deepEqual(
      after,
      before.map(({ recipient, ...rest }) => ({ ...rest, channel: "email", target: recipient })),
    );
    const columns = all(db, "SELECT name FROM pragma_table_info('alerts')").map((c) => c.name);
    assert.ok(!columns.includes("recipient"));
    assert.ok(columns.includes("channel") && columns.includes("target"));
    const schema = one(db, "SELECT sql FROM sqlite_master WHERE name = 'alerts'").sql as string;
    assert.match(schema, /id INTEGER PRIMARY KEY AUTOINCREMENT/);
    assert.match(schema, /channel TEXT NOT NULL DEFAULT 'email'/);
    assert.match(schema, /target TEXT NOT NULL COLLATE NOCASE/);
    assert.match(schema, /UNIQUE \(incident_id, kind, seq, channel, target\)/);
    assert.deepEqual(
      all(
        db,
        "SELECT name FROM sqlite_master WHERE tbl_name = 'alerts' AND type = 'index' AND sql IS NOT NULL ORDER BY name",
      )
        .map((r) => r.name),
      ["alerts_created", "alerts_due", "alerts_monitor"],
    );
    assert.deepEqual(all(db, "SELECT name FROM sqlite_master WHERE name LIKE '%_new%'"), []);
    assert.deepEqual(sequence(db), [{ name: "alerts", seq: 4 }], "the high-water mark is kept");

    // The key now includes the channel; targets still compare case-insensitively.
    assert.throws(() => insertAlert(db, "email", "OPS@example.com"), /UNIQUE constraint failed/);
    assert.equal(insertAlert(db, "test", "ops@example.com"), 5, "not 4 again");
    assert.throws(() => insertAlert(db, "test", "Ops@Example.COM"), /UNIQUE constraint failed/);
    db.exec("DELETE FROM alerts WHERE id = 5");
    assert.equal(insertAlert(db, "test", "ops@example.com"), 6);
    // A row written without a channel is an email (the column's default).
    db.exec(`INSERT INTO alerts (monitor_id, incident_id, kind, seq, target, status, failures,
      threshold, attempts, created_at, next_attempt_at)
      VALUES (1, 2, 'down', 0, 'x@example.com', 'pending', 1, 1, 0, 0, 0)`);
    assert.equal(one(db, "SELECT channel FROM alerts WHERE id = 7").channel, "email");

    // The rebuilt table still cascades from its monitor and incident.
    assert.ok(deleteMonitor(db, 1));
    assert.equal(one(db, "SELECT count(*) AS n FROM alerts").n, 0);
    assert.equal(insertAlertAfterReseed(db), 8, "ids continue after everything was deleted");
  } finally {
    db.close();
  }
  const reopened = openDb(path);
  try {
    assert.deepEqual(sequence(reopened), [{ name: "alerts", seq: 8 }], "survives a restart");
  } finally {
    reopened.close();
  }
});

/** Recreates monitor 1 and incident 1 (deleted above) and inserts one alert; returns its id. */
function insertAlertAfterReseed(db: Db): number {
  db.exec(`INSERT INTO monitors (id, parent_id, name, kind, url, expected_status, timeout_ms,
      interval_s, retry_interval_s, failure_threshold, alert_emails, recovery_emails, active,
      ignore_tls_errors, max_redirects, reminder_interval_min, created_at, updated_at)
    VALUES (1, NULL, 'Shop', 'http', 'https://shop.example/', '200', 1000, 60, 60, 1, '[]', '[]',
      1, 0, 5, NULL, 0, 0)`);
  db.exec(`INSERT INTO incidents (id, monitor_id, started_at, confirmed_at, last_failure_at,
      failure_count, error_kind, error_message) VALUES (1, 1, 0, 0, 0, 1, 'timeout', 'x')`);
  return insertAlert(db, "email", "ops@example.com");
}

Deno.test("migration 5 keeps the high-water mark of an emptied alerts table, and of a new database", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/h.db`;
  const old = openV4(path);
  seed(old, ["a@example.com", "b@example.com", "c@example.com"]);
  old.exec("DELETE FROM alerts");
  old.close();
  const db = openDb(path);
  try {
    assert.equal(one(db, "SELECT count(*) AS n FROM alerts").n, 0);
    assert.deepEqual(sequence(db), [{ name: "alerts", seq: 3 }]);
    assert.equal(insertAlert(db, "email", "a@example.com"), 4);
  } finally {
    db.close();
  }

  const fresh = openDb(":memory:");
  try {
    assert.ok(
      all(fresh, "SELECT name FROM sqlite_sequence WHERE name = 'alerts_new'").length === 0,
    );
    fresh.exec(`INSERT INTO monitors (id, parent_id, name, kind, url, expected_status, timeout_ms,
        interval_s, retry_interval_s, failure_threshold, alert_emails, recovery_emails, active,
        ignore_tls_errors, max_redirects, reminder_interval_min, created_at, updated_at)
      VALUES (1, NULL, 'Shop', 'http', 'https://shop.example/', '200', 1000, 60, 60, 1, '[]',
        '[]', 1, 0, 5, NULL, 0, 0)`);
    fresh.exec(`INSERT INTO incidents (id, monitor_id, started_at, confirmed_at, last_failure_at,
        failure_count, error_kind, error_message) VALUES (1, 1, 0, 0, 0, 1, 'timeout', 'x')`);
    assert.equal(insertAlert(fresh, "email", "a@example.com"), 1, "a new database starts at 1");
    fresh.exec("DELETE FROM alerts");
    assert.equal(insertAlert(fresh, "email", "a@example.com"), 2);
  } finally {
    fresh.close();
  }
});
