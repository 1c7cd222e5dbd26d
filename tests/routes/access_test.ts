/** Anonymous access, CSRF, security headers and error pages across the dashboard. */
import assert from "node:assert/strict";
import { webFixture } from "../_helpers/web.ts";
import { CSP } from "../../routes/web.tsx";
import { ASSET_URLS } from "../../routes/static.ts";

const PAGES = [
  "/",
  "/monitors/new",
  "/monitors/new?parent_id=1",
  "/monitors/1",
  "/monitors/1?range=7d",
  "/monitors/1/edit",
  "/monitors/1/delete",
  "/settings",
  "/no-such-page",
];
const PARTIALS = ["/partials/overview?v=0-0-0", "/monitors/1/live?v=x&range=1h"];
const POSTS = [
  "/monitors",
  "/monitors/1/edit",
  "/monitors/1/check",
  "/monitors/1/pause",
  "/monitors/1/resume",
  "/monitors/1/delete",
  "/settings/tokens",
  "/settings/tokens/1/revoke",
  "/settings/test-email",
  "/logout",
];

Deno.test("every page and partial refuses anonymous access", async () => {
  await using f = await webFixture();
  await f.rt.service.create({ name: "Site", url: "https://example.com/" });
  const c = f.anonymous();
  for (const path of [...PAGES, ...PARTIALS]) {
    const page = await c.get(path);
    assert.equal(page.res.status, 303, `GET ${path}`);
    assert.match(page.res.headers.get("location")!, /^\/login/, `GET ${path}`);
    assert.doesNotMatch(page.text, /Site/, `GET ${path} leaks nothing`);
    const hx = await c.get(path, { htmx: true });
    assert.equal(hx.res.status, 401, `htmx GET ${path}`);
    assert.equal(hx.res.headers.get("HX-Redirect"), "/login", `htmx GET ${path}`);
  }
  for (const path of POSTS) {
    const post = await c.post(path, { name: "x", url: "https://x.example" });
    assert.equal(post.res.status, 303, `POST ${path}`);
    assert.match(post.res.headers.get("location")!, /^\/login/);
    const hx = await c.post(path, {}, { htmx: true });
    assert.equal(hx.res.status, 401, `htmx POST ${path}`);
  }
  assert.equal((await f.rt.service.list()).length, 1, "nothing changed");
});

Deno.test("the login page, /healthz and static assets are public", async () => {
  await using f = await webFixture();
  const c = f.anonymous();
  assert.equal((await c.get("/login")).res.status, 200);
  const health = await c.get("/healthz");
  assert.ok([200, 503].includes(health.res.status));
  assert.match(health.res.headers.get("content-type")!, /json/);
  for (const url of Object.values(ASSET_URLS)) {
    const { res } = await c.get(url);
    assert.equal(res.status, 200, url);
    assert.equal(res.headers.get("cache-control"), "public, max-age=31536000, immutable");
  }
  const api = await c.get("/api/v1/nothing-here");
  assert.equal(api.res.status, 401, "the API keeps its own bearer auth");
  assert.match(api.res.headers.get("content-type")!, /json/);
});

Deno.test("forged posts are rejected with 403: missing, wrong or another session's token", async () => {
  await using f = await webFixture();
  const c = await f.login();
  const other = await f.login();
  const form = { name: "Forged", url: "https://forged.example/" };
  assert.equal((await c.post("/monitors", form, { noCsrf: true })).res.status, 403);
  assert.equal((await c.post("/monitors", form, { csrf: "x".repeat(43) })).res.status, 403);
  assert.equal((await c.post("/monitors", form, { csrf: other.csrf })).res.status, 403);
  assert.equal(
    (await c.post("/monitors", form, { htmx: true, noCsrf: true })).res.status,
    403,
    "htmx requests need the header too",
  );
  // Even with the right token, a browser-labelled cross-site request is refused.
  const cross = await c.post("/monitors", form, { headers: { "Sec-Fetch-Site": "cross-site" } });
  assert.equal(cross.res.status, 403);
  assert.equal((await f.rt.service.list()).length, 0);

  // The same post with the token (form field, or header as htmx sends it) works.
  assert.equal((await c.post("/monitors", form)).res.status, 303);
  const viaHeader = await c.post("/monitors", { ...form, name: "Via header" }, {
    htmx: true,
    noCsrf: true,
    headers: { "X-CSRF-Token": c.csrf },
  });
  assert.equal(viaHeader.res.status, 204);
  assert.equal((await f.rt.service.list()).length, 2);
});

Deno.test("responses carry the CSP without inline scripts, nosniff and the referrer policy", async () => {
  await using f = await webFixture();
  await f.rt.service.create({ name: "Site", url: "https://example.com/" });
  const c = await f.login();
  assert.equal(
    CSP,
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
  );
  for (const path of ["/", "/login", "/monitors/1", "/monitors/new", "/settings", "/healthz"]) {
    const { res, text } = await c.get(path);
    assert.equal(res.headers.get("content-security-policy"), CSP, path);
    assert.equal(res.headers.get("x-content-type-options"), "nosniff", path);
    assert.equal(res.headers.get("referrer-policy"), "same-origin", path);
    // The CSP would block these, so none may exist: inline <script>, style attributes, on*.
    assert.doesNotMatch(text, /<script(?![^>]*\ssrc=)[^>]*>/, `${path}: inline script`);
    assert.doesNotMatch(text, /\sstyle=/, `${path}: style attribute`);
    assert.doesNotMatch(text, /\son[a-z]+=/, `${path}: inline handler`);
  }
  const page = await c.get("/");
  assert.match(page.text, /^<!DOCTYPE html>/);
  assert.equal(page.res.headers.get("cache-control"), "no-store");
  assert.match(page.res.headers.get("vary") ?? "", /HX-Request/);
  assert.match(page.text, /<meta name="htmx-config" content="[^"]*allowEval&quot;:false/);
  assert.match(page.text, /includeIndicatorStyles&quot;:false/);
});

Deno.test("unknown pages and monitors get the HTML error page; the API answers JSON", async () => {
  await using f = await webFixture();
  const c = await f.login();
  for (const path of ["/no-such-page", "/monitors/999", "/monitors/abc", "/monitors/999/edit"]) {
    const { res, text } = await c.get(path);
    assert.equal(res.status, 404, path);
    assert.match(res.headers.get("content-type")!, /text\/html/);
    assert.match(text, /<h1>Not found<\/h1>/, path);
  }
  const api = await c.get("/api/v1/monitors/1", { headers: { Authorization: "Bearer nope" } });
  assert.equal(api.res.status, 401);
  assert.match(api.res.headers.get("content-type")!, /json/);
});
