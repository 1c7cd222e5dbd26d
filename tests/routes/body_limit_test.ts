/** Request bodies are bounded (issue 7): a huge body is refused with 413, not buffered. */
import assert from "node:assert/strict";
import { API_BODY_LIMIT, FORM_BODY_LIMIT } from "../../routes/body_limit.ts";
import { webFixture } from "../_helpers/web.ts";

Deno.test("the API refuses a body over its limit with 413 and a clear message, chunked or not", async () => {
  await using f = await webFixture();
  const { token } = await f.rt.accounts.createToken("t");
  const huge = JSON.stringify({ name: "x".repeat(API_BODY_LIMIT), url: "http://a.test/" });
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const plain = await f.app.request("/api/v1/monitors", { method: "POST", headers, body: huge });
  assert.equal(plain.status, 413);
  assert.match(
    (await plain.json()).error,
    /Request body too large: the limit is 1 MiB; nothing was saved/,
  );

  // Without Content-Length: counted as it streams, and cut off.
  let sent = 0;
  const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
  const stream = new ReadableStream<Uint8Array>({
    pull(ctl) {
      if (sent++ > 200) return ctl.close(); // ~13 MB if nobody stopped reading
      ctl.enqueue(chunk);
    },
  });
  const chunked = await f.app.request("/api/v1/monitors", {
    method: "POST",
    headers,
    body: stream,
  });
  assert.equal(chunked.status, 413);
  assert.ok(sent < 40, `read ${sent} chunks of a body already over the limit`);
  assert.equal((await f.rt.service.list()).length, 0);

  const ok = await f.app.request("/api/v1/monitors", {
    method: "POST",
    headers,
    body: JSON.stringify({ name: "Shop", url: "http://shop.test/" }),
  });
  assert.equal(ok.status, 201);
});

Deno.test("dashboard forms refuse a body over their limit with a 413 page", async () => {
  await using f = await webFixture();
  const client = await f.login();
  const { res, text } = await client.post("/monitors/new", {
    name: "x".repeat(FORM_BODY_LIMIT),
    url: "http://a.test/",
  });
  assert.equal(res.status, 413);
  assert.match(text, /Request body too large: the limit is 256 KiB/);
  assert.equal((await f.rt.service.list()).length, 0);
});
