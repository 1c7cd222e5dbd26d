/**
 * Maintenance windows and SLA reports over HTTP: the API (CRUD, unknown fields refused, field
 * messages, SLA JSON and CSV), and the dashboard (list, add, edit, delete with confirmation,
 * CSRF, the monitor page, the overview tile, the CSV download).
 */
import assert from "node:assert/strict";
import { webFixture } from "../_helpers/web.ts";
import { apiClient } from "../_helpers/api.ts";

const soon = (ms: number) => new Date(Date.now() + ms).toISOString();

async function apiFixture() {
  const f = await webFixture();
  const { token } = await f.rt.accounts.createToken("tests");
  const m = await f.rt.service.create({ name: 'Shop, "EU"', url: "http://127.0.0.1:9/" });
  return {
    f,
    call: apiClient(f.app, token),
    m,
    [Symbol.asyncDispose]: () => f[Symbol.asyncDispose](),
  };
}

Deno.test("API /api/v1/maintenance: create, list, get, patch and delete; the monitor shows maintenance", async () => {
  await using x = await apiFixture();
  const { call, m } = x;
  const created = await call("POST", "/api/v1/maintenance", {
    name: "DB upgrade",
    description: "Postgres 17",
    monitor_ids: [m.id],
    schedule: { kind: "once", starts_at: soon(-60_000), ends_at: soon(3_600_000) },
  });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.json.name, "DB upgrade");
  assert.equal(created.json.active, true);
  assert.deepEqual(created.json.monitor_ids, [m.id]);
  const id = created.json.id as number;

  assert.equal((await call("GET", `/api/v1/monitors/${m.id}`)).json.status, "maintenance");
  assert.equal((await call("GET", "/api/v1/maintenance")).json.maintenance instanceof Array, true);
  assert.equal((await call("GET", `/api/v1/maintenance/${id}`)).json.description, "Postgres 17");

  const patched = await call("PATCH", `/api/v1/maintenance/${id}`, {
    schedule: {
      kind: "weekly",
      weekdays: [6, 7],
      time: "03:00",
      duration_min: 60,
      timezone: "Europe/Berlin",
    },
  });
  assert.equal(patched.status, 200, patched.text);
  assert.deepEqual(patched.json.schedule, {
    kind: "weekly",
    duration_min: 60,
    timezone: "Europe/Berlin",
    weekdays: [6, 7],
    time: "03:00",
  });
  assert.equal(patched.json.name, "DB upgrade", "absent fields keep their values");
  assert.ok((patched.json.next_occurrence as { starts_at: string }).starts_at);

  assert.equal((await call("DELETE", `/api/v1/maintenance/${id}`)).status, 204);
  assert.equal((await call("GET", `/api/v1/maintenance/${id}`)).status, 404);
  assert.equal((await call("DELETE", `/api/v1/maintenance/${id}`)).status, 404);
  assert.equal((await call("GET", "/api/v1/maintenance", undefined, null)).status, 401);
});

Deno.test("API /api/v1/maintenance refuses unknown fields and says which field is wrong", async () => {
  await using x = await apiFixture();
  const { call, m } = x;
  const r = await call("POST", "/api/v1/maintenance", {
    name: "x",
    monitor_ids: [m.id, 999],
    colour: "blue",
    schedule: { kind: "cron", cron: "every day", duration_min: 0, timezone: "Nowhere/City" },
  });
  assert.equal(r.status, 422, r.text);
  const fields = (r.json.fields ?? r.json.errors) as Record<string, string>;
  assert.deepEqual(Object.keys(fields).sort(), [
    "colour",
    "monitor_ids",
    "schedule.cron",
    "schedule.duration_min",
    "schedule.timezone",
  ]);
  const bad = await call("POST", "/api/v1/maintenance", {
    name: "x",
    monitor_ids: [m.id],
    schedule: { kind: "once", starts_at: soon(0), ends_at: soon(-1000) },
  });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /Must be after the start/);
});

Deno.test("API /api/v1/monitors/:id/sla: 12 months of JSON, CSV with ?format=csv", async () => {
  await using x = await apiFixture();
  const { call, m } = x;
  await x.f.rt.service.checkNow(m.id);
  const r = await call("GET", `/api/v1/monitors/${m.id}/sla`);
  assert.equal(r.status, 200);
  const months = r.json.months as {
    month: string;
    uptime_percent: number | null;
    checks: number;
  }[];
  assert.equal(months.length, 12);
  assert.equal(months.at(-1)!.month, new Date().toISOString().slice(0, 7));
  assert.equal(months.at(-1)!.uptime_percent, 100);
  assert.equal(months.at(-1)!.checks, 1);
  assert.equal(
    ((await call("GET", `/api/v1/monitors/${m.id}/sla?months=3`)).json.months as []).length,
    3,
  );
  assert.equal((await call("GET", `/api/v1/monitors/${m.id}/sla?months=99`)).status, 400);
  assert.equal((await call("GET", "/api/v1/monitors/999/sla")).status, 404);

  const csv = await call("GET", `/api/v1/monitors/${m.id}/sla?format=csv`);
  assert.equal(csv.status, 200);
  assert.match(csv.res.headers.get("content-type") ?? "", /^text\/csv/);
  assert.match(
    csv.res.headers.get("content-disposition") ?? "",
    /^attachment; filename="sla-Shop-EU-\d{4}-\d{2}\.csv"$/,
  );
  const lines = csv.text.split("\r\n");
  assert.equal(
    lines[0],
    "month,monitors,uptime_percent,downtime_min,incidents,longest_incident_min,maintenance_min,checks",
  );
  assert.equal(lines.length, 14, "header, 12 months, final CRLF");
  assert.match(lines[12], /^\d{4}-\d{2},"Shop, ""EU""",100,0,0,0,0,1$/);
});

Deno.test("dashboard: add a window, see it listed and active, MAINTENANCE on the monitor page and overview, edit, delete after confirming", async () => {
  await using f = await webFixture();
  const m = await f.rt.service.create({ name: "Shop", url: "http://127.0.0.1:9/" });
  await f.rt.service.checkNow(m.id);
  const c = await f.login();
  const form = await c.get(`/maintenance/new?monitor=${m.id}`);
  assert.equal(form.res.status, 200);
  assert.match(form.text, new RegExp(`value="${m.id}"[^>]*checked|checked[^>]*value="${m.id}"`));

  const invalid = await c.post("/maintenance", {
    name: "",
    kind: "once",
    starts_at: "",
    ends_at: "",
  });
  assert.equal(invalid.res.status, 422);
  assert.match(invalid.text, /Pick at least one monitor/);
  assert.match(invalid.text, /id="f-name"/);

  const local = (ms: number) => new Date(Date.now() + ms).toISOString().slice(0, 16);
  const added = await c.post("/maintenance", {
    name: "Nightly <deploy>",
    monitor_ids: String(m.id),
    kind: "once",
    timezone: "UTC",
    starts_at: local(-120_000),
    ends_at: local(3_600_000),
  });
  assert.equal(added.res.status, 303, added.text);
  assert.equal(added.res.headers.get("location"), "/maintenance");
  const list = await c.get("/maintenance");
  assert.match(list.text, /Nightly &lt;deploy&gt;/);
  assert.match(list.text, /Active now, until/);

  const page = await c.get(`/monitors/${m.id}`);
  assert.match(page.text, /status-maintenance/);
  assert.match(page.text, /In maintenance: Nightly &lt;deploy&gt;, until/);
  assert.match(page.text, /id="sla-table"/);
  const overview = await c.get("/");
  assert.match(overview.text, /tile-maintenance/);

  const [w] = await f.rt.store.maintenance.list();
  const edit = await c.get(`/maintenance/${w.id}/edit`);
  assert.match(edit.text, /value="Nightly &lt;deploy&gt;"/);
  const saved = await c.post(`/maintenance/${w.id}/edit`, {
    name: "Weekly patching",
    monitor_ids: String(m.id),
    kind: "cron",
    cron: "0 3 * * 0",
    duration_min: "45",
    timezone: "Europe/Berlin",
  });
  assert.equal(saved.res.status, 303, saved.text);
  assert.deepEqual((await f.rt.store.maintenance.get(w.id))?.schedule, {
    kind: "cron",
    cron: "0 3 * * 0",
    durationMin: 45,
    timezone: "Europe/Berlin",
  });

  const confirm = await c.get(`/maintenance/${w.id}/delete`);
  assert.match(confirm.text, /Delete “Weekly patching”\?/);
  assert.equal(await f.rt.store.maintenance.get(w.id) !== null, true, "asking deletes nothing");
  const deleted = await c.post(`/maintenance/${w.id}/delete`);
  assert.equal(deleted.res.status, 303);
  assert.equal(await f.rt.store.maintenance.get(w.id), null);
});

Deno.test("dashboard: every maintenance POST needs the CSRF token; the CSV needs a session", async () => {
  await using f = await webFixture();
  const m = await f.rt.service.create({ name: "Shop", url: "http://127.0.0.1:9/" });
  const c = await f.login();
  const body = {
    name: "x",
    monitor_ids: String(m.id),
    kind: "cron",
    cron: "0 3 * * 0",
    duration_min: "30",
    timezone: "UTC",
  };
  assert.equal((await c.post("/maintenance", body, { noCsrf: true })).res.status, 403);
  assert.equal((await c.post("/maintenance", body, { csrf: "x".repeat(43) })).res.status, 403);
  assert.equal((await f.rt.store.maintenance.list()).length, 0);
  await c.post("/maintenance", body);
  const [w] = await f.rt.store.maintenance.list();
  for (const path of ["edit", "delete"]) {
    const r = await c.post(`/maintenance/${w.id}/${path}`, { ...body, name: "forged" }, {
      noCsrf: true,
    });
    assert.equal(r.res.status, 403, path);
  }
  assert.equal((await f.rt.store.maintenance.get(w.id))?.name, "x");

  const csv = await c.get(`/monitors/${m.id}/sla.csv`);
  assert.equal(csv.res.status, 200);
  assert.match(
    csv.res.headers.get("content-disposition") ?? "",
    /^attachment; filename="sla-Shop-/,
  );
  assert.ok(csv.text.startsWith("month,monitors,"));
  const anon = await f.anonymous().get(`/monitors/${m.id}/sla.csv`);
  assert.notEqual(anon.res.status, 200);
  assert.equal((await c.get("/monitors/999/sla.csv")).res.status, 404);
});
