/**
 * HTTP request options and assertions end to end: API JSON and form (secret masked, kept on
 * edit), validation (tcp monitors refuse them), storage on the configured engine, a real check
 * recorded as DOWN/assertion, and the secret never in a log line.
 */
import assert from "node:assert/strict";
import { createRuntime } from "../../runtime.ts";
import { createApp } from "../../routes/app.ts";
import { setLogLevel } from "../../monitor/log.ts";
import { openStore } from "../../monitor/store/open.ts";
import { monitorFormValues } from "../../monitor/monitor_fields.ts";
import { validateMonitor } from "../../monitor/validate.ts";
import { MonitorForm } from "../../components/MonitorForm.tsx";
import { startTarget } from "../_helpers/targets.ts";
import { fakeMonitor, tempDir, testConfig } from "../_helpers/core.ts";

type Json = Record<string, unknown>;
const SECRET = "hunter2-very-secret";

async function setup() {
  const dir = await tempDir();
  const rt = await createRuntime(testConfig(dir.path), { cron: false });
  const app = createApp(rt);
  const { token } = await rt.accounts.createToken("tests");
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, text, json: (text ? JSON.parse(text) : null) as Json };
  };
  return {
    rt,
    call,
    async [Symbol.asyncDispose]() {
      await rt.stop();
      await dir[Symbol.asyncDispose]();
    },
  };
}

/** Runs `fn` with every console line captured (log level debug). */
async function captureLogs(fn: () => Promise<void>): Promise<string> {
  const lines: string[] = [];
  const { log, error, warn, info } = console;
  const keep = (...a: unknown[]) => lines.push(a.map(String).join(" "));
  Object.assign(console, { log: keep, error: keep, warn: keep, info: keep });
  setLogLevel("debug");
  try {
    await fn();
  } finally {
    Object.assign(console, { log, error, warn, info });
    setLogLevel("error");
  }
  return lines.join("\n");
}

setLogLevel("error");

Deno.test("API: request options are stored and shown, the secret masked and kept on edit", async () => {
  await using s = await setup();
  let seenAuth: string | null = null;
  await using t = await startTarget((req) => {
    seenAuth = req.headers.get("authorization");
    return Response.json({ status: "degraded" });
  });
  let created: Json = {};
  let checked: Json = {};
  const logs = await captureLogs(async () => {
    const r = await s.call("POST", "/api/v1/monitors", {
      name: "Shop",
      url: t.url,
      http_method: "POST",
      http_headers: "Content-Type: application/json\nX-Env: prod",
      http_body: '{"ping":1}',
      auth: "bearer",
      auth_secret: SECRET,
      user_agent: "ShopProbe/2",
      assertions: ["header content-type contains json", {
        type: "json_path",
        path: "$.status",
        op: "==",
        value: "ok",
      }],
    });
    assert.equal(r.status, 201, r.text);
    created = r.json;
    const c = await s.call("POST", `/api/v1/monitors/${created.id}/check`);
    assert.equal(c.status, 200, c.text);
    checked = c.json;
  });
  assert.equal(created.auth_secret, "••••et");
  assert.equal(created.http_method, "POST");
  assert.equal(created.http_headers, "Content-Type: application/json\nX-Env: prod");
  assert.deepEqual(created.assertions, [
    { type: "header", name: "content-type", op: "contains", value: "json" },
    { type: "json_path", path: "$.status", op: "==", value: "ok" },
  ]);
  assert.equal(seenAuth, `Bearer ${SECRET}`);
  assert.equal(checked.ok, false);
  assert.equal(checked.error_kind, "assertion");
  assert.equal(checked.error_message, '$.status == "ok": got "degraded"');
  assert.ok(!logs.includes(SECRET), "the secret is never logged");

  const id = created.id as number;
  // An edit that sends the mask back, or leaves the secret out or empty, keeps it.
  for (const patch of [{ auth_secret: "••••et" }, { name: "Shop 2" }, { auth_secret: "" }]) {
    const r = await s.call("PATCH", `/api/v1/monitors/${id}`, patch);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.auth_secret, "••••et");
    assert.equal((await s.rt.store.monitors.get(id))!.authSecret, SECRET);
  }
  const all = await s.call("GET", "/api/v1/monitors");
  assert.ok(!all.text.includes(SECRET));
  // A new secret replaces it; auth none clears it.
  await s.call("PATCH", `/api/v1/monitors/${id}`, { auth_secret: "another-token" });
  assert.equal((await s.rt.store.monitors.get(id))!.authSecret, "another-token");
  const none = await s.call("PATCH", `/api/v1/monitors/${id}`, { auth: "none" });
  assert.equal(none.json.auth_secret, "");
  assert.equal((await s.rt.store.monitors.get(id))!.authSecret, "");
  // The mask is never taken as a new secret.
  const masked = await s.call("PATCH", `/api/v1/monitors/${id}`, {
    auth: "bearer",
    auth_secret: "••••et",
  });
  assert.equal(masked.status, 422);
  assert.match((masked.json.fields as Json).auth_secret as string, /not its mask/);
});

Deno.test("the edit form shows the secret masked and the assertions one per line", async () => {
  const m = fakeMonitor({
    auth: "basic",
    authUser: "probe",
    authSecret: SECRET,
    assertions: [{ type: "body_contains", value: "Welcome" }, {
      type: "response_time_ms",
      max: 500,
    }],
  });
  const values = monitorFormValues(m);
  const html = await (
    <MonitorForm
      action={`/monitors/${m.id}/edit`}
      values={values}
      errors={{}}
      parents={[]}
      channels={[]}
      csrf="t"
      submitLabel="Save"
      cancelHref="/"
    />
  ).toString();
  assert.ok(!html.includes(SECRET));
  assert.match(html, /type="password" value="••••et"/);
  assert.match(html, /body contains &quot;Welcome&quot;\ntime &lt; 500/);
});

Deno.test("validation: tcp monitors refuse HTTP options; bodies, headers and auth are checked", () => {
  const ctx = { getParent: () => null };
  const errorsOf = (input: Json) => {
    const r = validateMonitor({ name: "x", url: "https://example.com/", ...input }, ctx);
    assert.ok(r.errors, JSON.stringify(input));
    return r.errors;
  };
  const tcp = errorsOf({
    url: "tcp://db.internal:5432",
    http_method: "POST",
    http_headers: "X-A: 1",
    http_body: "x",
    auth: "bearer",
    auth_secret: "t",
    user_agent: "Other",
    assertions: ["time < 5"],
  });
  for (
    const f of ["http_method", "http_headers", "http_body", "auth", "user_agent", "assertions"]
  ) {
    assert.match(tcp[f], /Only for http monitors/, f);
  }
  assert.deepEqual(
    validateMonitor({ name: "x", url: "tcp://db.internal:5432", user_agent: "" }, ctx).errors,
    undefined,
  );
  assert.match(errorsOf({ http_body: "x" }).http_body, /GET request has no body/);
  assert.match(errorsOf({ http_method: "HEAD", http_body: "x" }).http_body, /HEAD request/);
  assert.match(errorsOf({ http_method: "FETCH" }).http_method, /Must be/);
  assert.match(errorsOf({ http_headers: "no colon" }).http_headers, /Name: value/);
  assert.match(errorsOf({ http_headers: "Bad Name: 1" }).http_headers, /header name/);
  assert.match(
    errorsOf({ http_headers: "A: 1\nAuthorization: x" }).http_headers,
    /^Line 2: .*auth/,
  );
  assert.match(errorsOf({ http_headers: "X-A: a\u0007b" }).http_headers, /control characters/);
  assert.match(errorsOf({ http_body: "x".repeat(65_537), http_method: "POST" }).http_body, /65536/);
  assert.match(errorsOf({ auth: "basic", auth_secret: "pw" }).auth_user, /Required/);
  assert.match(errorsOf({ auth: "basic", auth_user: "a:b", auth_secret: "pw" }).auth_user, /colon/);
  assert.match(errorsOf({ auth: "bearer" }).auth_secret, /Required for bearer/);
  assert.match(errorsOf({ auth: "bearer", auth_secret: "a b" }).auth_secret, /no spaces/);
  assert.match(errorsOf({ user_agent: "a\nb" }).user_agent, /control characters/);
  assert.match(errorsOf({ assertions: ["body has x"] }).assertions, /Not an assertion/);
  const ok = validateMonitor({
    name: "x",
    url: "https://example.com/",
    http_method: "PUT",
    http_headers: "  X-A :  1 \r\n\r\nAccept: text/plain",
    http_body: "a\r\nb",
    auth: "basic",
    auth_user: "probe",
    auth_secret: "pw",
  }, ctx);
  assert.equal(ok.errors, undefined);
  assert.equal(ok.fields!.httpHeaders, "X-A: 1\nAccept: text/plain");
  assert.equal(ok.fields!.httpBody, "a\nb");
});

Deno.test("the configured store engine keeps every request option and the assertions", async () => {
  await using dir = await tempDir();
  const store = await openStore(testConfig(dir.path));
  try {
    const r = validateMonitor({
      name: "Shop",
      url: "https://shop.example.com/",
      http_method: "PATCH",
      http_headers: "X-A: 1",
      http_body: "{}",
      auth: "basic",
      auth_user: "probe",
      auth_secret: SECRET,
      user_agent: "ShopProbe/2",
      assertions: ['$.items[0]["id"] >= 2', "body ~ /ok/i"],
    }, { getParent: () => null });
    assert.equal(r.errors, undefined);
    const m = await store.monitors.insert(r.fields!, 1);
    const back = (await store.monitors.get(m.id))!;
    assert.deepEqual(
      {
        httpMethod: back.httpMethod,
        httpHeaders: back.httpHeaders,
        httpBody: back.httpBody,
        auth: back.auth,
        authUser: back.authUser,
        authSecret: back.authSecret,
        userAgent: back.userAgent,
        assertions: back.assertions,
      },
      {
        httpMethod: "PATCH",
        httpHeaders: "X-A: 1",
        httpBody: "{}",
        auth: "basic",
        authUser: "probe",
        authSecret: SECRET,
        userAgent: "ShopProbe/2",
        assertions: [
          { type: "json_path", path: '$.items[0]["id"]', op: ">=", value: 2 },
          { type: "body_regex", pattern: "ok", flags: "i" },
        ],
      },
    );
  } finally {
    await store.close();
  }
});
