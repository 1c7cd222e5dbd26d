/**
 * Status pages over HTTP: the public page shows only the chosen monitors under their public
 * names (never a URL, error message or the ids of others), 404s, caching (ETag, 304), custom
 * domains by Host header, the Atom and RSS feeds, logos, the dashboard CRUD (with CSRF) and the
 * API.
 */
import assert from "node:assert/strict";
import { DOMParser } from "@xmldom/xmldom";
import { type Client, webFixture } from "../_helpers/web.ts";
import { apiClient } from "../_helpers/api.ts";
import type { ProbeResult } from "../../monitor/types.ts";
import type { Runtime } from "../../runtime.ts";

/** Things a public page must never show. */
const SECRET_URL = "https://db-7.internal.acme.test:8443/health?token=hunter2";
const SECRET_ERROR = "connect ECONNREFUSED 10.20.30.40:8443 secret-stack-detail";
const HIDDEN_NAME = "Payroll backend (unchosen)";

const DOWN: ProbeResult = {
  ok: false,
  latencyMs: 3,
  httpStatus: null,
  errorKind: "connection_refused",
  errorMessage: SECRET_ERROR,
};

/** A probe: every URL containing "db-7" is down, the rest up. */
const probe = (t: { url: string }) =>
  Promise.resolve<ProbeResult>(
    t.url.includes("db-7") ? DOWN : {
      ok: true,
      latencyMs: 42,
      httpStatus: 200,
      errorKind: null,
      errorMessage: null,
    },
  );

/** Two chosen monitors (one down with a secret URL and message), one unchosen. */
async function seed(rt: Runtime) {
  const db = await rt.service.create({ name: "db-7 internal name", url: SECRET_URL });
  const web = await rt.service.create({ name: "Website", url: "https://www.acme.test/" });
  const hidden = await rt.service.create({ name: HIDDEN_NAME, url: "https://payroll.internal/" });
  for (const m of [db, web, hidden]) await rt.service.checkNow(m.id);
  const page = await rt.statusPages.create({
    title: "Acme <Status>",
    slug: "acme",
    description: "Our services",
    custom_domain: "status.acme.test",
    entries: [
      { monitor_id: web.id, display_name: "Public website" },
      { monitor_id: db.id, display_name: "Database" },
    ],
  });
  return { db, web, hidden, page };
}

function parseXml(xml: string) {
  return new DOMParser({
    onError: (level, msg) => {
      if (level !== "warning") throw new Error(`XML ${level}: ${msg}`);
    },
  }).parseFromString(xml, "text/xml");
}

Deno.test("public page: only the chosen monitors, by public name, with words; no URL, error, hostname or other ids", async () => {
  await using f = await webFixture({ probe });
  const { db, hidden, page } = await seed(f.rt);
  await f.rt.statusPages.createIncident(page.id, {
    title: `Database <b>slow</b>`,
    status: "identified",
    message: "Line one\n<script>alert(1)</script>",
    monitor_ids: [db.id],
  });
  const res = await f.app.request("/status/acme");
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/html; charset=utf-8");
  assert.equal(res.headers.get("cache-control"), "public, max-age=30");
  assert.ok(res.headers.get("etag"));
  assert.ok(res.headers.get("content-security-policy")?.includes("script-src 'self'"));
  const html = await res.text();
  assert.match(html, /^<!DOCTYPE html>/);
  assert.match(html, /Acme &lt;Status&gt;/);
  assert.match(html, /Public website/);
  assert.match(html, /Database/);
  assert.match(html, /Partial outage/);
  assert.match(html, /Outage/);
  assert.match(html, /Operational/);
  assert.match(html, /Current incidents/);
  assert.match(html, /Database &lt;b&gt;slow&lt;\/b&gt;/);
  assert.match(html, /Line one\n&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(html, /Identified/);
  assert.equal((html.match(/class="bar bar-/g) ?? []).length, 180, "90 bars per entry");
  assert.match(html, /title="\d{4}-\d\d-\d\d · 100\.00% uptime"/);
  assert.match(
    html,
    /<link rel="alternate" type="application\/atom\+xml"[^>]*href="\/status\/acme\/feed\.atom"/,
  );
  assert.match(html, /href="\/status\/acme\/feed\.rss"/);
  for (
    const secret of [
      SECRET_URL,
      "db-7",
      "internal",
      "hunter2",
      SECRET_ERROR,
      "10.20.30.40",
      "ECONNREFUSED",
      HIDDEN_NAME,
      "www.acme.test",
      `/monitors/`,
      "<script",
      "style=",
    ]
  ) {
    assert.ok(!html.includes(secret), `public page leaks ${secret}`);
  }
  // No monitor id at all: no link to a monitor, no badge, no data attribute.
  assert.ok(!/\/badge\/|data-id|monitor-\d/.test(html));
  void hidden;
});

Deno.test("public page: unknown or malformed slug is a 404 page; no login needed, no session cookie set", async () => {
  await using f = await webFixture({ probe });
  await seed(f.rt);
  for (const path of ["/status/nope", "/status/ACME", "/status/a%20b", "/status/acme/nope"]) {
    const res = await f.app.request(path);
    assert.equal(res.status, 404, path);
    assert.match(res.headers.get("content-type") ?? "", /text\/html/);
    assert.match(await res.text(), /<!DOCTYPE html>/);
  }
  const ok = await f.app.request("/status/acme");
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.getSetCookie().length, 0);
});

Deno.test("public page: ETag and 304 on If-None-Match; a change makes a new ETag", async () => {
  await using f = await webFixture({ probe });
  const { page } = await seed(f.rt);
  const first = await f.app.request("/status/acme");
  await first.body?.cancel();
  const etag = first.headers.get("etag")!;
  const again = await f.app.request("/status/acme", { headers: { "If-None-Match": etag } });
  assert.equal(again.status, 304);
  assert.equal(await again.text(), "");
  assert.equal(again.headers.get("etag"), etag);
  const weak = await f.app.request("/status/acme", { headers: { "If-None-Match": `W/${etag}` } });
  assert.equal(weak.status, 304);
  await f.rt.statusPages.createIncident(page.id, {
    title: "New",
    status: "investigating",
    message: "x",
  });
  const changed = await f.app.request("/status/acme", { headers: { "If-None-Match": etag } });
  assert.equal(changed.status, 200);
  assert.notEqual(changed.headers.get("etag"), etag);
  await changed.body?.cancel();
});

Deno.test("public page: 50 entries render in a few milliseconds", async () => {
  await using f = await webFixture({ probe });
  const ids: number[] = [];
  for (let i = 0; i < 50; i++) {
    ids.push((await f.rt.service.create({ name: `m${i}`, url: `https://m${i}.acme.test/` })).id);
  }
  await f.rt.statusPages.create({
    title: "Big",
    slug: "big",
    entries: ids.map((id) => ({ monitor_id: id })),
  });
  await (await f.app.request("/status/big")).text();
  const times: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    await (await f.app.request("/status/big")).text();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  assert.ok(times[5] < 50, `median ${times[5].toFixed(1)} ms`);
});

Deno.test("custom domain: its Host gets the page at / and its feeds; other hosts the dashboard", async () => {
  await using f = await webFixture({ probe });
  await seed(f.rt);
  const res = await f.app.request("http://status.acme.test/", {
    headers: { Host: "Status.Acme.Test:443" },
  });
  assert.equal(res.status, 200);
  const html = await res.text();
  assert.match(html, /Public website/);
  assert.match(html, /href="\/feed\.atom"/);
  const feed = await f.app.request("http://status.acme.test/feed.atom", {
    headers: { Host: "status.acme.test" },
  });
  assert.equal(feed.status, 200);
  assert.equal(feed.headers.get("content-type"), "application/atom+xml; charset=utf-8");
  const doc = parseXml(await feed.text());
  assert.equal(
    doc.documentElement!.getElementsByTagName("link")[0].getAttribute("href"),
    "http://status.acme.test/",
  );
  const dashboard = await f.app.request("http://localhost/", { headers: { Host: "localhost" } });
  assert.equal(dashboard.status, 303);
  assert.match(dashboard.headers.get("location") ?? "", /\/login/);
  // Other paths on the custom domain are not the page.
  const other = await f.app.request("http://status.acme.test/settings", {
    headers: { Host: "status.acme.test" },
  });
  assert.equal(other.status, 303);
});

Deno.test("feeds: Atom and RSS with the incident updates, escaped, right content types", async () => {
  await using f = await webFixture({ probe });
  const { page } = await seed(f.rt);
  const i = await f.rt.statusPages.createIncident(page.id, {
    title: `Login <fails> & "retries"`,
    status: "investigating",
    message: "We're on it <b>&</b>",
  });
  await f.rt.statusPages.addUpdate(page.id, i.id, { status: "resolved", message: "Fixed" });
  const atom = await f.app.request("/status/acme/feed.atom");
  assert.equal(atom.status, 200);
  assert.equal(atom.headers.get("content-type"), "application/atom+xml; charset=utf-8");
  assert.equal(atom.headers.get("cache-control"), "public, max-age=30");
  const a = parseXml(await atom.text()).documentElement!;
  const entries = Array.from(a.getElementsByTagName("entry"));
  assert.equal(entries.length, 2);
  assert.equal(
    entries[0].getElementsByTagName("title")[0].textContent,
    `Login <fails> & "retries": Resolved`,
  );
  assert.equal(
    entries[1].getElementsByTagName("content")[0].textContent,
    "We're on it <b>&</b>",
  );
  const rss = await f.app.request("/status/acme/feed.rss");
  assert.equal(rss.headers.get("content-type"), "application/rss+xml; charset=utf-8");
  const r = parseXml(await rss.text()).documentElement!;
  assert.equal(r.getElementsByTagName("item").length, 2);
  assert.equal((await f.app.request("/status/nope/feed.rss")).status, 404);
});

/** A 1x1 PNG. */
const PNG = Uint8Array.from(
  atob(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  ),
  (c) => c.charCodeAt(0),
);

/** Posts a multipart form as the signed-in client (with its CSRF token). */
async function postMultipart(client: Client, path: string, form: FormData) {
  form.set("_csrf", client.csrf);
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  const res = await client.app.request(path, {
    method: "POST",
    body: form,
    headers: { Cookie: cookie },
  });
  return { res, text: await res.text() };
}

Deno.test("dashboard: create, edit and delete a status page with a logo; CSRF refused", async () => {
  await using f = await webFixture({ probe });
  const web = await f.rt.service.create({ name: "Website", url: "https://www.acme.test/" });
  const api = await f.rt.service.create({
    name: "API",
    url: "https://api.acme.test/",
    parent_id: web.id,
  });
  const client = await f.login();
  const list = await client.get("/status-pages");
  assert.equal(list.res.status, 200);
  assert.match(list.text, /No status pages yet/);
  const form = await client.get("/status-pages/new");
  assert.match(form.text, new RegExp(`name="m_${web.id}"`));
  assert.match(form.text, new RegExp(`name="apps_${web.id}"`), "a website with apps can list them");
  assert.ok(!form.text.includes(`name="apps_${api.id}"`));

  // No CSRF token: refused, nothing saved.
  const forged = await client.post("/status-pages", { title: "x", slug: "x" }, { noCsrf: true });
  assert.equal(forged.res.status, 403);
  assert.deepEqual(await f.rt.statusPages.list(), []);

  // Bad input: 422 with the messages and the typed values.
  const bad = await client.post("/status-pages", {
    title: "",
    slug: "Bad Slug!",
    custom_domain: "not a host",
  });
  assert.equal(bad.res.status, 422);
  assert.match(bad.text, /Required/);
  assert.match(bad.text, /lower-case letters/);
  assert.match(bad.text, /host name/);
  assert.match(bad.text, /value="Bad Slug!"/);
  const reserved = await client.post("/status-pages", { title: "x", slug: "settings" });
  assert.match(reserved.text, /reserved/);

  const fd = new FormData();
  fd.set("title", "Acme");
  fd.set("slug", "acme");
  fd.set("custom_domain", "status.acme.test");
  fd.set(`m_${web.id}`, "true");
  fd.set(`name_${web.id}`, "Shop");
  fd.set(`pos_${web.id}`, "2");
  fd.set(`apps_${web.id}`, "true");
  fd.set(`m_${api.id}`, "true");
  fd.set(`pos_${api.id}`, "1");
  fd.set("logo", new File([PNG], "logo.png", { type: "application/octet-stream" }));
  const created = await postMultipart(client, "/status-pages", fd);
  assert.equal(created.res.status, 303, created.text);
  const [page] = await f.rt.statusPages.list();
  assert.equal(created.res.headers.get("location"), `/status-pages/${page.id}`);
  assert.deepEqual(page.entries, [
    { monitorId: api.id, displayName: "API", showApps: false },
    { monitorId: web.id, displayName: "Shop", showApps: true },
  ]);
  assert.equal(page.logoType, "image/png");

  const logo = await f.app.request(`/status/acme/logo?v=${page.logoUpdatedAt}`);
  assert.equal(logo.status, 200);
  assert.equal(logo.headers.get("content-type"), "image/png");
  assert.equal(logo.headers.get("x-content-type-options"), "nosniff");
  assert.equal(logo.headers.get("cache-control"), "public, max-age=86400");
  assert.deepEqual(new Uint8Array(await logo.arrayBuffer()), PNG);
  const pub = await (await f.app.request("/status/acme")).text();
  assert.match(
    pub,
    new RegExp(`<img class="sp-logo" src="/status/acme/logo\\?v=${page.logoUpdatedAt}"`),
  );
  assert.match(pub, /API/);

  // Same slug again: refused by field.
  const dup = await client.post("/status-pages", { title: "Again", slug: "acme" });
  assert.equal(dup.res.status, 422);
  assert.match(dup.text, /already uses this slug/);

  // A text file is not a logo: nothing changes.
  const notImage = new FormData();
  notImage.set("title", "Acme");
  notImage.set("slug", "acme");
  notImage.set("logo", new File(["<html><script>x</script></html>"], "x.svg"));
  const refused = await postMultipart(client, `/status-pages/${page.id}/edit`, notImage);
  assert.equal(refused.res.status, 422);
  assert.match(refused.text, /PNG, JPEG, WebP or SVG/);

  // Edit: rename, drop a monitor, remove the logo.
  const edit = await client.get(`/status-pages/${page.id}/edit`);
  assert.match(edit.text, /value="Shop"/);
  const saved = await client.post(`/status-pages/${page.id}/edit`, {
    title: "Acme Inc",
    slug: "acme",
    [`m_${web.id}`]: "true",
    remove_logo: "true",
  });
  assert.equal(saved.res.status, 303);
  const after = await f.rt.statusPages.get(page.id);
  assert.equal(after.title, "Acme Inc");
  assert.equal(after.customDomain, null);
  assert.deepEqual(after.entries.map((e) => e.displayName), ["Website"]);
  assert.equal(after.logoType, null);
  assert.equal((await f.app.request("/status/acme/logo")).status, 404);

  // Delete: a confirmation page first, then the POST.
  const confirm = await client.get(`/status-pages/${page.id}/delete`);
  assert.match(confirm.text, /cannot be undone/);
  const noToken = await client.post(`/status-pages/${page.id}/delete`, {}, { noCsrf: true });
  assert.equal(noToken.res.status, 403);
  const deleted = await client.post(`/status-pages/${page.id}/delete`, {});
  assert.equal(deleted.res.status, 303);
  assert.deepEqual(await f.rt.statusPages.list(), []);
  assert.equal((await f.app.request("/status/acme")).status, 404);
});

Deno.test("dashboard: the status page screens need a session", async () => {
  await using f = await webFixture({ probe });
  const anon = f.anonymous();
  for (const path of ["/status-pages", "/status-pages/new", "/status-pages/1"]) {
    const { res } = await anon.get(path);
    assert.equal(res.status, 303, path);
    assert.match(res.headers.get("location") ?? "", /^\/login/);
  }
  const { res } = await anon.post("/status-pages", { title: "x", slug: "x" });
  assert.equal(res.status, 303);
});

Deno.test("dashboard: report an incident, post updates, edit and delete one, resolve, delete it", async () => {
  await using f = await webFixture({ probe });
  const { db, page } = await seed(f.rt);
  const client = await f.login();
  const admin = await client.get(`/status-pages/${page.id}`);
  assert.match(admin.text, /Report an incident/);

  const missing = await client.post(`/status-pages/${page.id}/incidents`, {
    title: "",
    message: "",
  });
  assert.equal(missing.res.status, 422);
  assert.match(missing.text, /Required/);

  const body = new URLSearchParams({
    title: "Database degraded",
    status: "investigating",
    message: "We are looking.\nMore soon.",
    monitor_ids: String(db.id),
    _csrf: client.csrf,
  });
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  const created = await f.app.request(`/status-pages/${page.id}/incidents`, {
    method: "POST",
    body,
    headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" },
  });
  assert.equal(created.status, 303);
  const [incident] = await f.rt.statusPages.incidents(page.id);
  assert.deepEqual(incident.monitorIds, [db.id]);

  const noCsrf = await client.post(
    `/status-pages/${page.id}/incidents/${incident.id}/updates`,
    { status: "identified", message: "x" },
    { noCsrf: true },
  );
  assert.equal(noCsrf.res.status, 403);
  const upd = await client.post(`/status-pages/${page.id}/incidents/${incident.id}/updates`, {
    status: "identified",
    message: "Disk full",
  });
  assert.equal(upd.res.status, 303);
  let pub = await (await f.app.request("/status/acme")).text();
  assert.match(pub, /Current incidents/);
  assert.match(pub, /Database degraded/);
  assert.match(pub, /Affects: Database/);
  assert.ok(pub.indexOf("Disk full") < pub.indexOf("We are looking."), "newest update first");

  const current = await f.rt.statusPages.incident(page.id, incident.id);
  const first = current.updates.at(-1)!;
  const editPage = await client.get(
    `/status-pages/${page.id}/incidents/${incident.id}/updates/${first.id}/edit`,
  );
  assert.match(editPage.text, /We are looking/);
  const edited = await client.post(
    `/status-pages/${page.id}/incidents/${incident.id}/updates/${first.id}/edit`,
    { status: "investigating", message: "Rewritten first update" },
  );
  assert.equal(edited.res.status, 303);
  const confirm = await client.get(
    `/status-pages/${page.id}/incidents/${incident.id}/updates/${first.id}/delete`,
  );
  assert.match(confirm.text, /Delete this update/);
  await client.post(`/status-pages/${page.id}/incidents/${incident.id}/updates/${first.id}/delete`);
  assert.equal((await f.rt.statusPages.incident(page.id, incident.id)).updates.length, 1);

  const resolved = await client.post(`/status-pages/${page.id}/incidents/${incident.id}/updates`, {
    status: "resolved",
    message: "All good",
  });
  assert.equal(resolved.res.status, 303);
  pub = await (await f.app.request("/status/acme")).text();
  assert.ok(!pub.includes("Current incidents"));
  assert.match(pub, /Past incidents[\s\S]*Database degraded[\s\S]*Resolved/);

  await client.get(`/status-pages/${page.id}/incidents/${incident.id}/delete`);
  const gone = await client.post(`/status-pages/${page.id}/incidents/${incident.id}/delete`);
  assert.equal(gone.res.status, 303);
  assert.deepEqual(await f.rt.statusPages.incidents(page.id), []);
  // Another page's incident id is not reachable through this page.
  assert.equal((await client.get(`/status-pages/${page.id}/incidents/999/delete`)).res.status, 404);
});

Deno.test("API: status page CRUD, logo, incidents and updates with a bearer token", async () => {
  await using f = await webFixture({ probe });
  const web = await f.rt.service.create({ name: "Website", url: "https://www.acme.test/" });
  const { token } = await f.rt.accounts.createToken("tests");
  const call = apiClient(f.app, token);

  assert.equal((await call("GET", "/api/v1/status-pages", undefined, null)).status, 401);
  const created = await call("POST", "/api/v1/status-pages", {
    title: "Acme",
    slug: "acme",
    entries: [{ monitor_id: web.id, display_name: "Shop", show_apps: false }],
  });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.json.public_url, `${f.rt.config.baseUrl}/status/acme`);
  const id = created.json.id as number;
  const unknown = await call("POST", "/api/v1/status-pages", { title: "x", slug: "y", colour: 1 });
  assert.equal(unknown.status, 422);
  const badEntry = await call("POST", "/api/v1/status-pages", {
    title: "x",
    slug: "y",
    entries: [{ monitor_id: 9999 }],
  });
  assert.equal(badEntry.status, 422);
  assert.match(JSON.stringify(badEntry.json.fields), /No monitor with id 9999/);

  const patched = await call("PATCH", `/api/v1/status-pages/${id}`, {
    custom_domain: "S.Acme.Test.",
  });
  assert.equal(patched.json.custom_domain, "s.acme.test");
  assert.equal(patched.json.title, "Acme");
  assert.equal(
    (await call("GET", "/api/v1/status-pages")).json.status_pages instanceof Array,
    true,
  );

  const logo = await f.app.request(`/api/v1/status-pages/${id}/logo`, {
    method: "PUT",
    headers: { authorization: `Bearer ${token}`, "content-type": "image/png" },
    body: PNG,
  });
  assert.equal(logo.status, 200);
  assert.match((await logo.json()).logo_url, /\/status\/acme\/logo\?v=\d+/);
  const svgLogo = await f.app.request(`/api/v1/status-pages/${id}/logo`, {
    method: "PUT",
    headers: { authorization: `Bearer ${token}` },
    body:
      `<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`,
  });
  assert.equal(svgLogo.status, 200);
  const served = await f.app.request("/status/acme/logo");
  assert.equal(served.headers.get("content-type"), "image/svg+xml");
  assert.match(served.headers.get("content-security-policy") ?? "", /sandbox/);
  assert.match(served.headers.get("content-security-policy") ?? "", /default-src 'none'/);
  await served.body?.cancel();

  const inc = await call("POST", `/api/v1/status-pages/${id}/incidents`, {
    title: "Outage",
    status: "investigating",
    message: "Looking",
    monitor_ids: [web.id],
  });
  assert.equal(inc.status, 201, inc.text);
  const iid = inc.json.id as number;
  const wrongMonitor = await call("POST", `/api/v1/status-pages/${id}/incidents`, {
    title: "x",
    status: "investigating",
    message: "y",
    monitor_ids: [424242],
  });
  assert.equal(wrongMonitor.status, 422);
  const badStatus = await call("POST", `/api/v1/status-pages/${id}/incidents/${iid}/updates`, {
    status: "fixed",
    message: "x",
  });
  assert.equal(badStatus.status, 422);
  const upd = await call("POST", `/api/v1/status-pages/${id}/incidents/${iid}/updates`, {
    status: "resolved",
    message: "Done",
  });
  assert.equal(upd.status, 201);
  assert.equal(upd.json.status, "resolved");
  assert.ok(upd.json.resolved_at);
  const updates = upd.json.updates as { id: number }[];
  const edited = await call(
    "PATCH",
    `/api/v1/status-pages/${id}/incidents/${iid}/updates/${updates[0].id}`,
    { status: "monitoring", message: "Not yet" },
  );
  assert.equal(edited.json.status, "monitoring");
  const del = await call(
    "DELETE",
    `/api/v1/status-pages/${id}/incidents/${iid}/updates/${updates[0].id}`,
  );
  assert.equal(del.status, 200);
  const last = await call(
    "DELETE",
    `/api/v1/status-pages/${id}/incidents/${iid}/updates/${updates[1].id}`,
  );
  assert.equal(last.status, 422, "the only update cannot be deleted");
  assert.equal(
    (await call("GET", `/api/v1/status-pages/${id}/incidents`)).json.incidents instanceof Array,
    true,
  );
  assert.equal((await call("DELETE", `/api/v1/status-pages/${id}/incidents/${iid}`)).status, 204);
  assert.equal((await call("DELETE", `/api/v1/status-pages/${id}`)).status, 204);
  assert.equal((await call("GET", `/api/v1/status-pages/${id}`)).status, 404);
});

Deno.test("SLA of a status page: every monitor it shows, as JSON and CSV (API) and as a dashboard download", async () => {
  await using f = await webFixture({ probe });
  const { db, web, hidden, page } = await seed(f.rt);
  const { token } = await f.rt.accounts.createToken("tests");
  const call = apiClient(f.app, token);

  const r = await call("GET", `/api/v1/status-pages/${page.id}/sla?months=2`);
  assert.equal(r.status, 200);
  const ids = (r.json.monitors as { id: number }[]).map((m) => m.id).sort();
  assert.deepEqual(ids, [db.id, web.id].sort(), "the page's monitors, not the unchosen one");
  assert.ok(!ids.includes(hidden.id));
  const months = r.json.months as { checks: number; uptime_percent: number }[];
  assert.equal(months.length, 2);
  assert.equal(months[1].checks, 2);
  assert.equal(months[1].uptime_percent, 50, "one of the two checks failed");

  const csv = await call("GET", `/api/v1/status-pages/${page.id}/sla?format=csv`);
  assert.equal(csv.status, 200);
  assert.match(csv.res.headers.get("content-type") ?? "", /^text\/csv/);
  assert.match(
    csv.res.headers.get("content-disposition") ?? "",
    /^attachment; filename="sla-Acme-Status-\d{4}-\d{2}\.csv"$/,
  );
  assert.equal((await call("GET", `/api/v1/status-pages/${page.id}/sla?format=xml`)).status, 400);
  assert.equal((await call("GET", "/api/v1/status-pages/999/sla")).status, 404);

  const c = await f.login();
  const admin = await c.get(`/status-pages/${page.id}`);
  assert.match(admin.text, new RegExp(`href="/status-pages/${page.id}/sla.csv"`));
  const download = await c.get(`/status-pages/${page.id}/sla.csv`);
  assert.equal(download.res.status, 200);
  assert.match(download.text, /^month,monitors,uptime_percent/);
  const anon = await f.anonymous().get(`/status-pages/${page.id}/sla.csv`);
  assert.equal(anon.res.status, 303, "the download needs a session");
});

Deno.test("public page: upcoming maintenance of its monitors, each window once; others' never", async () => {
  await using f = await webFixture({ probe });
  const { db, hidden } = await seed(f.rt);
  const weekly = {
    kind: "weekly",
    weekdays: [1, 2, 3, 4, 5, 6, 7],
    time: "03:00",
    duration_min: 30,
    timezone: "Europe/Berlin",
  };
  await f.rt.maintenance.create({ name: "Nightly vacuum", monitor_ids: [db.id], schedule: weekly });
  await f.rt.maintenance.create({
    name: "Payroll migration",
    monitor_ids: [hidden.id],
    schedule: weekly,
  });
  const page = await f.anonymous().get("/status/acme");
  assert.equal(page.res.status, 200);
  assert.match(page.text, /Upcoming maintenance/);
  assert.equal(page.text.split("Nightly vacuum").length - 1, 1, "one entry for a daily window");
  assert.match(page.text, /Affects: Database/);
  assert.ok(!page.text.includes("Payroll migration"), "a window of an unchosen monitor");
});
