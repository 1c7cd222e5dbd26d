/** Add/edit forms, monitor page actions and the delete confirmation, plain and with htmx. */
import assert from "node:assert/strict";
import { UP, webFixture } from "../_helpers/web.ts";
import type { ProbeResult } from "../../monitor/types.ts";

/** The value attribute of the text input named `name` (attribute order does not matter). */
function inputValue(html: string, name: string): string | undefined {
  const tag = new RegExp(`<input[^>]*\\sname="${name}"[^>]*>`).exec(html)?.[0];
  return tag ? /\svalue="([^"]*)"/.exec(tag)?.[1] : undefined;
}

const SITE = {
  name: "Shop",
  url: "https://shop.example/health",
  kind: "http",
  expected_status: "200",
  timeout_ms: "5000",
  interval_s: "30",
  retry_interval_s: "",
  failure_threshold: "2",
  alert_emails: "ops@example.com\noncall@example.com",
  recovery_emails: "ops@example.com, lead@example.com",
  parent_id: "",
  max_redirects: "3",
  reminder_interval_min: "60",
  active: "true",
  ignore_tls_errors: "false",
};

Deno.test("the add form offers every API field with defaults", async () => {
  await using f = await webFixture();
  const c = await f.login();
  const { res, text } = await c.get("/monitors/new");
  assert.equal(res.status, 200);
  for (
    const name of [
      "name",
      "url",
      "kind",
      "expected_status",
      "timeout_ms",
      "interval_s",
      "retry_interval_s",
      "failure_threshold",
      "alert_emails",
      "recovery_emails",
      "parent_id",
      "ignore_tls_errors",
      "max_redirects",
      "active",
      "reminder_interval_min",
    ]
  ) {
    assert.match(text, new RegExp(`name="${name}"`), name);
    assert.match(text, new RegExp(`<label for="f-${name}"`), `${name} is labelled`);
  }
  assert.equal(inputValue(text, "interval_s"), "60");
  assert.equal(inputValue(text, "timeout_ms"), "10000");
  assert.equal(inputValue(text, "expected_status"), "200");
  assert.match(text, /type="checkbox" id="f-active" name="active" value="true" checked/);
});

Deno.test("adding a website and an internal app through the forms", async () => {
  await using f = await webFixture();
  const c = await f.login();
  const created = await c.post("/monitors", SITE);
  assert.equal(created.res.status, 303);
  const site = (await f.rt.service.list())[0].monitor;
  assert.equal(created.res.headers.get("location"), `/monitors/${site.id}`);
  assert.deepEqual(site.alertEmails, ["ops@example.com", "oncall@example.com"]);
  assert.deepEqual(site.recoveryEmails, ["ops@example.com", "lead@example.com"]);
  assert.equal(site.retryIntervalS, 30, "empty retry = same as interval");
  assert.equal(site.reminderIntervalMin, 60);
  const page = await c.get(`/monitors/${site.id}`);
  assert.match(page.text, /Added Shop\. The first check runs now\./, "flash after the 303");
  assert.match(page.text, new RegExp(`href="/monitors/new\\?parent_id=${site.id}"`));

  const form = await c.get(`/monitors/new?parent_id=${site.id}`);
  assert.match(form.text, /<h1>Add internal app<\/h1>/);
  assert.match(form.text, new RegExp(`<option value="${site.id}" selected>Shop</option>`));
  const app = await c.post("/monitors", {
    name: "Cache",
    url: "tcp://127.0.0.1:6379",
    kind: "tcp",
    parent_id: String(site.id),
    active: "true",
  });
  assert.equal(app.res.status, 303);
  const child = await f.rt.service.children(site.id);
  assert.equal(child.length, 1);
  assert.equal(child[0].kind, "tcp");
  const overview = await c.get("/");
  assert.match(overview.text, /class="apps"><div id="m-2" class="row row-pending row-app"/);
});

Deno.test("bad input: 422 with a message next to each field and everything typed kept", async () => {
  await using f = await webFixture();
  const c = await f.login();
  const bad = {
    ...SITE,
    name: "",
    url: "ftp://files.example",
    interval_s: "5",
    alert_emails: "not-an-address",
  };
  const { res, text } = await c.post("/monitors", bad);
  assert.equal(res.status, 422);
  assert.match(text, /<!DOCTYPE html>/, "plain posts get the whole page");
  assert.match(text, /id="name-error">Required</);
  assert.match(text, /id="url-error">The ftp: scheme is not allowed/);
  assert.match(text, /id="interval_s-error">Must be from 10 to 86400</);
  assert.match(text, /id="alert_emails-error">Not a valid email address: not-an-address</);
  assert.match(text, /aria-invalid="true" aria-describedby="url-error url-hint"/);
  assert.equal(inputValue(text, "url"), "ftp://files.example");
  assert.equal(inputValue(text, "interval_s"), "5");
  assert.match(text, />not-an-address<\/textarea>/);
  assert.equal(inputValue(text, "reminder_interval_min"), "60");
  assert.equal((await f.rt.service.list()).length, 0);

  // htmx: the form region alone, still 422 (the htmx config swaps 422), and Vary says so.
  const hx = await c.post("/monitors", bad, { htmx: true });
  assert.equal(hx.res.status, 422);
  assert.match(hx.text, /^<form id="monitor-form"/);
  assert.doesNotMatch(hx.text, /<html/);
  assert.match(hx.res.headers.get("vary") ?? "", /HX-Request/);
});

Deno.test("htmx form success answers 204 with HX-Redirect to the new monitor", async () => {
  await using f = await webFixture();
  const c = await f.login();
  const { res } = await c.post("/monitors", SITE, { htmx: true });
  assert.equal(res.status, 204);
  assert.equal(res.headers.get("HX-Redirect"), "/monitors/1");
});

Deno.test("editing keeps values, and an unchecked box pauses the monitor", async () => {
  await using f = await webFixture();
  const c = await f.login();
  await c.post("/monitors", SITE);
  const edit = await c.get("/monitors/1/edit");
  assert.equal(inputValue(edit.text, "name"), "Shop");
  assert.match(edit.text, />ops@example.com\noncall@example.com<\/textarea>/);
  assert.equal(inputValue(edit.text, "failure_threshold"), "2");
  // A browser sends only the hidden "false" when the box is unchecked.
  const { active: _, ...unchecked } = SITE;
  const saved = await c.post("/monitors/1/edit", { ...unchecked, name: "Shop 2", active: "false" });
  assert.equal(saved.res.status, 303);
  const m = await f.rt.service.get(1);
  assert.equal(m.monitor.name, "Shop 2");
  assert.equal(m.status, "paused");
  // Even with the field missing entirely, unchecked means false (not the validator's default).
  await c.post("/monitors/1/edit", { ...unchecked, ignore_tls_errors: "true" });
  assert.equal((await f.rt.service.get(1)).monitor.active, false);
  assert.equal((await f.rt.service.get(1)).monitor.ignoreTlsErrors, true);
  const invalid = await c.post("/monitors/1/edit", { ...SITE, timeout_ms: "999999" });
  assert.equal(invalid.res.status, 422);
  assert.match(invalid.text, /id="timeout_ms-error">Must be from 100 to 120000</);
});

Deno.test("check now, pause and resume: 303 for forms, the page region for htmx", async () => {
  let next: ProbeResult = UP;
  await using f = await webFixture({ probe: () => Promise.resolve(next) });
  const c = await f.login();
  await c.post("/monitors", SITE);
  await c.get("/monitors/1");

  const plain = await c.post("/monitors/1/check");
  assert.equal(plain.res.status, 303);
  assert.equal(plain.res.headers.get("location"), "/monitors/1");
  const after = await c.get("/monitors/1");
  assert.match(after.text, /Checked Shop: UP, HTTP 200 OK in 12 ms/);
  assert.match(after.text, /class="pill pill-up pill-large"/);

  next = {
    ok: false,
    latencyMs: 3,
    httpStatus: 503,
    errorKind: "unexpected_status",
    errorMessage: "Expected 200, received 503",
  };
  await f.rt.service.update(1, { failure_threshold: 1 });
  const hx = await c.post("/monitors/1/check", {}, { htmx: true });
  assert.equal(hx.res.status, 200);
  assert.match(hx.text, /^<div id="monitor-page">/);
  assert.match(hx.text, /class="pill pill-down pill-large"/);
  assert.match(hx.text, /<div id="flash"[^>]*hx-swap-oob="true"/);
  assert.match(hx.text, /Checked Shop: DOWN, HTTP 503: Expected 200, received 503/);
  assert.match(hx.text, /Unexpected status \(HTTP 503\)/, "the incident with its cause");

  const paused = await c.post("/monitors/1/pause", {}, { htmx: true });
  assert.match(paused.text, /id="btn-active"[^>]*>Resume</);
  assert.equal((await f.rt.service.get(1)).status, "paused");
  const resumed = await c.post("/monitors/1/resume");
  assert.equal(resumed.res.status, 303);
  assert.equal((await f.rt.service.get(1)).monitor.active, true);
});

Deno.test("the monitor page shows the SVG chart for every range and a live partial", async () => {
  await using f = await webFixture();
  const c = await f.login();
  await c.post("/monitors", SITE);
  await f.rt.service.checkNow(1);
  for (const range of ["1h", "24h", "7d", "30d"]) {
    const { res, text } = await c.get(`/monitors/1?range=${range}`);
    assert.equal(res.status, 200);
    assert.match(
      text,
      /<svg class="chart-plot"[^>]* role="img" aria-labelledby="chart-svg-title chart-svg-desc"/,
    );
    assert.match(text, /<desc id="chart-svg-desc">Average 12 ms, fastest 12 ms, slowest 12 ms;/);
    assert.match(text, new RegExp(`id="range-${range}"[^>]*aria-current="true"`));
  }
  const page = await c.get("/monitors/1?range=1h");
  const v = /monitors\/1\/live\?v=([^&]+)&amp;range=1h/.exec(page.text)![1];
  const same = await c.get(`/monitors/1/live?v=${v}&range=1h`, { htmx: true });
  assert.equal(same.res.status, 204, "nothing changed");
  await f.rt.service.checkNow(1);
  const changed = await c.get(`/monitors/1/live?v=${v}&range=1h`, { htmx: true });
  assert.equal(changed.res.status, 200);
  assert.match(changed.text, /^<section id="monitor-live"/);
  await f.rt.service.remove(1);
  const gone = await c.get(`/monitors/1/live?v=${v}`, { htmx: true });
  assert.equal(gone.res.headers.get("HX-Redirect"), "/");
});

Deno.test("delete asks first (a page that works without JavaScript), then deletes", async () => {
  await using f = await webFixture();
  const c = await f.login();
  await c.post("/monitors", SITE);
  await c.post("/monitors", { name: "API", url: "https://api.example/", parent_id: "1" });
  const confirm = await c.get("/monitors/1/delete");
  assert.match(confirm.text, /Delete “Shop”\?/);
  assert.match(confirm.text, /internal app\(s\) are deleted too/);
  assert.match(
    confirm.text,
    /<form class="card form confirm-card" method="post" action="\/monitors\/1\/delete">/,
  );
  assert.equal((await f.rt.service.list()).length, 2, "the GET deleted nothing");
  const del = await c.post("/monitors/1/delete");
  assert.equal(del.res.status, 303);
  assert.equal(del.res.headers.get("location"), "/");
  assert.equal((await f.rt.service.list()).length, 0);
  assert.match((await c.get("/")).text, /Deleted Shop\./);
});
