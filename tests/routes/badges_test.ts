/**
 * Public SVG badges: opt-in per monitor (the same 404 for unknown and not opted-in ids), content
 * type, caching headers and 304, the label (escaped, or `?label=`), and the monitor page's
 * badge URLs and Markdown snippets.
 */
import assert from "node:assert/strict";
import { UP, webFixture } from "../_helpers/web.ts";

Deno.test("badges: 404 (the same answer) unless the monitor opted in; then SVG, cacheable", async () => {
  await using f = await webFixture();
  const off = await f.rt.service.create({ name: "Off", url: "https://off.acme.test/" });
  const on = await f.rt.service.create({
    name: `Shop <&> "x"`,
    url: "https://shop.acme.test/secret-path",
    public_badges: true,
  });
  await f.rt.service.checkNow(on.id);
  const unknown = await f.app.request("/badge/999999/status.svg");
  const optedOut = await f.app.request(`/badge/${off.id}/status.svg`);
  assert.equal(unknown.status, 404);
  assert.equal(optedOut.status, 404);
  assert.equal(await unknown.text(), await optedOut.text());
  assert.equal(unknown.headers.get("content-type"), optedOut.headers.get("content-type"));
  assert.equal((await f.app.request(`/badge/${on.id}/nope.svg`)).status, 404);

  for (
    const [path, value] of [
      [`/badge/${on.id}/status.svg`, ">up<"],
      [`/badge/${on.id}/uptime.svg`, ">100%<"],
      [`/badge/${on.id}/uptime.svg?period=7d`, ">100%<"],
      [`/badge/${on.id}/uptime.svg?period=30d`, ">100%<"],
      [`/badge/${on.id}/response.svg`, `>${UP.latencyMs} ms<`],
    ]
  ) {
    const res = await f.app.request(path);
    assert.equal(res.status, 200, path);
    assert.equal(res.headers.get("content-type"), "image/svg+xml; charset=utf-8");
    assert.equal(res.headers.get("cache-control"), "public, max-age=60");
    const etag = res.headers.get("etag")!;
    const svg = await res.text();
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.ok(svg.includes(value), `${path}: ${svg}`);
    assert.match(svg, /Shop &lt;&amp;&gt; &quot;x&quot;/);
    assert.ok(!svg.includes("acme.test") && !svg.includes("secret-path"));
    const again = await f.app.request(path, { headers: { "If-None-Match": etag } });
    assert.equal(again.status, 304);
  }
  const labelled = await (await f.app.request(`/badge/${on.id}/status.svg?label=<api>`)).text();
  assert.match(labelled, />&lt;api&gt;</);
  assert.equal((await f.app.request(`/badge/${on.id}/uptime.svg?period=1y`)).status, 400);
  // Badges need no session and set no cookie.
  const res = await f.app.request(`/badge/${on.id}/status.svg`);
  assert.equal(res.headers.getSetCookie().length, 0);
  await res.body?.cancel();
});

Deno.test("badges: the monitor form has the opt-in; the monitor page shows URLs and Markdown when on", async () => {
  await using f = await webFixture();
  const m = await f.rt.service.create({ name: "Shop", url: "https://shop.acme.test/" });
  const client = await f.login();
  const form = await client.get(`/monitors/${m.id}/edit`);
  assert.match(form.text, /name="public_badges"/);
  const before = await client.get(`/monitors/${m.id}`);
  assert.ok(!before.text.includes("Public badges"));
  await f.rt.service.update(m.id, { public_badges: true });
  const page = await client.get(`/monitors/${m.id}`);
  const base = `${f.rt.config.baseUrl}/badge/${m.id}`;
  assert.match(page.text, /Public badges/);
  assert.ok(page.text.includes(`${base}/status.svg`));
  assert.ok(page.text.includes(`![Uptime (7 days)](${base}/uptime.svg?period=7d)`));
  assert.ok(page.text.includes(`<img src="/badge/${m.id}/status.svg"`));
  const api = await f.rt.service.get(m.id);
  assert.equal(api.monitor.publicBadges, true);
});
