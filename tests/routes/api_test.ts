import assert from "node:assert/strict";
import { createRuntime, type Runtime } from "../../runtime.ts";
import { createApp } from "../../routes/app.ts";
import { setLogLevel } from "../../monitor/log.ts";
import { startTarget } from "../_helpers/targets.ts";
import { tempDir, testConfig, waitFor } from "../_helpers/core.ts";
import { apiClient, type Json } from "../_helpers/api.ts";

setLogLevel("error");

/** A runtime on a temp database (scheduler not started), its app and a valid token. */
async function setup() {
  const dir = await tempDir();
  const rt = await createRuntime(testConfig(dir.path), { cron: false });
  const app = createApp(rt);
  const { token, info } = await rt.accounts.createToken("tests");
  /** Sends a request; `body` objects are sent as JSON, strings as they are. */
  const call = apiClient(app, token);
  const monitorCount = async () => (await rt.store.monitors.list()).length;
  return {
    rt,
    token,
    tokenId: info.id,
    call,
    monitorCount,
    async [Symbol.asyncDispose]() {
      await rt.stop();
      await dir[Symbol.asyncDispose]();
    },
  };
}

/** Creates a monitor through the API and returns its JSON. */
async function create(s: Awaited<ReturnType<typeof setup>>, body: Json): Promise<Json> {
  const r = await s.call("POST", "/api/v1/monitors", body);
  assert.equal(r.status, 201, r.text);
  return r.json;
}

Deno.test("API refuses requests without a valid bearer token with a JSON 401", async () => {
  await using s = await setup();
  const cases: [string, string, string | null][] = [
    ["GET", "/api/v1/monitors", null],
    ["GET", "/api/v1/monitors", "Bearer shc_wrong"],
    ["GET", "/api/v1/monitors", "Bearer not-even-prefixed"],
    ["GET", "/api/v1/monitors", `Basic ${btoa("admin:password")}`],
    ["GET", "/api/v1/monitors", `Bearer`],
    ["GET", "/api/v1/monitors", `${s.token}`],
    ["POST", "/api/v1/monitors", null],
    ["GET", "/api/v1/monitors/1", null],
    ["DELETE", "/api/v1/monitors/1", null],
    ["POST", "/api/v1/monitors/1/check", null],
    ["GET", "/api/v1/no-such-route", null],
    ["GET", "/metrics", null],
    ["GET", "/metrics", "Bearer shc_wrong"],
  ];
  for (const [method, path, auth] of cases) {
    const r = await s.call(method, path, method === "POST" ? { name: "x" } : undefined, auth);
    assert.equal(r.status, 401, `${method} ${path} with ${auth}`);
    assert.match(String(r.json.error), /valid API token/);
    assert.match(r.res.headers.get("www-authenticate") ?? "", /^Bearer/);
  }
  assert.equal(await s.monitorCount(), 0);
  // The right token in any case of "Bearer" works; a revoked one does not.
  assert.equal(
    (await s.call("GET", "/api/v1/monitors", undefined, `bearer ${s.token}`)).status,
    200,
  );
  assert.ok(await s.rt.accounts.revokeToken(s.tokenId));
  assert.equal((await s.call("GET", "/api/v1/monitors")).status, 401);
});

Deno.test("API creates, reads, lists, edits and deletes a monitor", async () => {
  await using s = await setup();
  const m = await create(s, { name: "Shop", url: "https://shop.example.com/health" });
  assert.deepEqual(
    { ...m, id: 0, created_at: "", updated_at: "", status_since: "" },
    {
      id: 0,
      name: "Shop",
      url: "https://shop.example.com/health",
      kind: "http",
      parent_id: null,
      expected_status: "200",
      timeout_ms: 10_000,
      interval_s: 60,
      retry_interval_s: 60,
      failure_threshold: 1,
      alert_emails: [],
      recovery_emails: [],
      channel_ids: [],
      tags: [],
      active: true,
      ignore_tls_errors: false,
      max_redirects: 10,
      reminder_interval_min: null,
      http_method: "GET",
      http_headers: "",
      http_body: "",
      auth: "none",
      auth_user: "",
      auth_secret: "",
      user_agent: "ServerHealthChecker/1.0",
      assertions: [],
      degraded_ms: null,
      degraded_checks: 3,
      cert_expiry_days: [30, 14, 7, 1],
      schedule: "period",
      period_s: 86400,
      cron: "",
      timezone: "UTC",
      grace_s: 3600,
      public_badges: false,
      status: "pending",
      consecutive_failures: 0,
      status_since: "",
      slow_checks: 0,
      last_check: null,
      tls_certificate: null,
      created_at: "",
      updated_at: "",
    },
  );
  assert.ok(Number.isInteger(m.id));
  assert.match(String(m.created_at), /^\d{4}-\d\d-\d\dT/);

  const full = await create(s, {
    name: "Full",
    url: "http://full.example.com",
    expected_status: "200-299,301",
    timeout_ms: 2000,
    interval_s: 30,
    retry_interval_s: 10,
    failure_threshold: 3,
    alert_emails: ["ops@example.com"],
    recovery_emails: ["boss@example.com"],
    active: false,
  });
  assert.equal(full.expected_status, "200-299,301");
  assert.equal(full.failure_threshold, 3);
  assert.deepEqual(full.alert_emails, ["ops@example.com"]);
  assert.equal(full.status, "paused");

  const one = await s.call("GET", `/api/v1/monitors/${m.id}`);
  assert.equal(one.status, 200);
  assert.deepEqual(one.json, m);

  const list = await s.call("GET", "/api/v1/monitors");
  assert.deepEqual((list.json.monitors as Json[]).map((x) => x.name), ["Full", "Shop"]);
  for (const x of list.json.monitors as Json[]) {
    assert.ok("status" in x && "last_check" in x, "status and last_check on every monitor");
  }

  // PATCH changes only the fields given.
  const patched = await s.call("PATCH", `/api/v1/monitors/${full.id}`, {
    name: "Renamed",
    active: true,
  });
  assert.equal(patched.status, 200, patched.text);
  assert.deepEqual(
    { ...patched.json, updated_at: "", status_since: "" },
    { ...full, name: "Renamed", active: true, status: "pending", updated_at: "", status_since: "" },
  );

  const del = await s.call("DELETE", `/api/v1/monitors/${m.id}`);
  assert.equal(del.status, 204);
  assert.equal(del.text, "");
  assert.equal((await s.call("GET", `/api/v1/monitors/${m.id}`)).status, 404);
  assert.equal((await s.call("DELETE", `/api/v1/monitors/${m.id}`)).status, 404);
  assert.equal(await s.monitorCount(), 1);
});

Deno.test("API infers tcp from the scheme and nests internal apps under a website", async () => {
  await using s = await setup();
  const site = await create(s, { name: "Site", url: "https://example.com" });
  const db = await create(s, { name: "DB", url: "tcp://127.0.0.1:5432", parent_id: site.id });
  assert.equal(db.kind, "tcp");
  assert.equal(db.parent_id, site.id);
  const other = await create(s, { name: "Another", url: "https://another.example.com" });
  const list = await s.call("GET", "/api/v1/monitors");
  assert.deepEqual(
    (list.json.monitors as Json[]).map((x) => x.name),
    ["Another", "Site", "DB"],
    "each website is followed by its internal apps",
  );
  // Deleting the website deletes its internal apps.
  assert.equal((await s.call("DELETE", `/api/v1/monitors/${site.id}`)).status, 204);
  assert.equal((await s.call("GET", `/api/v1/monitors/${db.id}`)).status, 404);
  assert.equal((await s.call("GET", `/api/v1/monitors/${other.id}`)).status, 200);
});

Deno.test("API refuses invalid monitors with 422, a field message and no row written", async () => {
  await using s = await setup();
  const site = await create(s, { name: "Site", url: "https://example.com" });
  const app = await create(s, { name: "App", url: "https://example.com/app", parent_id: site.id });
  const ok = { name: "New", url: "https://new.example.com" };
  const cases: [string, Json, string][] = [
    ["file: URL", { ...ok, url: "file:///etc/passwd" }, "url"],
    ["javascript: URL", { ...ok, url: "javascript:alert(1)" }, "url"],
    ["missing host", { ...ok, url: "http://" }, "url"],
    ["empty tcp host", { ...ok, url: "tcp:///x" }, "url"],
    ["missing url", { name: "New" }, "url"],
    ["missing name", { url: ok.url }, "name"],
    ["timeout longer than interval", { ...ok, interval_s: 10, timeout_ms: 15_000 }, "timeout_ms"],
    ["status 600", { ...ok, expected_status: "600" }, "expected_status"],
    ["status 99", { ...ok, expected_status: "99" }, "expected_status"],
    ["status range to 700", { ...ok, expected_status: "200-700" }, "expected_status"],
    ["unknown parent", { ...ok, parent_id: 9999 }, "parent_id"],
    ["parent is an internal app", { ...ok, parent_id: app.id }, "parent_id"],
    ["interval below 10 s", { ...ok, interval_s: 5 }, "interval_s"],
    ["interval above 24 h", { ...ok, interval_s: 86_401 }, "interval_s"],
    ["threshold 0", { ...ok, failure_threshold: 0 }, "failure_threshold"],
    ["bad email", { ...ok, alert_emails: ["not-an-email"] }, "alert_emails"],
    ["unknown field", { ...ok, colour: "red" }, "colour"],
    ["active as a number", { ...ok, active: 2 }, "active"],
  ];
  for (const [label, body, field] of cases) {
    const r = await s.call("POST", "/api/v1/monitors", body);
    assert.equal(r.status, 422, `${label}: ${r.text}`);
    assert.equal(typeof r.json.error, "string", label);
    const fields = r.json.fields as Record<string, string>;
    assert.ok(field in fields, `${label}: ${JSON.stringify(fields)}`);
    assert.ok(fields[field].length > 0, label);
  }
  assert.equal(await s.monitorCount(), 2, "a refused monitor left a row behind");

  // A refused edit changes nothing.
  const before = (await s.call("GET", `/api/v1/monitors/${app.id}`)).json;
  for (
    const [body, field] of [
      [{ name: "Changed", url: "file:///etc/passwd" }, "url"],
      [{ name: "Changed", timeout_ms: 120_000 }, "timeout_ms"],
      [{ name: "Changed", parent_id: app.id }, "parent_id"],
      [{ name: "Changed", id: 5 }, "id"],
    ] as [Json, string][]
  ) {
    const r = await s.call("PATCH", `/api/v1/monitors/${app.id}`, body);
    assert.equal(r.status, 422, r.text);
    assert.ok(field in (r.json.fields as Json), r.text);
  }
  // A website with internal apps cannot itself become one.
  const other = await create(s, { name: "Other", url: "https://other.example.com" });
  const nest = await s.call("PATCH", `/api/v1/monitors/${site.id}`, { parent_id: other.id });
  assert.equal(nest.status, 422);
  assert.ok("parent_id" in (nest.json.fields as Json));
  assert.deepEqual((await s.call("GET", `/api/v1/monitors/${app.id}`)).json, before);
});

Deno.test("API answers a malformed body with 400 and a JSON error", async () => {
  await using s = await setup();
  const m = await create(s, { name: "Site", url: "https://example.com" });
  const bodies = ["{not json", "", "[1,2]", '"a string"', "null", "42"];
  for (const body of bodies) {
    for (
      const [method, path] of [["POST", "/api/v1/monitors"], ["PATCH", `/api/v1/monitors/${m.id}`]]
    ) {
      const r = await s.call(method, path, body);
      assert.equal(r.status, 400, `${method} ${JSON.stringify(body)}: ${r.text}`);
      assert.match(String(r.json.error), /JSON/);
    }
  }
  assert.equal(await s.monitorCount(), 1);
});

Deno.test("API answers unknown monitor ids with 404", async () => {
  await using s = await setup();
  const cases: [string, string, unknown?][] = [
    ["GET", "/api/v1/monitors/999"],
    ["PATCH", "/api/v1/monitors/999", { name: "x" }],
    ["DELETE", "/api/v1/monitors/999"],
    ["POST", "/api/v1/monitors/999/check"],
    ["GET", "/api/v1/monitors/999/checks"],
    ["GET", "/api/v1/monitors/999/incidents"],
    ["GET", "/api/v1/monitors/999/uptime"],
    ["GET", "/api/v1/monitors/abc"],
    ["GET", "/api/v1/monitors/-1"],
    ["GET", "/api/v1/monitors/1.5"],
    ["GET", "/api/v1/nothing-here"],
  ];
  for (const [method, path, body] of cases) {
    const r = await s.call(method, path, body);
    assert.equal(r.status, 404, `${method} ${path}: ${r.text}`);
    assert.equal(typeof r.json.error, "string");
  }
});

Deno.test("API POST /:id/check probes a real target, records the check and updates the status", async () => {
  await using s = await setup();
  let status = 200;
  await using t = await startTarget(() => new Response("hi", { status }));
  const m = await create(s, { name: "Site", url: t.url });

  const up = await s.call("POST", `/api/v1/monitors/${m.id}/check`);
  assert.equal(up.status, 200, up.text);
  assert.equal(up.json.ok, true);
  assert.equal(up.json.http_status, 200);
  assert.equal(up.json.error_kind, null);
  assert.equal(up.json.status, "up");
  assert.equal(typeof up.json.latency_ms, "number");
  assert.equal(t.requests, 1);

  status = 503;
  const down = await s.call("POST", `/api/v1/monitors/${m.id}/check`);
  assert.equal(down.json.ok, false);
  assert.equal(down.json.http_status, 503);
  assert.equal(down.json.error_kind, "unexpected_status");
  assert.equal(down.json.status, "down");

  const view = (await s.call("GET", `/api/v1/monitors/${m.id}`)).json;
  assert.equal(view.status, "down");
  assert.equal(view.consecutive_failures, 1);
  assert.deepEqual(view.last_check, {
    id: down.json.id,
    checked_at: down.json.checked_at,
    ok: false,
    http_status: 503,
    latency_ms: down.json.latency_ms,
    error_kind: "unexpected_status",
    error_message: down.json.error_message,
  });

  let incidents = (await s.call("GET", `/api/v1/monitors/${m.id}/incidents`)).json
    .incidents as Json[];
  assert.equal(incidents.length, 1);
  assert.equal(incidents[0].ongoing, true);
  assert.equal(incidents[0].ended_at, null);
  assert.equal(incidents[0].http_status, 503);
  assert.equal(incidents[0].error_kind, "unexpected_status");
  assert.equal(incidents[0].started_at, down.json.checked_at);

  status = 200;
  const back = await s.call("POST", `/api/v1/monitors/${m.id}/check`);
  assert.equal(back.json.status, "up");
  incidents = (await s.call("GET", `/api/v1/monitors/${m.id}/incidents`)).json
    .incidents as Json[];
  assert.equal(incidents.length, 1);
  assert.equal(incidents[0].ongoing, false);
  assert.equal(incidents[0].ended_at, back.json.checked_at);
  assert.equal(typeof incidents[0].duration_ms, "number");

  const uptime = (await s.call("GET", `/api/v1/monitors/${m.id}/uptime`)).json;
  assert.ok(Math.abs((uptime.uptime_24h as number) - 200 / 3) < 1e-9, JSON.stringify(uptime));

  // A paused monitor can still be checked by hand and shows as paused.
  await s.call("PATCH", `/api/v1/monitors/${m.id}`, { active: false });
  const paused = await s.call("POST", `/api/v1/monitors/${m.id}/check`);
  assert.equal(paused.json.status, "paused");
  assert.equal(t.requests, 4);
});

Deno.test("API GET /:id/checks returns the newest checks first, at most limit", async () => {
  await using s = await setup();
  await using t = await startTarget(() => new Response("ok"));
  const m = await create(s, { name: "Site", url: t.url });
  const ids: number[] = [];
  for (let i = 0; i < 5; i++) {
    ids.push((await s.call("POST", `/api/v1/monitors/${m.id}/check`)).json.id as number);
  }
  const all = (await s.call("GET", `/api/v1/monitors/${m.id}/checks`)).json.checks as Json[];
  assert.deepEqual(all.map((c) => c.id), [...ids].reverse());
  const times = all.map((c) => Date.parse(String(c.checked_at)));
  assert.deepEqual(times, [...times].sort((a, b) => b - a));
  const two = (await s.call("GET", `/api/v1/monitors/${m.id}/checks?limit=2`)).json
    .checks as Json[];
  assert.deepEqual(two.map((c) => c.id), [ids[4], ids[3]]);
  for (const bad of ["0", "-1", "abc", "10001", "2.5"]) {
    const r = await s.call("GET", `/api/v1/monitors/${m.id}/checks?limit=${bad}`);
    assert.equal(r.status, 400, `limit=${bad}`);
    assert.match(String(r.json.error), /limit/);
  }
});

Deno.test("GET /metrics needs a token and serves Prometheus text", async () => {
  await using s = await setup();
  await using t = await startTarget(() => new Response("down", { status: 500 }));
  const m = await create(s, { name: 'Quote "me"', url: t.url });
  await create(s, { name: "Paused", url: t.url, active: false });
  await s.call("POST", `/api/v1/monitors/${m.id}/check`);

  assert.equal((await s.call("GET", "/metrics", undefined, null)).status, 401);
  const r = await s.call("GET", "/metrics");
  assert.equal(r.status, 200);
  assert.match(r.res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
  for (
    const line of [
      "# TYPE shc_checks_total counter",
      `shc_checks_total{monitor_id="${m.id}",monitor="Quote \\"me\\"",result="down"} 1`,
      "# TYPE shc_scheduler_lag_seconds histogram",
      'shc_scheduler_lag_seconds_bucket{le="+Inf"} 0',
      "shc_scheduler_lag_seconds_count 0",
      "# TYPE shc_monitors gauge",
      'shc_monitors{status="down"} 1',
      'shc_monitors{status="paused"} 1',
      'shc_monitors{status="up"} 0',
      'shc_monitors{status="degraded"} 0',
      "shc_check_latency_seconds_count 1",
      `shc_check_failures_total{monitor_id="${m.id}",monitor="Quote \\"me\\"",cause="unexpected_status"} 1`,
      `shc_monitor_status{monitor_id="${m.id}",monitor="Quote \\"me\\"",kind="http",status="down"} 1`,
    ]
  ) {
    assert.ok(r.text.split("\n").includes(line), `missing line: ${line}\n${r.text}`);
  }
});

Deno.test("GET /healthz needs no token and reports the scheduler", async () => {
  await using s = await setup();
  const before = await s.call("GET", "/healthz", undefined, null);
  assert.equal(before.status, 503, "not started yet");
  assert.equal(before.json.status, "degraded");
  s.rt.start();
  // The first tick reads the store, so it lands a moment after start().
  await waitFor(() => s.rt.scheduler.stats().lastTickAt !== null, { message: "the first tick" });
  const after = await s.call("GET", "/healthz", undefined, null);
  assert.equal(after.status, 200);
  assert.equal(after.json.status, "ok");
  const scheduler = after.json.scheduler as Json;
  assert.equal(scheduler.running, true);
  assert.equal(scheduler.monitors_scheduled, 0);
  assert.match(String(scheduler.last_tick_at), /^\d{4}-/);
});

Deno.test("API POST /:id/check on a started runtime shares the probe with the scheduler", async () => {
  await using s = await setup();
  await using t = await startTarget(() => new Response("ok"));
  (s.rt as Runtime).start();
  const m = await create(s, { name: "Site", url: t.url });
  // The scheduler checks a new monitor at once; a manual check right away must not overlap it.
  const r = await s.call("POST", `/api/v1/monitors/${m.id}/check`);
  assert.equal(r.status, 200);
  const checks = (await s.call("GET", `/api/v1/monitors/${m.id}/checks`)).json.checks as Json[];
  assert.ok(checks.length >= 1 && checks.length <= 2);
  assert.equal(t.requests, checks.length, "every probe was recorded exactly once");
});
