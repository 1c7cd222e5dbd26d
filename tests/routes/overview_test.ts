/** The overview page and its polled partial: 204 when unchanged, changed rows out of band. */
import assert from "node:assert/strict";
import { UP, webFixture } from "../_helpers/web.ts";
import type { ProbeResult } from "../../monitor/types.ts";

const DOWN: ProbeResult = {
  ok: false,
  latencyMs: 1,
  httpStatus: null,
  errorKind: "connection_refused",
  errorMessage: "Connection refused (os error 111)",
};

/** The version the page's poller will send. */
function pollVersion(html: string): string {
  return /\/partials\/overview\?v=([\d-]+)/.exec(html)![1];
}

/** The poller's whole URL (version and view). */
function pollUrl(html: string): string {
  return /id="overview-poll" hx-get="([^"]+)"/.exec(html)![1].replaceAll("&amp;", "&");
}

Deno.test("the overview nests internal apps under their website with status, uptime and beats", async () => {
  let next = UP;
  await using f = await webFixture({ probe: () => Promise.resolve(next) });
  const site = await f.rt.service.create({ name: "Shop", url: "https://shop.example/" });
  const app = await f.rt.service.create({
    name: "Cart",
    url: "https://cart.example/",
    parent_id: site.id,
  });
  const paused = await f.rt.service.create({
    name: "Old",
    url: "https://old.example/",
    active: false,
  });
  await f.rt.service.create({ name: "New", url: "https://new.example/" });
  for (let i = 0; i < 3; i++) await f.rt.service.checkNow(site.id);
  next = DOWN;
  await f.rt.service.checkNow(app.id);
  const c = await f.login();
  const { text } = await c.get("/");
  // Summary counts, with colour and text.
  for (const s of ["up", "down", "pending", "paused"]) {
    assert.match(
      text,
      new RegExp(
        `class="tile tile-${s} tile-some" href="/\\?status=${s}"[^>]*><span class="tile-count">1</span>`,
      ),
    );
  }
  // The app row sits inside the website's group.
  assert.match(
    text,
    new RegExp(
      `<div id="m-${site.id}" class="row row-up"[\\s\\S]*?<div class="apps"><div id="m-${app.id}" class="row row-down row-app"`,
    ),
  );
  assert.match(text, new RegExp(`id="m-${paused.id}" class="row row-paused"`));
  assert.match(text, /<span class="pill pill-down">Down<\/span>/);
  assert.match(text, /aria-label="Last 3 checks: 3 up, 0 down"/);
  assert.match(
    text,
    /<span class="error-text" title="Connection refused \(os error 111\)">Refused<\/span>/,
  );
  assert.match(text, /<dd>100.00%<\/dd>/, "24 h uptime of the site");
  assert.match(text, /<title>1 down · Server Health Checker<\/title>/);
  assert.match(text, /hx-trigger="shc:poll from:body"/);
  assert.match(text, /<noscript><meta http-equiv="refresh" content="30"><\/noscript>/);
});

Deno.test("the poll answers 204 until something changes, then only the changed row", async () => {
  let next = UP;
  await using f = await webFixture({ probe: () => Promise.resolve(next) });
  const a = await f.rt.service.create({ name: "A", url: "https://a.example/" });
  const b = await f.rt.service.create({ name: "B", url: "https://b.example/" });
  await f.rt.service.checkNow(a.id);
  await f.rt.service.checkNow(b.id);
  const c = await f.login();
  // Sorted by name, the order does not follow statuses: a status change is one row.
  const page = (await c.get("/?sort=name")).text;
  const v = pollVersion(page);
  assert.match(pollUrl(page), /&sort=name$/);

  const idle = await c.get(pollUrl(page), { htmx: true });
  assert.equal(idle.res.status, 204);
  assert.equal(idle.text, "");

  // A goes down: the next poll carries A's row (out of band), the summary and a new poller.
  next = DOWN;
  await f.rt.service.checkNow(a.id);
  const changed = await c.get(pollUrl(page), { htmx: true });
  assert.equal(changed.res.status, 200);
  assert.match(changed.text, /<div id="overview-poll" hx-get="\/partials\/overview\?v=/);
  assert.match(changed.text, /<nav id="summary"[^>]*hx-swap-oob="true"/);
  assert.match(
    changed.text,
    new RegExp(`<div id="m-${a.id}" class="row row-down" hx-swap-oob="true">`),
  );
  assert.doesNotMatch(changed.text, new RegExp(`id="m-${b.id}"`), "B did not change");
  assert.doesNotMatch(changed.text, /id="monitor-list"/);
  assert.match(changed.text, /<title>1 down · Server Health Checker<\/title>/);
  const v2 = pollVersion(changed.text);
  assert.notEqual(v2, v);
  assert.match(pollUrl(changed.text), /&sort=name$/, "the new poller keeps the view");
  assert.equal((await c.get(pollUrl(changed.text), { htmx: true })).res.status, 204);

  // Adding a monitor changes the list itself: the whole list comes back.
  await f.rt.service.create({ name: "C", url: "https://c.example/" });
  const full = await c.get(`/partials/overview?v=${v2}`, { htmx: true });
  assert.match(full.text, /<div id="monitor-list" class="monitor-list"[^>]*hx-swap-oob="true">/);
  // Pausing is an edit: also the whole list.
  const v3 = pollVersion(full.text);
  await f.rt.service.setActive(b.id, false);
  const paused = await c.get(`/partials/overview?v=${v3}`, { htmx: true });
  assert.match(paused.text, new RegExp(`id="m-${b.id}" class="row row-paused"`));
  // A garbage version is answered with the full list rather than an error.
  const junk = await c.get("/partials/overview?v=<script>", { htmx: true });
  assert.equal(junk.res.status, 200);
  assert.match(junk.text, /id="monitor-list"/);
});

Deno.test("problems first: a status change re-draws the list, a new check of the same status one row", async () => {
  let next = UP;
  await using f = await webFixture({ probe: () => Promise.resolve(next) });
  const a = await f.rt.service.create({ name: "A", url: "https://a.example/" });
  const b = await f.rt.service.create({ name: "B", url: "https://b.example/" });
  await f.rt.service.checkNow(a.id);
  await f.rt.service.checkNow(b.id);
  const c = await f.login();
  const page = (await c.get("/")).text;
  assert.ok(page.indexOf(`id="m-${a.id}"`) < page.indexOf(`id="m-${b.id}"`), "A, B by name");

  // Another UP check of A: its row only.
  await f.rt.service.checkNow(a.id);
  const same = await c.get(pollUrl(page), { htmx: true });
  assert.match(same.text, new RegExp(`<div id="m-${a.id}" class="row row-up" hx-swap-oob="true">`));
  assert.doesNotMatch(same.text, /id="monitor-list"/);

  // B goes down: it moves to the top, so the whole list comes back with B first.
  next = DOWN;
  await f.rt.service.checkNow(b.id);
  const moved = await c.get(pollUrl(same.text), { htmx: true });
  assert.match(moved.text, /<div id="monitor-list" class="monitor-list"[^>]*hx-swap-oob="true">/);
  assert.ok(moved.text.indexOf(`id="m-${b.id}"`) < moved.text.indexOf(`id="m-${a.id}"`));
});

Deno.test("an empty overview invites adding a website", async () => {
  await using f = await webFixture();
  const c = await f.login();
  const { text } = await c.get("/");
  assert.match(text, /No monitors yet/);
  assert.match(text, /<a class="btn btn-primary" href="\/monitors\/new">Add a website<\/a>/);
});

Deno.test("a large overview is sent gzipped; small pages and the login page are not", async () => {
  await using f = await webFixture();
  for (let i = 0; i < 30; i++) {
    await f.rt.service.create({ name: `Site ${i}`, url: `https://s${i}.example/` });
  }
  const c = await f.login();
  const cookie = [...c.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  const res = await f.app.request("/", { headers: { Cookie: cookie, "Accept-Encoding": "gzip" } });
  assert.equal(res.headers.get("content-encoding"), "gzip");
  assert.match(res.headers.get("vary")!, /Accept-Encoding/);
  const html = await new Response(res.body!.pipeThrough(new DecompressionStream("gzip"))).text();
  assert.match(html, /Site 29/);
  const settings = await f.app.request("/settings", {
    headers: { Cookie: cookie, "Accept-Encoding": "gzip" },
  });
  assert.equal(settings.headers.get("content-encoding"), null);
  await settings.body?.cancel();
});

Deno.test("the overview says when email alerts are off, and not when they are on", async () => {
  {
    await using f = await webFixture();
    const { text } = await (await f.login()).get("/");
    assert.match(text, /Email alerts are not being sent: <code>EMAIL_HOST<\/code> is not set/);
  }
  {
    await using f = await webFixture({ env: { EMAIL_HOST: "127.0.0.1", EMAIL_PORT: "2525" } });
    const { text } = await (await f.login()).get("/");
    assert.doesNotMatch(text, /Email alerts are not being sent/);
  }
});

Deno.test("page loads reuse the rows read before but always show new checks, edits and maintenance", async () => {
  let next = UP;
  await using f = await webFixture({ probe: () => Promise.resolve(next) });
  const c = await f.login();
  const sites = [];
  for (let i = 0; i < 5; i++) {
    const m = await f.rt.service.create({ name: `Site ${i}`, url: `https://s${i}.example/` });
    await f.rt.service.checkNow(m.id);
    sites.push(m);
  }
  const rowOf = (html: string, id: number) =>
    new RegExp(`<div id="m-${id}" class="row row-(\\w+)`).exec(html)?.[1];
  assert.equal(rowOf((await c.get("/")).text, sites[2].id), "up");

  // A check since the last load: that row is read again.
  next = DOWN;
  await f.rt.service.checkNow(sites[2].id);
  assert.equal(rowOf((await c.get("/")).text, sites[2].id), "down");

  // An edit (here a pause) reads everything again.
  await f.rt.service.update(sites[3].id, { active: false });
  assert.equal(rowOf((await c.get("/")).text, sites[3].id), "paused");

  // A maintenance window begins without any check: the next load shows it.
  await f.rt.maintenance.create({
    name: "Upgrade",
    monitor_ids: [sites[4].id],
    schedule: {
      kind: "once",
      starts_at: new Date(Date.now() - 60_000).toISOString(),
      ends_at: new Date(Date.now() + 3_600_000).toISOString(),
    },
  });
  const html = (await c.get("/")).text;
  assert.equal(rowOf(html, sites[4].id), "maintenance");
  assert.equal(rowOf(html, sites[0].id), "up");
});

Deno.test("a row shows its monitor's tags as links that filter the overview by them", async () => {
  await using f = await webFixture({ probe: () => Promise.resolve(UP) });
  const c = await f.login();
  const m = await f.rt.service.create({
    name: "Shop",
    url: "https://shop.example/",
    tags: "prod eu-west",
  });
  const html = (await c.get("/")).text;
  const row = new RegExp(`<div id="m-${m.id}"[^]*?</dl></div>`).exec(html)![0];
  assert.match(row, /<a class="tag-chip" href="\/\?tag=eu-west">eu-west<\/a>/);
  assert.match(row, /<a class="tag-chip" href="\/\?tag=prod">prod<\/a>/);
  const filtered = (await c.get("/?tag=prod")).text;
  assert.match(filtered, new RegExp(`id="m-${m.id}"`));
  assert.doesNotMatch((await c.get("/?tag=staging")).text, new RegExp(`id="m-${m.id}"`));
});
