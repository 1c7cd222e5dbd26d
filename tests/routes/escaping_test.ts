/** Hostile names and URLs are shown as text: nothing a monitor's owner types can run. */
import assert from "node:assert/strict";
import { webFixture } from "../_helpers/web.ts";

const SCRIPT = `<script>alert("x")</script>`;
const IMG = `"><img src=x onerror=alert(1)>`;

/** Asserts that no hostile markup survived as markup. */
function assertInert(html: string, where: string) {
  assert.doesNotMatch(html, /<script>alert/, `${where}: raw <script>`);
  assert.doesNotMatch(html, /<img src=x/, `${where}: raw <img>`);
  assert.doesNotMatch(html, /href="javascript:/i, `${where}: javascript: link`);
  assert.doesNotMatch(html, /\sonerror=alert\(1\)[^<]*>/, `${where}: live onerror attribute`);
}

Deno.test("hostile monitor names are escaped on every page and partial", async () => {
  await using f = await webFixture();
  const site = await f.rt.service.create({ name: SCRIPT, url: "https://example.com/" });
  const app = await f.rt.service.create({
    name: IMG,
    url: "https://example.com/x",
    parent_id: site.id,
  });
  await f.rt.service.checkNow(site.id);
  const c = await f.login();
  const pages = [
    "/",
    `/monitors/${site.id}`,
    `/monitors/${app.id}`,
    `/monitors/${site.id}/edit`,
    `/monitors/${site.id}/delete`,
    "/monitors/new",
    "/partials/overview?v=0-0-0",
  ];
  for (const path of pages) {
    const { res, text } = await c.get(path);
    assert.equal(res.status, 200, path);
    assertInert(text, path);
  }
  const overview = (await c.get("/")).text;
  assert.match(overview, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;/);
  assert.match(overview, /&quot;&gt;&lt;img src=x onerror=alert\(1\)&gt;/);
});

Deno.test("a javascript: URL is refused by the form and never rendered as a link", async () => {
  await using f = await webFixture();
  const c = await f.login();
  const form = await c.post("/monitors", { name: "x", url: "javascript:alert(1)" });
  assert.equal(form.res.status, 422);
  assert.match(form.text, /The javascript: scheme is not allowed/);
  assertInert(form.text, "form");

  // Rows stored before validation existed (or written behind the service's back) stay inert.
  const m = await f.rt.service.create({ name: "Legacy", url: "https://example.com/" });
  const { id: _id, createdAt: _c, updatedAt: _u, ...fields } = m;
  await f.rt.store.monitors.update(m.id, { ...fields, url: "javascript:alert(1)" }, Date.now());
  for (const path of ["/", `/monitors/${m.id}`]) {
    const { text } = await c.get(path);
    assertInert(text, path);
    assert.match(text, /<span[^>]*>javascript:alert\(1\)<\/span>/, `${path}: shown as text`);
  }
});

Deno.test("http(s) targets are links without credentials; tcp targets are plain text", async () => {
  await using f = await webFixture();
  const c = await f.login();
  await f.rt.service.create({ name: "Web", url: "https://bob:s3cret@example.com/health" });
  await f.rt.service.create({ name: "Db", url: "tcp://db.internal:5432" });
  const { text } = await c.get("/");
  assert.match(
    text,
    /<a class="row-url" href="https:\/\/example.com\/health" rel="noreferrer nofollow"/,
  );
  assert.doesNotMatch(text, /s3cret/);
  assert.match(text, /<span class="row-url">tcp:\/\/db.internal:5432<\/span>/);
});
