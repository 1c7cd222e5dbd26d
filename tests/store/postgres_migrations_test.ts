/** PostgreSQL migration 4: monitors.kind accepts 'dns'; an existing schema upgrades intact. */
import assert from "node:assert/strict";
import { connect } from "../../monitor/store/postgres/db.ts";
import { migrate, MIGRATIONS } from "../../monitor/store/postgres/migrations.ts";
import { HOW_TO_ENABLE, pgSchema, testDatabaseUrl } from "../_helpers/postgres.ts";

const ignore = testDatabaseUrl() === null;

Deno.test({
  name: `postgres migration 4 lets monitors be dns and keeps existing ones${
    ignore ? ` (postgres: ${HOW_TO_ENABLE})` : ""
  }`,
  ignore,
  async fn() {
    await using schema = await pgSchema();
    const sql = connect(schema.url, { max: 1 });
    try {
      assert.equal(await migrate(sql, MIGRATIONS.filter((m) => m.version <= 3)), 3);
      const insert = (name: string, kind: string, url: string) =>
        sql`INSERT INTO monitors (name, kind, url, expected_status, timeout_ms, interval_s,
            retry_interval_s, failure_threshold, alert_emails, recovery_emails, active,
            ignore_tls_errors, max_redirects, created_at, updated_at, http_method)
          VALUES (${name}, ${kind}, ${url}, '200', 1000, 60, 60, 1, '[]', '[]', true, false, 10,
            1, 2, 'HEAD') RETURNING id`;
      await insert("Redis", "tcp", "tcp://10.0.0.5:6379");
      await assert.rejects(insert("DNS", "dns", "dns://x.test?type=A"), /monitors_kind_check/);
      const before = await sql`SELECT * FROM monitors ORDER BY id`;

      assert.equal(await migrate(sql, MIGRATIONS.filter((m) => m.version <= 4)), 4);
      assert.deepEqual(await sql`SELECT * FROM monitors ORDER BY id`, before);
      await insert("DNS", "dns", "dns://x.test?type=A");
      await assert.rejects(insert("FTP", "ftp", "ftp://x.test"), /monitors_kind_check/);
      const kinds = await sql`SELECT kind FROM monitors ORDER BY id`;
      assert.deepEqual(kinds.map((r) => r.kind), ["tcp", "dns"]);
    } finally {
      await sql.end();
    }
  },
});

Deno.test({
  name: `postgres push monitors migration: kind push, schedule defaults, push_state${
    ignore ? ` (postgres: ${HOW_TO_ENABLE})` : ""
  }`,
  ignore,
  async fn() {
    // Found by name, not number: migrations added in parallel may be renumbered when merged.
    const step = MIGRATIONS.find((m) => m.name === "push monitors")!;
    await using schema = await pgSchema();
    const sql = connect(schema.url, { max: 1 });
    try {
      const before = step.version - 1;
      assert.equal(await migrate(sql, MIGRATIONS.filter((m) => m.version <= before)), before);
      const insert = (name: string, kind: string, url: string) =>
        sql`INSERT INTO monitors (name, kind, url, expected_status, timeout_ms, interval_s,
            retry_interval_s, failure_threshold, alert_emails, recovery_emails, active,
            ignore_tls_errors, max_redirects, created_at, updated_at)
          VALUES (${name}, ${kind}, ${url}, '200', 1000, 60, 60, 1, '[]', '[]', true, false, 10,
            1, 2) RETURNING id`;
      await insert("Redis", "tcp", "tcp://10.0.0.5:6379");
      await assert.rejects(insert("Backup", "push", "push://"), /monitors_kind_check/);
      assert.equal(
        await migrate(sql, MIGRATIONS.filter((m) => m.version <= step.version)),
        step.version,
      );
      const [{ id }] = await insert("Backup", "push", "push://");
      const [row] = await sql`SELECT push_schedule, push_period_s, push_cron, push_timezone,
          push_grace_s FROM monitors WHERE id = ${id}`;
      assert.deepEqual({ ...row }, {
        push_schedule: "period",
        push_period_s: 86400,
        push_cron: "",
        push_timezone: "UTC",
        push_grace_s: 3600,
      });
      await sql`INSERT INTO push_state (monitor_id, token) VALUES (${id}, 'tok')`;
      await sql`DELETE FROM monitors WHERE id = ${id}`;
      const [{ n }] = await sql`SELECT count(*)::int AS n FROM push_state`;
      assert.equal(n, 0, "push state goes with its monitor");
    } finally {
      await sql.end();
    }
  },
});

Deno.test({
  name: `postgres monitor tags migration: existing monitors get no tags${
    ignore ? ` (postgres: ${HOW_TO_ENABLE})` : ""
  }`,
  ignore,
  async fn() {
    // Found by name, not number: migrations added in parallel may be renumbered when merged.
    const step = MIGRATIONS.find((m) => m.name === "monitor tags")!;
    await using schema = await pgSchema();
    const sql = connect(schema.url, { max: 1 });
    try {
      const before = step.version - 1;
      assert.equal(await migrate(sql, MIGRATIONS.filter((m) => m.version <= before)), before);
      await sql`INSERT INTO monitors (name, kind, url, expected_status, timeout_ms, interval_s,
          retry_interval_s, failure_threshold, alert_emails, recovery_emails, active,
          ignore_tls_errors, max_redirects, created_at, updated_at)
        VALUES ('Shop', 'http', 'https://shop.example/', '200', 1000, 60, 60, 1, '[]', '[]', true,
          false, 10, 1, 2)`;
      const [old] = await sql`SELECT * FROM monitors`;
      assert.equal(
        await migrate(sql, MIGRATIONS.filter((m) => m.version <= step.version)),
        step.version,
      );
      const [now] = await sql`SELECT * FROM monitors`;
      assert.deepEqual({ ...now }, { ...old, tags: "[]" });
    } finally {
      await sql.end();
    }
  },
});
