/**
 * The add/edit form after the walkthrough: the kind follows a tcp:// or dns:// URL, a failed
 * submit leads with a focused summary linking to each field, and adding says "website" or
 * "internal app" everywhere.
 */
import assert from "node:assert/strict";
import { webFixture } from "../_helpers/web.ts";

const BASE = {
  name: "Db",
  expected_status: "200",
  timeout_ms: "5000",
  interval_s: "30",
  failure_threshold: "2",
  active: "true",
};

Deno.test("the add form starts on Auto and a tcp:// or dns:// URL decides the kind", async () => {
  await using f = await webFixture();
  const c = await f.login();
  const { text } = await c.get("/monitors/new");
  assert.match(text, /<option value="" selected>Auto: from the URL<\/option>/);
  // kind left on Auto (posted empty): inferred on the server.
  const tcp = await c.post("/monitors", { ...BASE, url: "tcp://db.example:5432", kind: "" });
  assert.equal(tcp.res.status, 303, tcp.text.slice(0, 300));
  const dns = await c.post("/monitors", {
    ...BASE,
    name: "Zone",
    url: "dns://example.com?type=A",
    kind: "",
  });
  assert.equal(dns.res.status, 303);
  const web = await c.post("/monitors", { ...BASE, name: "Web", url: "https://example.com/" });
  assert.equal(web.res.status, 303);
  const kinds = (await f.rt.service.list()).map((v) => [v.monitor.name, v.monitor.kind]);
  assert.deepEqual(Object.fromEntries(kinds), { Db: "tcp", Zone: "dns", Web: "http" });
  // A kind picked by hand must still match the URL.
  const bad = await c.post("/monitors", { ...BASE, url: "tcp://db.example:5432", kind: "http" });
  assert.equal(bad.res.status, 422);
  assert.match(bad.text, /An http monitor needs an http:\/\/ or https:\/\/ URL/);
  // The HTTP-only sections are marked for app.js to hide while the kind is tcp or dns.
  assert.match(text, /<fieldset data-http-only="true"><legend>HTTP request<\/legend>/);
  assert.match(text, /<fieldset data-http-only="true"><legend>Assertions<\/legend>/);
});

Deno.test("a failed submit leads with a focusable summary that links to each field", async () => {
  await using f = await webFixture();
  const c = await f.login();
  await c.get("/monitors/new");
  const form = { ...BASE, name: "", url: "gopher://x", interval_s: "5" };
  for (const htmx of [false, true]) {
    const { res, text } = await c.post("/monitors", form, { htmx });
    assert.equal(res.status, 422);
    assert.equal(text.includes("<html"), !htmx, "a page without JS, the form region with htmx");
    const summary = /<div id="form-errors"[^>]*>[\s\S]*?<\/div>/.exec(text)?.[0] ?? "";
    assert.match(summary, /role="alert"/);
    assert.match(summary, /tabindex="-1"/);
    assert.match(summary, /autofocus/);
    assert.match(summary, /3 fields need attention/);
    // In form order, each a link to its control's id.
    const links = [...summary.matchAll(/<a href="#([^"]+)">([^<]+)<\/a>/g)].map((m) => m.slice(1));
    assert.deepEqual(links.map(([href]) => href), ["f-name", "f-url", "f-interval_s"]);
    assert.match(links[0][1], /^Name: Required$/);
    assert.match(links[2][1], /^Check every \(seconds\): Must be from 10 to 86400$/);
    for (const [href] of links) assert.match(text, new RegExp(`id="${href}"`), href);
    // The summary comes before the first field.
    assert.ok(text.indexOf('id="form-errors"') < text.indexOf('id="f-name"'));
  }
});

Deno.test("adding says 'Add website' or 'Add internal app' on every link, title and button", async () => {
  await using f = await webFixture();
  const c = await f.login();
  const overview = (await c.get("/")).text;
  assert.match(overview, /<a href="\/monitors\/new" >Add website<\/a>/, "nav link");
  assert.match(overview, /<a class="btn btn-primary" href="\/monitors\/new">Add website<\/a>/);
  const site = (await c.get("/monitors/new")).text;
  assert.match(site, /<title>Add website · Server Health Checker<\/title>/);
  assert.match(site, /<h1>Add website<\/h1>/);
  assert.match(site, /<button type="submit" class="btn btn-primary">Add website<\/button>/);
  const m = await f.rt.service.create({ name: "Shop", url: "https://shop.example/" });
  const page = (await c.get(`/monitors/${m.id}`)).text;
  assert.match(page, /href="\/monitors\/new\?parent_id=\d+">Add internal app<\/a>/);
  const app = (await c.get(`/monitors/new?parent_id=${m.id}`)).text;
  assert.match(app, /<title>Add internal app · Server Health Checker<\/title>/);
  assert.match(app, /<h1>Add internal app<\/h1>/);
  assert.match(app, /<button type="submit" class="btn btn-primary">Add internal app<\/button>/);
  const failed = await c.post("/monitors", { ...BASE, name: "", parent_id: String(m.id) });
  assert.match(failed.text, /<h1>Add internal app<\/h1>/);
  assert.match(failed.text, />Add internal app<\/button>/);
  for (const html of [overview, site, page, app, failed.text]) {
    assert.doesNotMatch(html, /Add monitor/);
  }
});

Deno.test("a monitor page without a range opens on the window that has data", async () => {
  await using f = await webFixture();
  const c = await f.login();
  const range = async (id: number) => {
    const { text } = await c.get(`/monitors/${id}`);
    const current = /id="range-(\w+)"[^>]*aria-current="true"/.exec(text)?.[1];
    const polled = /\/live\?v=[^"]*?&amp;range=(\w+)"/.exec(text)?.[1];
    assert.equal(polled, current, "the poller keeps the window shown");
    return current;
  };
  const fresh = await f.rt.service.create({ name: "New", url: "https://new.example/" });
  assert.equal(await range(fresh.id), "24h", "no data at all: the default");
  await f.rt.service.checkNow(fresh.id);
  assert.equal(await range(fresh.id), "1h", "every check is from the last hour");
  // A check from three hours ago: the day view has more than the hour.
  const old = await f.rt.service.create({ name: "Old", url: "https://old.example/" });
  const m = (await f.rt.service.get(old.id)).monitor;
  const up = { ok: true, latencyMs: 9, httpStatus: 200, errorKind: null, errorMessage: null };
  await f.rt.service.recorder.record(m, up, Date.now() - 3 * 3_600_000);
  await f.rt.service.checkNow(old.id);
  assert.equal(await range(old.id), "24h");
  // Only data from days ago (paused since): the week view.
  const paused = await f.rt.service.create({ name: "Paused", url: "https://p.example/" });
  const p = (await f.rt.service.get(paused.id)).monitor;
  await f.rt.service.recorder.record(p, up, Date.now() - 3 * 86_400_000);
  assert.equal(await range(paused.id), "7d");
  // A range in the URL always wins.
  const { text } = await c.get(`/monitors/${fresh.id}?range=30d`);
  assert.match(text, /id="range-30d"[^>]*aria-current="true"/);
});
