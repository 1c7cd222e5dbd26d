/**
 * How check outcomes read on the dashboard: a success is named for its kind (never "HTTP OK" for
 * tcp or dns) and an error's kind is said once, not "Connection refused: Connection refused".
 */
import assert from "node:assert/strict";
import { webFixture } from "../_helpers/web.ts";
import type { ProbeResult } from "../../monitor/types.ts";

const TCP_UP: ProbeResult = {
  ok: true,
  latencyMs: 3,
  httpStatus: null,
  errorKind: null,
  errorMessage: null,
};
const REFUSED: ProbeResult = {
  ok: false,
  latencyMs: 1,
  httpStatus: null,
  errorKind: "connection_refused",
  errorMessage: "Connection refused (os error 111)",
};
const FETCH_REFUSED: ProbeResult = {
  ...REFUSED,
  errorMessage: "Connection refused: fetch failed: tcp connect error: Connection refused",
};
const TIMEOUT: ProbeResult = {
  ...REFUSED,
  errorKind: "timeout",
  errorMessage: "Timed out: no connection within 1000 ms",
};

Deno.test("a tcp check reads 'TCP connected' on the overview, the monitor page and the flash", async () => {
  await using f = await webFixture({ probe: () => Promise.resolve(TCP_UP) });
  const m = await f.rt.service.create({ name: "Db", url: "tcp://db.example:5432" });
  await f.rt.service.checkNow(m.id);
  const c = await f.login();
  const overview = (await c.get("/")).text;
  assert.match(overview, /<dt>Result<\/dt><dd>TCP connected<\/dd>/);
  const page = (await c.get(`/monitors/${m.id}`)).text;
  assert.match(page, /: TCP connected in 3 ms/);
  const { text } = await c.post(`/monitors/${m.id}/check`, {}, { htmx: true });
  assert.match(text, /Checked Db: UP, TCP connected in 3 ms/);
  for (const html of [overview, page, text]) assert.doesNotMatch(html, /HTTP OK/);
});

Deno.test("a dns check reads 'DNS resolved' and an http one its status with its reason", async () => {
  let next: ProbeResult = TCP_UP;
  await using f = await webFixture({ probe: () => Promise.resolve(next) });
  const dns = await f.rt.service.create({ name: "Zone", url: "dns://example.com?type=A" });
  await f.rt.service.checkNow(dns.id);
  next = { ...TCP_UP, httpStatus: 200 };
  const web = await f.rt.service.create({ name: "Web", url: "https://example.com/" });
  await f.rt.service.checkNow(web.id);
  const c = await f.login();
  const overview = (await c.get("/")).text;
  assert.match(overview, /<dd>DNS resolved<\/dd>/);
  assert.match(overview, /<dd>HTTP 200 OK<\/dd>/);
  assert.doesNotMatch(overview, /HTTP OK/);
});

Deno.test("an error's kind is said once on the monitor page, its tables and the flash", async () => {
  let next = REFUSED;
  await using f = await webFixture({ probe: () => Promise.resolve(next) });
  const m = await f.rt.service.create({
    name: "Db",
    url: "tcp://db.example:5432",
    failure_threshold: 1,
  });
  await f.rt.service.checkNow(m.id);
  const c = await f.login();
  const page = (await c.get(`/monitors/${m.id}`)).text;
  assert.doesNotMatch(page, /Connection refused: Connection refused/i);
  assert.doesNotMatch(page, /Connection refused — Connection refused/i);
  assert.match(page, /<td class="wrap-text">Connection refused<\/td>/, "recent checks");
  const { text } = await c.post(`/monitors/${m.id}/check`, {}, { htmx: true });
  assert.match(text, /Checked Db: DOWN, Connection refused</);

  next = FETCH_REFUSED;
  await f.rt.service.checkNow(m.id);
  const again = (await c.get(`/monitors/${m.id}`)).text;
  assert.doesNotMatch(again, /Connection refused: Connection refused/i);
  assert.match(again, /Connection refused: fetch failed: tcp connect error: Connection refused/);

  next = TIMEOUT;
  await f.rt.service.checkNow(m.id);
  const timeout = (await c.get(`/monitors/${m.id}`)).text;
  assert.doesNotMatch(timeout, /Timeout: Timed out/);
  assert.match(timeout, /Timeout: no connection within 1000 ms/);
});
