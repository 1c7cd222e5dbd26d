/**
 * API v1 notification channels: kinds, CRUD, validation with field keys, secrets masked in every
 * answer (and kept when sent back masked), "send test" against loopback receivers, and the
 * monitors' `channel_ids`.
 */
import assert from "node:assert/strict";
import { createRuntime } from "../../runtime.ts";
import { createApp } from "../../routes/app.ts";
import { setLogLevel } from "../../monitor/log.ts";
import { tempDir, testConfig } from "../_helpers/core.ts";
import { apiClient, type Json } from "../_helpers/api.ts";

setLogLevel("error");

/** The secret part of the Slack URLs below: it must never come back in full. */
const TOKEN = "XoxbSecretToken0123456789abcdef";
const SIGNING = "webhook-signing-secret-7f3a9c";

/** A runtime on a temp database, its app, a token, and every response body seen. */
async function setup() {
  const dir = await tempDir();
  const rt = await createRuntime(testConfig(dir.path), { cron: false });
  const app = createApp(rt);
  const { token } = await rt.accounts.createToken("tests");
  const bodies: string[] = [];
  const call = apiClient(app, token, (text) => bodies.push(text));
  return {
    rt,
    call,
    /** Fails when any answer so far contains `secret`. */
    assertNeverShown(secret: string) {
      const leaks = bodies.filter((b) => b.includes(secret));
      assert.deepEqual(leaks, [], `"${secret}" was returned`);
      assert.ok(bodies.length > 0);
    },
    async [Symbol.asyncDispose]() {
      await rt.stop();
      await dir[Symbol.asyncDispose]();
    },
  };
}

/** A loopback HTTP receiver answering every request with `status` and `body`. */
function receiver(status: number, body: string) {
  const requests: { path: string; body: string }[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (req) => {
      requests.push({ path: new URL(req.url).pathname, body: await req.text() });
      return new Response(body, { status, headers: { "content-type": "text/plain" } });
    },
  );
  return {
    requests,
    url: `http://127.0.0.1:${server.addr.port}/services/T0001/B0001/${TOKEN}`,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}

const slackUrl = (port = 9) => `http://127.0.0.1:${port}/services/T0001/B0001/${TOKEN}`;

Deno.test("GET /api/v1/channel-kinds lists every kind with its settings; a token is needed", async () => {
  await using s = await setup();
  const r = await s.call("GET", "/api/v1/channel-kinds");
  assert.equal(r.status, 200, r.text);
  const kinds = r.json.kinds as { kind: string; label: string; fields: Json[] }[];
  assert.deepEqual(
    kinds.map((k) => k.kind).sort(),
    [
      "discord",
      "gotify",
      "matrix",
      "ntfy",
      "pagerduty",
      "pushover",
      "slack",
      "teams",
      "telegram",
      "webhook",
    ],
  );
  const slack = kinds.find((k) => k.kind === "slack")!;
  assert.match(slack.label, /Slack/);
  const url = slack.fields.find((f) => f.name === "url")!;
  assert.equal(url.type, "url");
  assert.equal(url.required, true);
  assert.equal(url.secret, true, "a webhook URL is a credential");
  const webhook = kinds.find((k) => k.kind === "webhook")!;
  assert.equal(webhook.fields.find((f) => f.name === "url")!.secret, false);
  assert.equal(webhook.fields.find((f) => f.name === "secret")!.secret, true);

  for (const path of ["/api/v1/channel-kinds", "/api/v1/channels", "/api/v1/channels/1"]) {
    const anon = await s.call("GET", path, undefined, null);
    assert.equal(anon.status, 401, path);
  }
  assert.equal((await s.call("POST", "/api/v1/channels", { kind: "slack" }, null)).status, 401);
  assert.equal((await s.call("POST", "/api/v1/channels/1/test", undefined, null)).status, 401);
});

Deno.test("channel CRUD: 201, list, get, partial PATCH, DELETE 204, then 404", async () => {
  await using s = await setup();
  const created = await s.call("POST", "/api/v1/channels", {
    kind: "slack",
    name: "#ops",
    is_default: true,
    config: { url: slackUrl() },
  });
  assert.equal(created.status, 201, created.text);
  const ch = created.json;
  assert.equal(typeof ch.id, "number");
  assert.deepEqual(Object.keys(ch).sort(), [
    "config",
    "created_at",
    "id",
    "is_default",
    "kind",
    "kind_label",
    "name",
    "updated_at",
  ]);
  assert.equal(ch.kind, "slack");
  assert.match(String(ch.kind_label), /Slack/);
  assert.equal(ch.name, "#ops");
  assert.equal(ch.is_default, true);
  assert.deepEqual(ch.config, { url: "http://127.0.0.1:9/•••" });
  assert.match(String(ch.created_at), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(ch.updated_at, ch.created_at);
  const id = ch.id as number;

  const list = await s.call("GET", "/api/v1/channels");
  assert.equal(list.status, 200);
  assert.deepEqual(list.json.channels, [ch]);
  assert.deepEqual((await s.call("GET", `/api/v1/channels/${id}`)).json, ch);

  const renamed = await s.call("PATCH", `/api/v1/channels/${id}`, { name: "#alerts" });
  assert.equal(renamed.status, 200, renamed.text);
  assert.equal(renamed.json.name, "#alerts");
  assert.equal(renamed.json.is_default, true, "absent fields keep their values");
  assert.deepEqual(renamed.json.config, ch.config);
  assert.equal((await s.rt.store.channels.get(id))!.config.url, slackUrl(), "secret kept");

  const notDefault = await s.call("PATCH", `/api/v1/channels/${id}`, { is_default: false });
  assert.equal(notDefault.json.is_default, false);
  assert.equal(notDefault.json.name, "#alerts");

  const del = await s.call("DELETE", `/api/v1/channels/${id}`);
  assert.equal(del.status, 204);
  assert.equal(del.text, "");
  for (
    const [method, body] of [["GET"], ["PATCH", { name: "x" }], ["DELETE"], ["POST"]] as const
  ) {
    const path = method === "POST" ? `/api/v1/channels/${id}/test` : `/api/v1/channels/${id}`;
    const r = await s.call(method, path, body);
    assert.equal(r.status, 404, `${method} ${path}: ${r.text}`);
    assert.match(String(r.json.error), /No notification channel with id/);
  }
  assert.equal((await s.call("GET", "/api/v1/channels/abc")).status, 404);
  assert.equal((await s.call("GET", "/api/v1/channels/abc")).json.error !== undefined, true);
  assert.deepEqual((await s.call("GET", "/api/v1/channels")).json.channels, []);
  s.assertNeverShown(TOKEN);
});

Deno.test("invalid channels: 422 with field keys, unknown fields refused, nothing stored", async () => {
  await using s = await setup();
  const ok = { kind: "slack", name: "#ops", config: { url: slackUrl() } };
  const cases: [string, unknown, string][] = [
    ["missing kind", { name: "x", config: { url: slackUrl() } }, "kind"],
    ["unknown kind", { ...ok, kind: "carrier-pigeon" }, "kind"],
    ["missing name", { kind: "slack", config: { url: slackUrl() } }, "name"],
    ["blank name", { ...ok, name: "  " }, "name"],
    ["name too long", { ...ok, name: "x".repeat(101) }, "name"],
    ["is_default not a boolean", { ...ok, is_default: "maybe" }, "is_default"],
    ["config not an object", { ...ok, config: "http://x" }, "config"],
    ["missing URL", { ...ok, config: {} }, "config.url"],
    ["not a URL", { ...ok, config: { url: "not a url" } }, "config.url"],
    ["ftp URL", { ...ok, config: { url: "ftp://example.com/x" } }, "config.url"],
    ["URL not text", { ...ok, config: { url: 42 } }, "config.url"],
    ["unknown setting", { ...ok, config: { url: slackUrl(), colour: "red" } }, "config.colour"],
    ["unknown field", { ...ok, colour: "red" }, "colour"],
    ["webhook header line", {
      kind: "webhook",
      name: "hook",
      config: { url: "https://example.com/hook", headers: "no colon here" },
    }, "config.headers"],
  ];
  for (const [label, body, field] of cases) {
    const r = await s.call("POST", "/api/v1/channels", body);
    assert.equal(r.status, 422, `${label}: ${r.text}`);
    assert.equal(typeof r.json.error, "string", label);
    const fields = r.json.fields as Record<string, string>;
    assert.ok(field in fields, `${label}: ${JSON.stringify(fields)}`);
    assert.ok(fields[field].length > 0, label);
  }
  assert.equal((await s.rt.store.channels.list()).length, 0, "a refused channel was stored");

  assert.equal((await s.call("POST", "/api/v1/channels", "{not json")).status, 400);
  assert.equal((await s.call("POST", "/api/v1/channels", "[1]")).status, 400);

  // A refused edit changes nothing; the kind is fixed.
  const id = (await s.call("POST", "/api/v1/channels", ok)).json.id as number;
  const before = await s.rt.store.channels.get(id);
  for (
    const [body, field] of [
      [{ kind: "discord" }, "kind"],
      [{ name: "" }, "name"],
      [{ config: { url: "nope" } }, "config.url"],
      [{ colour: "red" }, "colour"],
    ] as const
  ) {
    const r = await s.call("PATCH", `/api/v1/channels/${id}`, body);
    assert.equal(r.status, 422, r.text);
    assert.ok(field in (r.json.fields as Json), `${field}: ${r.text}`);
  }
  assert.deepEqual(await s.rt.store.channels.get(id), before);
  s.assertNeverShown(TOKEN);
});

Deno.test("secrets are masked in every answer; sent back masked or empty they are kept", async () => {
  await using s = await setup();
  const created = await s.call("POST", "/api/v1/channels", {
    kind: "webhook",
    name: "Signed hook",
    config: {
      url: "https://hooks.example.com/shc",
      secret: SIGNING,
      headers: `Authorization: Bearer ${TOKEN}`,
    },
  });
  assert.equal(created.status, 201, created.text);
  const id = created.json.id as number;
  const shown = created.json.config as Record<string, string>;
  assert.equal(shown.url, "https://hooks.example.com/shc", "a plain URL is shown as it is");
  assert.equal(shown.secret, `••••${SIGNING.slice(-4)}`);
  assert.match(shown.headers, /^Authorization: ••••/);

  // The masked values sent back (a client that PUTs what it read) keep the stored secrets.
  const echoed = await s.call("PATCH", `/api/v1/channels/${id}`, {
    name: "Signed hook 2",
    config: shown,
  });
  assert.equal(echoed.status, 200, echoed.text);
  let stored = (await s.rt.store.channels.get(id))!;
  assert.equal(stored.name, "Signed hook 2");
  assert.equal(stored.config.secret, SIGNING);
  assert.equal(stored.config.headers, `Authorization: Bearer ${TOKEN}`);

  // An empty secret keeps it too; a new one replaces it.
  await s.call("PATCH", `/api/v1/channels/${id}`, { config: { secret: "" } });
  assert.equal((await s.rt.store.channels.get(id))!.config.secret, SIGNING);
  const replaced = await s.call("PATCH", `/api/v1/channels/${id}`, {
    config: { secret: "a-brand-new-secret-42" },
  });
  assert.equal(replaced.status, 200, replaced.text);
  stored = (await s.rt.store.channels.get(id))!;
  assert.equal(stored.config.secret, "a-brand-new-secret-42");
  assert.equal(stored.config.url, "https://hooks.example.com/shc");

  // A Slack URL is itself the secret: only scheme and host come back.
  const slack = await s.call("POST", "/api/v1/channels", {
    kind: "slack",
    name: "#ops",
    config: { url: slackUrl() },
  });
  assert.deepEqual(slack.json.config, { url: "http://127.0.0.1:9/•••" });
  await s.call("PATCH", `/api/v1/channels/${slack.json.id}`, { config: slack.json.config });
  assert.equal((await s.rt.store.channels.get(slack.json.id as number))!.config.url, slackUrl());

  await s.call("GET", "/api/v1/channels");
  await s.call("GET", `/api/v1/channels/${id}`);
  s.assertNeverShown(TOKEN);
  s.assertNeverShown(SIGNING);
  s.assertNeverShown("a-brand-new-secret-42");
  s.assertNeverShown("/services/T0001/B0001");
});

Deno.test("POST /channels/:id/test: 200 with the answer, 502 with the service's exact refusal", async () => {
  await using s = await setup();
  await using good = receiver(200, "ok");
  await using bad = receiver(404, "no_service");

  const okId = (await s.call("POST", "/api/v1/channels", {
    kind: "slack",
    name: "works",
    config: { url: good.url },
  })).json.id;
  const sent = await s.call("POST", `/api/v1/channels/${okId}/test`);
  assert.equal(sent.status, 200, sent.text);
  assert.equal(sent.json.ok, true);
  assert.equal(sent.json.status, 200);
  assert.match(String(sent.json.response), /\bok\b/);
  assert.equal(good.requests.length, 1, "one request reached the receiver");
  assert.equal(good.requests[0].path, `/services/T0001/B0001/${TOKEN}`);
  assert.match(good.requests[0].body, /TEST/, "the test message says it is a test");

  const badId = (await s.call("POST", "/api/v1/channels", {
    kind: "slack",
    name: "gone",
    config: { url: bad.url },
  })).json.id;
  const refused = await s.call("POST", `/api/v1/channels/${badId}/test`);
  assert.equal(refused.status, 502, refused.text);
  assert.deepEqual(Object.keys(refused.json), ["error"]);
  assert.match(String(refused.json.error), /HTTP 404/);
  assert.match(String(refused.json.error), /no_service/);
  assert.equal(bad.requests.length, 1);

  // Nothing listening: the network error, still a 502 with words.
  const deadId = (await s.call("POST", "/api/v1/channels", {
    kind: "slack",
    name: "nobody home",
    config: { url: slackUrl(9) },
  })).json.id;
  const dead = await s.call("POST", `/api/v1/channels/${deadId}/test`);
  assert.equal(dead.status, 502, dead.text);
  assert.match(String(dead.json.error), /127\.0\.0\.1:9/);
  s.assertNeverShown(TOKEN);
});

Deno.test("monitors' channel_ids: defaults for new monitors, [] allowed, unknown ids refused", async () => {
  await using s = await setup();
  const chan = async (name: string, is_default: boolean) =>
    (await s.call("POST", "/api/v1/channels", {
      kind: "slack",
      name,
      is_default,
      config: { url: slackUrl() },
    })).json.id as number;
  const ops = await chan("#ops", true);
  const dev = await chan("#dev", false);
  const site = { name: "Shop", url: "https://shop.example/health" };

  const plain = await s.call("POST", "/api/v1/monitors", site);
  assert.equal(plain.status, 201, plain.text);
  assert.deepEqual(plain.json.channel_ids, [ops], "a monitor naming none gets the defaults");

  const none = await s.call("POST", "/api/v1/monitors", { ...site, channel_ids: [] });
  assert.equal(none.status, 201, none.text);
  assert.deepEqual(none.json.channel_ids, []);

  const both = await s.call("POST", "/api/v1/monitors", { ...site, channel_ids: [dev, ops] });
  assert.deepEqual(both.json.channel_ids, [dev, ops]);

  const unknown = await s.call("POST", "/api/v1/monitors", { ...site, channel_ids: [ops, 9999] });
  assert.equal(unknown.status, 422, unknown.text);
  assert.match((unknown.json.fields as Record<string, string>).channel_ids, /9999/);
  const junk = await s.call("POST", "/api/v1/monitors", { ...site, channel_ids: ["x"] });
  assert.equal(junk.status, 422, junk.text);
  assert.ok("channel_ids" in (junk.json.fields as Json));

  const id = plain.json.id;
  const patched = await s.call("PATCH", `/api/v1/monitors/${id}`, { channel_ids: [dev] });
  assert.equal(patched.status, 200, patched.text);
  assert.deepEqual(patched.json.channel_ids, [dev]);
  const refused = await s.call("PATCH", `/api/v1/monitors/${id}`, { channel_ids: [12345] });
  assert.equal(refused.status, 422);
  assert.match((refused.json.fields as Record<string, string>).channel_ids, /12345/);
  assert.deepEqual((await s.call("GET", `/api/v1/monitors/${id}`)).json.channel_ids, [dev]);

  // Deleting a channel takes it off the monitors that used it.
  assert.equal((await s.call("DELETE", `/api/v1/channels/${dev}`)).status, 204);
  assert.deepEqual((await s.call("GET", `/api/v1/monitors/${id}`)).json.channel_ids, []);
});
