/** Schema migration 4: ids users see are never reused, and an existing database upgrades intact. */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { type Db, openDb } from "../../monitor/store/sqlite/db.ts";
import { migrate, MIGRATIONS } from "../../monitor/store/sqlite/migrations.ts";
import {
  deleteMonitor,
  insertMonitor,
  type MonitorFields,
} from "../../monitor/store/sqlite/monitors.ts";
import { fakeMonitor, tempDir } from "../_helpers/core.ts";

/** Writable monitor fields for a stored monitor named `name`. */
function fields(name: string, parentId: number | null = null): MonitorFields {
  const { id: _id, createdAt: _c, updatedAt: _u, ...rest } = fakeMonitor({ name, parentId });
  return rest;
}

const count = (db: Db, table: string) =>
  (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
const rows = (db: Db, table: string) =>
  db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all().map((r) => ({ ...r }));
const pragma = (db: Db, name: string) => Object.values(db.prepare(`PRAGMA ${name}`).get()!)[0];

/** Tables whose rows the upgrade must carry over unchanged. */
const TABLES = [
  "monitors",
  "monitor_state",
  "checks",
  "incidents",
  "rollups",
  "alerts",
  "users",
  "api_tokens",
  "sessions",
];
/** Tables that must leave no trace when their monitor is deleted. */
const HISTORY = ["monitor_state", "checks", "incidents", "rollups", "alerts"];

/** An alerts row as migration 5 rewrites it: the recipient becomes an email target. */
function v5Alert({ recipient, ...rest }: Record<string, unknown>) {
  return { ...rest, channel: "email", target: recipient };
}

/** The monitors columns migration 7 adds, with the value every existing monitor gets. */
const V7_MONITOR = {
  http_method: "GET",
  http_headers: "",
  http_body: "",
  auth: "none",
  auth_user: "",
  auth_secret: "",
  user_agent: "ServerHealthChecker/1.0",
  assertions: "[]",
};

/** The columns alerts has since migration 5 (recipient → channel, target). */
const ALERT_COLUMNS = [
  "id",
  "monitor_id",
  "incident_id",
  "kind",
  "seq",
  "channel",
  "target",
  "status",
  "grouped_into",
  "check_id",
  "failures",
  "threshold",
  "subject",
  "attempts",
  "last_error",
  "response",
  "created_at",
  "next_attempt_at",
  "sent_at",
];

/** Opens `path` as the release before migration 4 did: foreign keys on, migrations 1-3 only. */
function openV3(path: string): DatabaseSync {
  const db = new DatabaseSync(path);
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA foreign_keys = ON");
  assert.equal(migrate(db, MIGRATIONS.filter((m) => m.version <= 3)), 3);
  return db;
}

/**
 * Fills a version-3 database the way that release wrote it: website 1 with internal app 2,
 * website 3 (5 was created and deleted, so 4 is the largest id), and history for each.
 */
function seedV3(db: DatabaseSync): void {
  const monitor = db.prepare(
    `INSERT INTO monitors (id, parent_id, name, kind, url, expected_status, timeout_ms, interval_s,
       retry_interval_s, failure_threshold, alert_emails, recovery_emails, active,
       ignore_tls_errors, max_redirects, reminder_interval_min, created_at, updated_at)
     VALUES (?, ?, ?, 'http', ?, '200', 1000, 60, 60, 1, '["ops@example.com"]', '[]', 1, 0, 5,
       NULL, 10, 20)`,
  );
  monitor.run(1, null, "Shop", "https://shop.example/");
  monitor.run(2, 1, "Shop API", "https://shop.example/api");
  monitor.run(3, null, "Blog", "https://blog.example/");
  monitor.run(4, null, "Docs", "https://docs.example/");
  for (const id of [1, 2, 3, 4]) {
    db.prepare(
      `INSERT INTO monitor_state (monitor_id, state, consecutive_failures, open_incident_id,
         last_check_id, last_checked_at, failing_since, changed_at)
       VALUES (?, ?, ?, ?, NULL, 100, NULL, 100)`,
    ).run(id, id === 2 ? "down" : "up", id === 2 ? 3 : 0, id === 2 ? 2 : null);
    for (let i = 0; i < 3; i++) {
      db.prepare(
        `INSERT INTO checks (monitor_id, checked_at, ok, latency_ms, http_status, error_kind,
           error_message) VALUES (?, ?, ?, 12.5, ?, ?, ?)`,
      ).run(
        id,
        100 + i,
        id === 2 ? 0 : 1,
        id === 2 ? 502 : 200,
        id === 2 ? "unexpected_status" : null,
        id === 2 ? "HTTP 502" : null,
      );
    }
    db.prepare(
      `INSERT INTO rollups (monitor_id, period, bucket_start, count, up_count, latency_min,
         latency_max, latency_sum, latency_p95) VALUES (?, 'hour', 0, 3, 3, 1, 2, 4.5, 2)`,
    ).run(id);
  }
  const incident = db.prepare(
    `INSERT INTO incidents (id, monitor_id, started_at, confirmed_at, ended_at, last_failure_at,
       failure_count, error_kind, http_status, error_message)
     VALUES (?, ?, 100, 101, ?, 102, 3, 'unexpected_status', 502, 'HTTP 502')`,
  );
  incident.run(1, 3, 150);
  incident.run(2, 2, null);
  incident.run(3, 1, null);
  db.prepare(
    `INSERT INTO alerts (monitor_id, incident_id, kind, seq, recipient, status, grouped_into,
       check_id, failures, threshold, subject, attempts, last_error, response, created_at,
       next_attempt_at, sent_at)
     VALUES (?, ?, 'down', 0, 'ops@example.com', ?, ?, 5, 3, 1, 'DOWN', 1, NULL, '250 OK', 101,
       101, 102)`,
  ).run(2, 2, "grouped", 3);
  db.prepare(
    `INSERT INTO alerts (monitor_id, incident_id, kind, seq, recipient, status, grouped_into,
       check_id, failures, threshold, subject, attempts, last_error, response, created_at,
       next_attempt_at, sent_at)
     VALUES (1, 3, 'down', 0, 'ops@example.com', 'sent', NULL, 6, 1, 1, 'DOWN', 1, NULL,
       '250 OK', 101, 101, 102)`,
  ).run();
  db.exec(`INSERT INTO users (id, username, email, password_hash, is_admin, created_at)
    VALUES (1, 'admin', NULL, 'hash', 1, 0)`);
  db.exec(`INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at)
    VALUES ('th', 1, 'csrf', 0, 99999999999999)`);
  db.exec(`INSERT INTO api_tokens (id, name, token_hash, prefix, created_at, last_used_at)
    VALUES (1, 'ci', 'h1', 'shc_1', 0, NULL), (2, 'deploy', 'h2', 'shc_2', 0, 5)`);
}

/** Every table's foreign keys as "table.column -> parent(column) ON DELETE action". */
function foreignKeys(db: Db): string[] {
  const tables = db.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
  ).all() as { name: string }[];
  return tables.flatMap(({ name }) =>
    (db.prepare(`PRAGMA foreign_key_list(${name})`).all() as {
      table: string;
      from: string;
      to: string;
      on_delete: string;
    }[]).map((fk) => `${name}.${fk.from} -> ${fk.table}(${fk.to}) ON DELETE ${fk.on_delete}`)
  ).sort();
}

/** Index names with their table and columns, and each table's columns with type and flags. */
/** Tables added by migrations after version 4, left out when comparing with a version-3 shape. */
const LATER_TABLES = ["push_state"];

function shape(db: Db) {
  const indexes = (db.prepare(
    "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name",
  ).all() as { name: string; tbl_name: string; sql: string | null }[]).map((r) =>
    `${r.tbl_name}:${r.sql ?? r.name}`
  ).filter((i) => !LATER_TABLES.some((t) => i.startsWith(`${t}:`)));
  const columns = Object.fromEntries(TABLES.map((t) => [t, rows(db, `pragma_table_info('${t}')`)]));
  return { indexes: indexes.sort(), columns };
}

Deno.test("monitor ids are never reused after a delete, also after reopening the database", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/h.db`;
  let db = openDb(path);
  try {
    const ids = ["a", "b", "c"].map((n) => insertMonitor(db, fields(n), 0).id);
    assert.deepEqual(ids, [1, 2, 3]);
    assert.ok(deleteMonitor(db, 3));
    assert.equal(insertMonitor(db, fields("d"), 0).id, 4, "not 3 again");
    assert.ok(deleteMonitor(db, 4));
  } finally {
    db.close();
  }
  db = openDb(path);
  try {
    assert.equal(insertMonitor(db, fields("e"), 0).id, 5, "the high-water mark survives a restart");
  } finally {
    db.close();
  }
});

Deno.test("incident, alert and API token ids are never reused after a delete", () => {
  const db = openDb(":memory:");
  try {
    const m = insertMonitor(db, fields("a"), 0).id;
    const addIncident = () =>
      (db.prepare(
        `INSERT INTO incidents (monitor_id, started_at, confirmed_at, last_failure_at,
           failure_count, error_kind, error_message)
         VALUES (?, 0, 0, 0, 1, 'timeout', 'x') RETURNING id`,
      ).get(m) as { id: number }).id;
    assert.equal(addIncident(), 1);
    db.exec("DELETE FROM incidents");
    assert.equal(addIncident(), 2);

    const addToken = () =>
      (db.prepare(
        `INSERT INTO api_tokens (name, token_hash, prefix, created_at)
         VALUES ('t', hex(randomblob(8)), 'p', 0) RETURNING id`,
      ).get() as { id: number }).id;
    assert.equal(addToken(), 1);
    db.exec("DELETE FROM api_tokens");
    assert.equal(addToken(), 2);

    const addAlert = () =>
      (db.prepare(
        `INSERT INTO alerts (monitor_id, incident_id, kind, seq, target, status, failures,
           threshold, attempts, created_at, next_attempt_at)
         VALUES (?, 2, 'down', 0, hex(randomblob(4)), 'pending', 1, 1, 0, 0, 0) RETURNING id`,
      ).get(m) as { id: number }).id;
    assert.equal(addAlert(), 1);
    db.exec("DELETE FROM alerts");
    assert.equal(addAlert(), 2);
  } finally {
    db.close();
  }
});

Deno.test("migration 4 upgrades a populated version-3 database without losing or re-pointing anything", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/h.db`;
  const old = openV3(path);
  seedV3(old);
  const before = Object.fromEntries(TABLES.map((t) => [t, rows(old, t)]));
  const keysBefore = foreignKeys(old);
  const shapeBefore = shape(old);
  old.close();

  // Up to version 8: later migrations add columns and tables of their own (tested on their own).
  const db = new DatabaseSync(path) as unknown as Db;
  db.exec("PRAGMA foreign_keys = ON");
  migrate(db as unknown as DatabaseSync, MIGRATIONS.filter((m) => m.version <= 8));
  try {
    assert.equal(pragma(db, "user_version"), 8);
    assert.equal(pragma(db, "foreign_keys"), 1, "enforcement is back on after the rebuild");
    assert.equal(pragma(db, "integrity_check"), "ok");
    assert.deepEqual(db.prepare("PRAGMA foreign_key_check").all(), []);
    // Migration 6 (notification channels) adds monitors.channel_ids, empty for every monitor;
    // migration 7 the HTTP request options and assertions, at their defaults.
    const v6Monitor = (r: Record<string, unknown>) => ({ ...r, channel_ids: "[]", ...V7_MONITOR });
    for (const t of TABLES) {
      const want = t === "alerts"
        ? before[t].map(v5Alert)
        : t === "monitors"
        ? before[t].map(v6Monitor)
        : before[t];
      assert.deepEqual(rows(db, t), want, `${t} rows survive`);
    }
    assert.deepEqual(
      foreignKeys(db).filter((k) => !LATER_TABLES.some((t) => k.startsWith(`${t}.`))),
      keysBefore,
      "every reference still points at its table",
    );
    const { indexes, columns: { alerts: alertColumns, ...withChannels } } = shape(db);
    const columns = {
      ...withChannels,
      monitors: withChannels.monitors.filter((c) =>
        c.name !== "channel_ids" && !Object.hasOwn(V7_MONITOR, String(c.name))
      ),
    };
    const { alerts: _, ...columnsBefore } = shapeBefore.columns;
    assert.deepEqual({ indexes, columns }, {
      indexes: shapeBefore.indexes,
      columns: columnsBefore,
    });
    assert.deepEqual(alertColumns.map((c) => c.name), ALERT_COLUMNS, "alerts as of migration 5");
    const leftovers = db.prepare("SELECT name FROM sqlite_master WHERE name LIKE '%_new%'").all();
    assert.deepEqual(leftovers, []);
    // The stored schema names "monitors", not the temporary table.
    const checksSql = (db.prepare("SELECT sql FROM sqlite_master WHERE name = 'checks'").get() as {
      sql: string;
    }).sql;
    assert.match(checksSql, /REFERENCES monitors\(id\) ON DELETE CASCADE/);
    assert.deepEqual(
      rows(db, "sqlite_sequence").sort((a, b) => String(a.name).localeCompare(String(b.name))),
      [
        { name: "alerts", seq: 2 },
        { name: "api_tokens", seq: 2 },
        { name: "incidents", seq: 3 },
        { name: "monitors", seq: 4 },
      ],
    );

    // The rest of the chain, then the current code on the upgraded file.
    assert.equal(migrate(db as unknown as DatabaseSync), MIGRATIONS.at(-1)!.version);
    // Deleting a website still cascades to its internal app and all of their history.
    assert.ok(deleteMonitor(db, 1));
    assert.deepEqual(
      (db.prepare("SELECT id FROM monitors ORDER BY id").all() as { id: number }[]).map((r) =>
        r.id
      ),
      [3, 4],
    );
    for (const t of HISTORY) {
      const left = db.prepare(`SELECT count(*) AS n FROM ${t} WHERE monitor_id IN (1, 2)`)
        .get() as {
          n: number;
        };
      assert.equal(left.n, 0, `${t} of the deleted monitors is gone`);
    }
    assert.equal(count(db, "checks"), 6, "other monitors keep their checks");
    assert.equal(count(db, "incidents"), 1);
    assert.equal(count(db, "alerts"), 0, "alerts cascade from their incident too");
    assert.equal(count(db, "sessions"), 1, "untouched tables keep their rows");

    // New rows continue above the largest id; a deleted newest row is not handed out again.
    assert.ok(deleteMonitor(db, 4));
    assert.equal(insertMonitor(db, fields("new"), 0).id, 5);
    assert.throws(
      () =>
        db.exec("INSERT INTO checks (monitor_id, checked_at, ok, latency_ms) VALUES (42, 0, 1, 1)"),
      /FOREIGN KEY constraint failed/,
      "references to a missing monitor are still refused",
    );
  } finally {
    db.close();
  }
});

Deno.test("migration 4 refuses to run inside an open transaction instead of cascading deletes", async () => {
  await using dir = await tempDir();
  const db = openV3(`${dir.path}/h.db`);
  try {
    seedV3(db);
    db.exec("BEGIN");
    // Inside a transaction PRAGMA foreign_keys is a no-op, so DROP TABLE would cascade.
    assert.throws(() => migrate(db), /version 4 .*foreign keys cannot be turned off/);
    db.exec("ROLLBACK");
    assert.equal(pragma(db, "user_version"), 3);
    assert.equal(pragma(db, "foreign_keys"), 1);
    assert.equal(count(db, "checks"), 12, "nothing was deleted");
    assert.equal(migrate(db), MIGRATIONS.at(-1)!.version, "runs once the transaction is closed");
    assert.equal(count(db, "checks"), 12);
  } finally {
    db.close();
  }
});

Deno.test("a rebuild that would leave dangling references is rolled back", async () => {
  await using dir = await tempDir();
  const db = openV3(`${dir.path}/h.db`);
  try {
    seedV3(db);
    const broken = {
      version: MIGRATIONS.at(-1)!.version + 1,
      name: "lossy rebuild",
      foreignKeysOff: true,
      sql: "DELETE FROM monitors WHERE id = 3;",
    };
    assert.throws(
      () => migrate(db, [...MIGRATIONS, broken]),
      new RegExp(`version ${broken.version} \\(lossy rebuild\\).*missing parent`),
    );
    assert.equal(pragma(db, "user_version"), MIGRATIONS.at(-1)!.version, "step 4 stays applied");
    assert.equal(count(db, "monitors"), 4, "the lossy step is undone");
    assert.equal(pragma(db, "foreign_keys"), 1);
  } finally {
    db.close();
  }
});

Deno.test("opening a new database waits for another process that holds it locked, then migrates it", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/health.db`;
  // The other process creates the file and holds its write lock for longer than one busy wait.
  // Switching to WAL then needs a lock upgrade that SQLite refuses at once, without waiting.
  const holder = new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { DatabaseSync } from "node:sqlite";
       const db = new DatabaseSync(${JSON.stringify(path)});
       db.exec("CREATE TABLE held (x); BEGIN IMMEDIATE; INSERT INTO held VALUES (1);");
       console.log("locked");
       await new Promise((r) => setTimeout(r, 1200));
       db.exec("COMMIT");`,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = holder.stdout.pipeThrough(new TextDecoderStream()).getReader();
  assert.equal((await reader.read()).value?.trim(), "locked");
  const t0 = performance.now();
  const db = openDb(path);
  const waitedMs = performance.now() - t0;
  try {
    assert.ok(waitedMs > 500, `opened after ${Math.round(waitedMs)} ms, while the lock was held`);
    assert.equal(pragma(db, "user_version"), MIGRATIONS.at(-1)!.version);
    assert.equal(pragma(db, "journal_mode"), "wal");
  } finally {
    db.close();
    await reader.cancel();
    assert.equal((await holder.status).code, 0);
  }
});

Deno.test("migration 8 lets monitors be dns and keeps every column, reference and id mark", () => {
  const db = new DatabaseSync(":memory:");
  db.exec("PRAGMA foreign_keys = ON");
  assert.equal(migrate(db, MIGRATIONS.filter((m) => m.version <= 7)), 7);
  const insert = db.prepare(
    `INSERT INTO monitors (id, parent_id, name, kind, url, expected_status, timeout_ms, interval_s,
       retry_interval_s, failure_threshold, alert_emails, recovery_emails, active,
       ignore_tls_errors, max_redirects, reminder_interval_min, created_at, updated_at,
       channel_ids, http_method, http_headers, http_body, auth, auth_user, auth_secret,
       user_agent, assertions)
     VALUES (?, ?, ?, ?, ?, '200', 1000, 60, 30, 2, '["ops@example.com"]', '[]', 1, 1, 5, 15,
       10, 20, '[1]', ?, ?, ?, ?, ?, ?, 'probe/2', ?)`,
  );
  insert.run(
    1,
    null,
    "Shop",
    "http",
    "https://shop.example/",
    "POST",
    "X-A: 1",
    "{}",
    "basic",
    "u",
    "pw",
    '[{"type":"response_time_ms","max":500}]',
  );
  insert.run(2, 1, "Redis", "tcp", "tcp://10.0.0.5:6379", "GET", "", "", "none", "", "", "[]");
  insert.run(3, null, "Gone", "http", "https://gone.example/", "GET", "", "", "none", "", "", "[]");
  db.prepare("DELETE FROM monitors WHERE id = 3").run();
  db.prepare(
    `INSERT INTO checks (monitor_id, checked_at, ok, latency_ms, http_status, error_kind,
       error_message) VALUES (2, 100, 0, 3.5, NULL, 'connection_refused', 'refused')`,
  ).run();
  const before = rows(db as unknown as Db, "monitors");
  const seqBefore = pragma(db as unknown as Db, "user_version");
  assert.equal(seqBefore, 7);
  assert.throws(
    () =>
      insert.run(5, null, "DNS", "dns", "dns://x.test?type=A", "GET", "", "", "none", "", "", "[]"),
    /CHECK constraint failed/,
  );

  assert.equal(migrate(db, MIGRATIONS.filter((m) => m.version <= 8)), 8);
  const d = db as unknown as Db;
  assert.deepEqual(rows(d, "monitors"), before, "every column of every monitor is kept");
  assert.equal(count(d, "checks"), 1);
  const seq = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'monitors'").get();
  assert.deepEqual({ ...seq }, { seq: 3 }, "the high-water mark survives the rebuild");
  assert.equal(
    db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'monitors_parent'").get()!.n,
    1,
  );
  assert.equal(
    db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'monitors_new'").get()!.n,
    0,
  );

  db.prepare(
    `INSERT INTO monitors (parent_id, name, kind, url, expected_status, timeout_ms, interval_s,
       retry_interval_s, failure_threshold, alert_emails, recovery_emails, active,
       ignore_tls_errors, max_redirects, reminder_interval_min, created_at, updated_at)
     VALUES (NULL, 'DNS', 'dns', 'dns://x.test?type=A', '200', 1000, 60, 60, 1, '[]', '[]', 1, 0,
       10, NULL, 30, 30)`,
  ).run();
  const dns = db.prepare(
    "SELECT id, kind, channel_ids, http_method, assertions FROM monitors WHERE name = 'DNS'",
  ).get();
  assert.deepEqual({ ...dns }, {
    id: 4,
    kind: "dns",
    channel_ids: "[]",
    http_method: "GET",
    assertions: "[]",
  }, "not id 3 again; the added columns keep their defaults");
  assert.throws(
    () => db.prepare("UPDATE monitors SET kind = 'ftp' WHERE id = 4").run(),
    /CHECK constraint failed/,
  );
  // The references still point at monitors: deleting the website cascades to its app's history.
  db.prepare("DELETE FROM monitors WHERE id = 1").run();
  assert.equal(count(d, "monitors"), 1);
  assert.equal(count(d, "checks"), 0);
  assert.equal(db.prepare("PRAGMA foreign_key_check").all().length, 0);
  db.close();
});

Deno.test("migration 9 adds DEGRADED and certificate columns, keeps alerts and their id mark, allows warnings", () => {
  const db = new DatabaseSync(":memory:");
  db.exec("PRAGMA foreign_keys = ON");
  assert.equal(migrate(db, MIGRATIONS.filter((m) => m.version <= 8)), 8);
  db.exec(
    `INSERT INTO monitors (id, parent_id, name, kind, url, expected_status, timeout_ms, interval_s,
       retry_interval_s, failure_threshold, alert_emails, recovery_emails, active,
       ignore_tls_errors, max_redirects, reminder_interval_min, created_at, updated_at)
     VALUES (1, NULL, 'Shop', 'http', 'https://shop.example/', '200', 1000, 60, 60, 1, '[]', '[]',
       1, 0, 10, NULL, 1, 1);
     INSERT INTO incidents (id, monitor_id, started_at, confirmed_at, last_failure_at,
       failure_count, error_kind, error_message) VALUES (1, 1, 5, 5, 5, 1, 'timeout', 'slow');
     INSERT INTO monitor_state (monitor_id, state, consecutive_failures, open_incident_id,
       changed_at) VALUES (1, 'down', 1, 1, 5);`,
  );
  const alert = db.prepare(
    `INSERT INTO alerts (monitor_id, incident_id, kind, seq, channel, target, status, failures,
       threshold, attempts, created_at, next_attempt_at)
     VALUES (1, 1, ?, 0, 'email', ?, 'sent', 1, 1, 1, 6, 6) RETURNING id`,
  );
  alert.get("down", "a@example.test");
  alert.get("down", "b@example.test");
  db.exec("DELETE FROM alerts WHERE id = 2");
  assert.throws(() => alert.get("warning", "c@example.test"), /CHECK constraint failed/);
  const before = rows(db as unknown as Db, "alerts");

  assert.equal(migrate(db, MIGRATIONS.filter((m) => m.version <= 9)), 9);
  const d = db as unknown as Db;
  assert.deepEqual(rows(d, "alerts"), before, "every alert row is kept as it was");
  assert.equal((alert.get("warning", "c@example.test") as { id: number }).id, 3, "ids not reused");
  const m = db.prepare("SELECT degraded_ms, degraded_checks, cert_expiry_days FROM monitors").get();
  assert.deepEqual({ ...m }, {
    degraded_ms: null,
    degraded_checks: 3,
    cert_expiry_days: "[30,14,7,1]",
  });
  assert.deepEqual({ ...db.prepare("SELECT type FROM incidents").get() }, { type: "down" });
  const s = db.prepare("SELECT slow_checks, degraded_incident_id FROM monitor_state").get();
  assert.deepEqual({ ...s }, { slow_checks: 0, degraded_incident_id: null });
  assert.throws(
    () => db.exec("UPDATE incidents SET type = 'other'"),
    /CHECK constraint failed/,
  );
  assert.deepEqual(foreignKeys(d).filter((k) => k.startsWith("alerts.")), [
    "alerts.incident_id -> incidents(id) ON DELETE CASCADE",
    "alerts.monitor_id -> monitors(id) ON DELETE CASCADE",
  ]);
  db.close();
});

Deno.test("the push monitors migration lets monitors be push, keeps rows and the id mark, adds push_state", () => {
  // Found by name, not number: migrations added in parallel may be renumbered when merged.
  const step = MIGRATIONS.find((m) => m.name === "push monitors")!;
  assert.ok(step, "a push monitors migration exists");
  const db = new DatabaseSync(":memory:");
  db.exec("PRAGMA foreign_keys = ON");
  const before = step.version - 1;
  assert.equal(migrate(db, MIGRATIONS.filter((m) => m.version <= before)), before);
  const add = (id: number, kind: string, url: string) =>
    db.prepare(
      `INSERT INTO monitors (id, parent_id, name, kind, url, expected_status, timeout_ms,
         interval_s, retry_interval_s, failure_threshold, alert_emails, recovery_emails, active,
         ignore_tls_errors, max_redirects, reminder_interval_min, created_at, updated_at)
       VALUES (?, NULL, ?, ?, ?, '200', 1000, 60, 60, 1, '[]', '[]', 1, 0, 10, NULL, 1, 1)`,
    ).run(id, `m${id}`, kind, url);
  add(1, "dns", "dns://x.test?type=A");
  add(2, "http", "https://gone.example/");
  db.prepare("DELETE FROM monitors WHERE id = 2").run();
  db.prepare(
    `INSERT INTO checks (monitor_id, checked_at, ok, latency_ms, http_status, error_kind,
       error_message) VALUES (1, 100, 1, 3.5, NULL, NULL, NULL)`,
  ).run();
  assert.throws(() => add(3, "push", "push://"), /CHECK constraint failed/);

  assert.equal(migrate(db, MIGRATIONS.filter((m) => m.version <= step.version)), step.version);
  const d = db as unknown as Db;
  assert.equal(count(d, "checks"), 1, "history kept through the rebuild");
  db.prepare(
    `INSERT INTO monitors (parent_id, name, kind, url, expected_status, timeout_ms, interval_s,
       retry_interval_s, failure_threshold, alert_emails, recovery_emails, active,
       ignore_tls_errors, max_redirects, reminder_interval_min, created_at, updated_at)
     VALUES (NULL, 'Backup', 'push', 'push://', '200', 1000, 60, 60, 1, '[]', '[]', 1, 0, 10,
       NULL, 30, 30)`,
  ).run();
  const push = db.prepare(
    "SELECT id, kind, push_schedule, push_period_s, push_grace_s FROM monitors WHERE name = 'Backup'",
  ).get();
  assert.deepEqual({ ...push }, {
    id: 3,
    kind: "push",
    push_schedule: "period",
    push_period_s: 86400,
    push_grace_s: 3600,
  }, "not id 2 again; the schedule columns take their defaults");
  db.prepare("INSERT INTO push_state (monitor_id, token) VALUES (3, 'tok')").run();
  assert.throws(
    () => db.prepare("INSERT INTO push_state (monitor_id, token) VALUES (1, 'tok')").run(),
    /UNIQUE/,
  );
  db.prepare("DELETE FROM monitors WHERE id = 3").run();
  assert.equal(count(d, "push_state"), 0, "push state goes with its monitor");
  assert.equal(db.prepare("PRAGMA foreign_key_check").all().length, 0);
  db.close();
});

Deno.test("the monitor tags migration gives existing monitors no tags and keeps their rows", () => {
  // Found by name, not number: migrations added in parallel may be renumbered when merged.
  const step = MIGRATIONS.find((m) => m.name === "monitor tags")!;
  assert.ok(step, "a monitor tags migration exists");
  const db = new DatabaseSync(":memory:");
  db.exec("PRAGMA foreign_keys = ON");
  const before = step.version - 1;
  assert.equal(migrate(db, MIGRATIONS.filter((m) => m.version <= before)), before);
  db.prepare(
    `INSERT INTO monitors (name, kind, url, expected_status, timeout_ms, interval_s,
       retry_interval_s, failure_threshold, alert_emails, recovery_emails, active,
       ignore_tls_errors, max_redirects, reminder_interval_min, created_at, updated_at)
     VALUES ('Shop', 'http', 'https://shop.example/', '200', 1000, 60, 60, 1, '[]', '[]', 1, 0,
       10, NULL, 1, 1)`,
  ).run();
  const old = { ...db.prepare("SELECT * FROM monitors").get() };
  assert.equal(migrate(db, MIGRATIONS.filter((m) => m.version <= step.version)), step.version);
  const now = { ...db.prepare("SELECT * FROM monitors").get() };
  assert.deepEqual(now, { ...old, tags: "[]" });
  db.close();
});
