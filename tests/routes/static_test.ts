/** Static assets: the pinned htmx copy, fingerprinted URLs and their cache headers. */
import assert from "node:assert/strict";
import { webFixture } from "../_helpers/web.ts";
import { ASSET_URLS } from "../../routes/static.ts";
import { REPO_ROOT } from "../_helpers/core.ts";

Deno.test("static/vendor/htmx.min.js is byte-identical to the pinned npm htmx.org 2.0.11", async () => {
  const ours = await Deno.readFile(new URL("static/vendor/htmx.min.js", REPO_ROOT));
  const npm = await Deno.readFile(
    new URL("node_modules/htmx.org/dist/htmx.min.js", REPO_ROOT),
  );
  assert.deepEqual(ours, npm);
  assert.match(new TextDecoder().decode(ours), /version:"2\.0\.11"/);
});

Deno.test("assets are served from content-hashed URLs with a year of caching", async () => {
  await using f = await webFixture();
  const c = f.anonymous();
  const types: Record<string, RegExp> = { css: /text\/css/, js: /javascript/, htmx: /javascript/ };
  for (const [kind, url] of Object.entries(ASSET_URLS)) {
    assert.match(url, /^\/static\/[0-9a-f]{12}\/[\w.-]+$/);
    const { res, text } = await c.get(url);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type")!, types[kind]);
    assert.equal(res.headers.get("cache-control"), "public, max-age=31536000, immutable");
    assert.ok(text.length > 100);
    const etag = res.headers.get("etag")!;
    const again = await f.app.request(url, { headers: { "If-None-Match": etag } });
    assert.equal(again.status, 304);
  }
  const htmx = await c.get(ASSET_URLS.htmx);
  const ours = await Deno.readTextFile(new URL("static/vendor/htmx.min.js", REPO_ROOT));
  assert.equal(htmx.text, ours);
  // An old hash still gets the file, just not cached for long.
  const stale = await c.get("/static/000000000000/app.css");
  assert.equal(stale.res.status, 200);
  assert.equal(stale.res.headers.get("cache-control"), "public, max-age=60");
  assert.equal((await c.get("/static/000000000000/nope.js")).res.status, 404);
  // The login page links exactly these URLs.
  const login = await c.get("/login");
  for (const url of Object.values(ASSET_URLS)) assert.ok(login.text.includes(url), url);
});
