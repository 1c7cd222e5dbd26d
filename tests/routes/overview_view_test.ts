/** The overview's search, filters, sort and folds over HTTP: full pages, htmx regions, polls. */
import assert from "node:assert/strict";
import { UP, webFixture } from "../_helpers/web.ts";
import type { ProbeResult } from "../../monitor/types.ts";

const DOWN: ProbeResult = {
  ok: false,
  latencyMs: 1,
  httpStatus: 503,
  errorKind: "unexpected_status",
  errorMessage: null,
};

/** Shop with apps Cart (down, tag payments) and Search; Blog (tag prod). */
async function fleet() {
  const f = await webFixture({
    probe: (m) => Promise.resolve(m.url.includes("cart") ? DOWN : UP),
  });
  const shop = await f.rt.service.create({ name: "Shop", url: "https://shop.example/" });
  const cart = await f.rt.service.create({
    name: "Cart",
    url: "https://cart.internal/",
    parent_id: shop.id,
    tags: "payments, PROD",
  });
  const search = await f.rt.service.create({
    name: "Search",
    url: "https://search.internal/",
    parent_id: shop.id,
  });
  const blog = await f.rt.service.create({
    name: "Blog",
    url: "https://blog.example/",
    tags: ["prod"],
  });
  for (const m of [shop, cart, search, blog]) await f.rt.service.checkNow(m.id);
  return { f, shop, cart, search, blog, c: await f.login() };
}

const ids = (html: string) => [...html.matchAll(/<div id="m-(\d+)" class="row/g)].map((m) => +m[1]);

Deno.test("the overview lists problems first and offers search, tag and sort controls", async () => {
  const { f, shop, cart, search, blog, c } = await fleet();
  await using _ = f;
  const { text } = await c.get("/");
  // Shop's group leads for its down app, and the app itself comes before its up sibling.
  assert.deepEqual(ids(text), [shop.id, cart.id, search.id, blog.id]);
  assert.match(text, /<form id="overview-controls"[^>]* method="get" action="\/" role="search"/);
  assert.match(text, /<input id="ov-q" class="ov-search" type="search" name="q" value=""/);
  assert.match(text, /<option value="payments" >payments<\/option><option value="prod" >prod/);
  assert.match(text, /<a class="tile tile-down tile-some" href="\/\?status=down"/);
  assert.match(text, /hx-trigger="submit, input changed delay:250ms from:#ov-q/);
});

Deno.test("search by name or URL works as a plain GET form, its text escaped", async () => {
  const { f, shop, cart, c } = await fleet();
  await using _ = f;
  const byName = await c.get("/?q=cart");
  assert.deepEqual(ids(byName.text), [shop.id, cart.id]);
  assert.match(byName.text, new RegExp(`id="m-${shop.id}" class="row row-up row-context"`));
  assert.match(byName.text, /Showing 1 of 4 monitors \(matching “cart”\)/);
  assert.deepEqual(ids((await c.get("/?q=blog.example")).text).length, 1);
  const none = await c.get(`/?q=${encodeURIComponent('<img src=x onerror="1">')}`);
  assert.match(none.text, /No monitor matches/);
  assert.doesNotMatch(none.text, /<img src=x/);
  assert.match(none.text, /value="&lt;img src=x onerror=&quot;1&quot;&gt;"/);
});

Deno.test("the Down tile filters to down monitors; clicking it again clears the filter", async () => {
  const { f, shop, cart, c } = await fleet();
  await using _ = f;
  const { text } = await c.get("/?status=down");
  assert.deepEqual(ids(text), [shop.id, cart.id]);
  assert.match(
    text,
    /<a class="tile tile-down tile-some tile-on" href="\/"[^>]*aria-current="true"/,
  );
  // The status filter rides along with the form (a field of it outside it).
  assert.match(text, /<input type="hidden" form="overview-controls" name="status" value="down">/);
  // Searching keeps the filter: nothing down matches "blog".
  assert.match((await c.get("/?status=down&q=blog")).text, /No monitor matches/);
});

Deno.test("the tag filter and the sort order come from the URL", async () => {
  const { f, shop, cart, search, blog, c } = await fleet();
  await using _ = f;
  assert.deepEqual(ids((await c.get("/?tag=prod")).text), [shop.id, cart.id, blog.id]);
  assert.deepEqual(ids((await c.get("/?tag=payments")).text), [shop.id, cart.id]);
  assert.deepEqual(ids((await c.get("/?sort=name")).text), [blog.id, shop.id, cart.id, search.id]);
  const sorted = (await c.get("/?sort=name")).text;
  assert.match(sorted, /<option value="name" selected>/);
});

Deno.test("a website folds away its apps, showing their counts, and opens again", async () => {
  const { f, shop, cart, search, blog, c } = await fleet();
  await using _ = f;
  const open = (await c.get("/")).text;
  assert.match(
    open,
    new RegExp(
      `<a id="fold-${shop.id}" class="fold" href="/\\?collapse=${shop.id}"[^>]*aria-expanded="true">`,
    ),
  );
  const folded = (await c.get(`/?collapse=${shop.id}`)).text;
  assert.deepEqual(ids(folded), [shop.id, blog.id]);
  assert.match(folded, /Show 2 internal apps · 1 Down · 1 Up<\/a>/);
  assert.match(folded, new RegExp(`id="fold-${shop.id}" class="fold fold-closed" href="/"`));
  const all = (await c.get("/?collapse=all")).text;
  assert.deepEqual(ids(all), [shop.id, blog.id]);
  assert.match(all, /Show all internal apps/);
  assert.deepEqual(ids((await c.get(`/?collapse=all&open=${shop.id}`)).text), [
    shop.id,
    cart.id,
    search.id,
    blog.id,
  ]);
});

Deno.test("htmx asks for the results region: it comes with the tiles out of band and the URL to show", async () => {
  const { f, shop, cart, c } = await fleet();
  await using _ = f;
  const { res, text } = await c.get("/?q=cart&sort=name&status=", {
    htmx: true,
    headers: { "HX-Target": "overview-results" },
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("HX-Push-Url"), "/?q=cart&sort=name");
  assert.match(res.headers.get("Vary")!, /HX-Request, HX-Target/);
  assert.match(text, /^<title>1 down · Server Health Checker<\/title><div id="overview-results">/);
  assert.match(text, /<nav id="summary" class="summary"[^>]*hx-swap-oob="true">/);
  assert.match(text, /\/partials\/overview\?v=[\d-]+&amp;q=cart&amp;sort=name/);
  assert.doesNotMatch(text, /<html|id="overview-controls"/, "the form is not replaced");
  assert.deepEqual(ids(text), [shop.id, cart.id]);
});

Deno.test("polls follow the page's view: rows off the page are not sent, folds re-count", async () => {
  let cartResult = DOWN;
  await using f = await webFixture({
    probe: (m) => Promise.resolve(m.url.includes("cart") ? cartResult : UP),
  });
  const shop = await f.rt.service.create({ name: "Shop", url: "https://shop.example/" });
  const cart = await f.rt.service.create({
    name: "Cart",
    url: "https://cart.internal/",
    parent_id: shop.id,
  });
  const blog = await f.rt.service.create({ name: "Blog", url: "https://blog.example/" });
  for (const m of [shop, cart, blog]) await f.rt.service.checkNow(m.id);
  const c = await f.login();
  const poll = (html: string) =>
    /id="overview-poll" hx-get="([^"]+)"/.exec(html)![1].replaceAll("&amp;", "&");

  // Searching "shop" by name (the order does not follow statuses): Blog is off the page.
  const page = (await c.get("/?q=shop&sort=name")).text;
  await f.rt.service.checkNow(blog.id);
  await f.rt.service.checkNow(shop.id);
  const update = await c.get(poll(page), { htmx: true });
  assert.match(update.text, new RegExp(`id="m-${shop.id}" class="row row-up" hx-swap-oob`));
  assert.doesNotMatch(update.text, new RegExp(`id="m-${blog.id}"`));

  // Shop folded: Cart's recovery re-draws the fold's counts, not a row that is not there.
  const folded = (await c.get(`/?sort=name&collapse=${shop.id}`)).text;
  assert.match(folded, /Show 1 internal app · 1 Down/);
  cartResult = UP;
  await f.rt.service.checkNow(cart.id);
  const recount = await c.get(poll(folded), { htmx: true });
  assert.doesNotMatch(recount.text, new RegExp(`id="m-${cart.id}"`));
  assert.match(
    recount.text,
    new RegExp(`<a id="fold-${shop.id}" class="fold fold-closed"[^>]*hx-swap-oob="true">`),
  );
  assert.match(recount.text, /Show 1 internal app · 1 Up/);
});

Deno.test("an overview echoing search text or a tag is never gzipped (BREACH); others are", async () => {
  await using f = await webFixture();
  for (let i = 0; i < 30; i++) {
    await f.rt.service.create({ name: `Site ${i}`, url: `https://s${i}.example/` });
  }
  const c = await f.login();
  const cookie = [...c.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  const headers = { Cookie: cookie, "Accept-Encoding": "gzip" };
  for (const [path, gzip] of [["/?sort=name", true], ["/?q=site", false], ["/?tag=x", false]]) {
    const res = await f.app.request(path as string, { headers });
    assert.equal(res.headers.get("content-encoding"), gzip ? "gzip" : null, String(path));
    await res.body?.cancel();
  }
});

Deno.test("a filtered poll with many changed rows reads their websites through one list", async () => {
  await using f = await webFixture();
  const apps: number[] = [];
  for (let s = 0; s < 7; s++) {
    const site = await f.rt.service.create({ name: `Site ${s}`, url: `https://s${s}.example/` });
    for (let a = 0; a < 9; a++) {
      const app = await f.rt.service.create({
        name: `App ${s}-${a}`,
        url: `https://a${s}-${a}.internal/`,
        parent_id: site.id,
      });
      apps.push(app.id);
    }
  }
  for (const id of apps) await f.rt.service.checkNow(id);
  const c = await f.login();
  const page = (await c.get("/?q=app&sort=name")).text;
  const poll = /id="overview-poll" hx-get="([^"]+)"/.exec(page)![1].replaceAll("&amp;", "&");
  // 21 of 70 changed: more than are read one by one, fewer than a whole-list answer.
  for (const id of apps.slice(0, 21)) await f.rt.service.checkNow(id);
  const update = await c.get(poll, { htmx: true });
  assert.doesNotMatch(update.text, /id="monitor-list"/);
  assert.equal([...update.text.matchAll(/hx-swap-oob="true"><div class="row-id">/g)].length, 21);
  // The websites are there as context rows, not sent: they did not change.
  assert.doesNotMatch(update.text, /row-context/);
});
