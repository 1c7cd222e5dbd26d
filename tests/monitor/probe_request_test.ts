/** The HTTP request options and the assertions stage of probeHttp, against loopback targets. */
import assert from "node:assert/strict";
import { probeHttp } from "../../monitor/probe_http.ts";
import { parseAssertions } from "../../monitor/assertions.ts";
import type { Assertion, ProbeTarget } from "../../monitor/types.ts";
import { delay, startTarget } from "../_helpers/targets.ts";

function target(url: string, over: Partial<ProbeTarget> = {}): ProbeTarget {
  return {
    kind: "http",
    url,
    timeoutMs: 2000,
    expectedStatus: "200",
    ignoreTlsErrors: false,
    maxRedirects: 5,
    ...over,
  };
}

function lines(...l: string[]): Assertion[] {
  const r = parseAssertions(l);
  if (!r || r.error !== undefined) throw new Error(r?.error);
  return r.value;
}

interface Seen {
  method: string;
  headers: Headers;
  body: string;
  path: string;
}

async function recording(respond: (req: Request) => Response = () => new Response("ok")) {
  const seen: Seen[] = [];
  const t = await startTarget(async (req) => {
    seen.push({
      method: req.method,
      headers: req.headers,
      body: await req.text(),
      path: new URL(req.url).pathname,
    });
    return respond(req);
  });
  return { t, seen };
}

Deno.test("probeHttp sends the method, headers, body and User-Agent as configured", async () => {
  const { t, seen } = await recording();
  await using _ = t;
  const r = await probeHttp(target(t.url, {
    method: "POST",
    headers: [["Content-Type", "application/json"], ["X-Env", "prod"]],
    body: '{"ping":1}',
    userAgent: "ShopProbe/2",
  }));
  assert.equal(r.ok, true, r.errorMessage ?? "");
  assert.equal(seen[0].method, "POST");
  assert.equal(seen[0].body, '{"ping":1}');
  assert.equal(seen[0].headers.get("content-type"), "application/json");
  assert.equal(seen[0].headers.get("x-env"), "prod");
  assert.equal(seen[0].headers.get("user-agent"), "ShopProbe/2");
  assert.equal(seen[0].headers.get("authorization"), null);
});

Deno.test("probeHttp sends the default User-Agent and every method", async () => {
  const { t, seen } = await recording();
  await using _ = t;
  for (const method of ["GET", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS"] as const) {
    const r = await probeHttp(target(t.url, { method }));
    assert.equal(r.ok, true, `${method}: ${r.errorMessage}`);
  }
  assert.deepEqual(seen.map((s) => s.method), ["GET", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS"]);
  assert.equal(seen[0].headers.get("user-agent"), "ServerHealthChecker/1.0");
});

Deno.test("probeHttp sends basic and bearer auth, but not to another origin after a redirect", async () => {
  const { t, seen } = await recording();
  await using _ = t;
  let otherAuth: string | null = "unset";
  await using probeOther = await startTarget((req) => {
    otherAuth = req.headers.get("authorization");
    return new Response("ok");
  });
  const basic = { type: "basic" as const, user: "probe", secret: "pässword" };
  assert.equal((await probeHttp(target(t.url, { auth: basic }))).ok, true);
  const expected = btoa(String.fromCharCode(...new TextEncoder().encode("probe:pässword")));
  assert.equal(seen[0].headers.get("authorization"), `Basic ${expected}`);
  const bearer = { type: "bearer" as const, secret: "tok-123" };
  assert.equal((await probeHttp(target(t.url, { auth: bearer }))).ok, true);
  assert.equal(seen[1].headers.get("authorization"), "Bearer tok-123");

  // A same-origin redirect keeps it; a cross-origin one drops it.
  await using redirecting = await startTarget((req) =>
    new URL(req.url).pathname === "/"
      ? new Response(null, { status: 302, headers: { location: probeOther.url + "x" } })
      : new Response("ok")
  );
  assert.equal((await probeHttp(target(redirecting.url, { auth: bearer }))).ok, true);
  assert.equal(otherAuth, null);
});

Deno.test("probeHttp turns a POST into a GET without body after a 303", async () => {
  const { t, seen } = await recording((req) =>
    new URL(req.url).pathname === "/"
      ? new Response(null, { status: 303, headers: { location: "/done" } })
      : new Response("ok")
  );
  await using _ = t;
  const r = await probeHttp(target(t.url, { method: "POST", body: "x=1" }));
  assert.equal(r.ok, true, r.errorMessage ?? "");
  assert.deepEqual(seen.map((s) => [s.method, s.path, s.body]), [["POST", "/", "x=1"], [
    "GET",
    "/done",
    "",
  ]]);
});

Deno.test("assertions: a keyword present is UP, absent is DOWN with kind assertion", async () => {
  await using t = await startTarget(() => new Response("<h1>Welcome to the shop</h1>"));
  const up = await probeHttp(target(t.url, { assertions: lines("body contains Welcome") }));
  assert.equal(up.ok, true, up.errorMessage ?? "");
  const down = await probeHttp(target(t.url, { assertions: lines("body contains Goodbye") }));
  assert.deepEqual({ ...down, latencyMs: 0 }, {
    ok: false,
    latencyMs: 0,
    httpStatus: 200,
    errorKind: "assertion",
    errorMessage: 'body contains "Goodbye": not found in the body (28 bytes)',
  });
  const bad = await probeHttp(target(t.url, { assertions: lines("body !contains shop") }));
  assert.equal(bad.errorKind, "assertion");
  assert.equal(bad.errorMessage, 'body !contains "shop": found at character 20');
});

Deno.test("assertions: JSON body paths, headers and regexes", async () => {
  await using t = await startTarget(() =>
    Response.json({ status: "degraded", items: [{ id: 4 }], load: 0.7 })
  );
  const ok = await probeHttp(target(t.url, {
    assertions: lines(
      "$.items[0].id exists",
      "$.load < 1",
      "header content-type contains json",
      "body ~ /degr(aded)?/",
    ),
  }));
  assert.equal(ok.ok, true, ok.errorMessage ?? "");
  const down = await probeHttp(target(t.url, { assertions: lines('$.status == "ok"') }));
  assert.equal(down.errorKind, "assertion");
  assert.equal(down.errorMessage, '$.status == "ok": got "degraded"');
});

Deno.test("assertions only run when the status matched; a wrong status stays unexpected_status", async () => {
  await using t = await startTarget(() => new Response("Welcome", { status: 503 }));
  const r = await probeHttp(target(t.url, { assertions: lines("body contains Nope") }));
  assert.equal(r.errorKind, "unexpected_status");
});

Deno.test("assertions: a slow but UP response fails time < N and passes a larger N", async () => {
  await using t = await startTarget(async (_req, _info, closing) => {
    await delay(150, closing);
    return new Response("ok");
  });
  const slow = await probeHttp(target(t.url, { assertions: lines("time < 50") }));
  assert.equal(slow.errorKind, "assertion");
  assert.match(slow.errorMessage!, /^time < 50: took \d+ ms$/);
  const fine = await probeHttp(target(t.url, { assertions: lines("time < 1500") }));
  assert.equal(fine.ok, true, fine.errorMessage ?? "");
});

Deno.test("assertions see at most the body cap, and say so", async () => {
  await using t = await startTarget(() => new Response("x".repeat(100_000) + "Welcome"));
  const r = await probeHttp(target(t.url, { assertions: lines("body contains Welcome") }), {
    maxBodyBytes: 1024,
  });
  assert.equal(r.errorKind, "assertion");
  assert.equal(r.errorMessage, 'body contains "Welcome": not found in the first 1 KiB');
});
