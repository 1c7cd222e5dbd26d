/**
 * Channel settings: the registry of kinds, validation (unknown kind and fields, required ones,
 * each kind's formats), masking of secrets for the form and the API, and restoring masked
 * values on save.
 */
import assert from "node:assert/strict";
import {
  CHANNEL_KINDS,
  maskConfig,
  restoreMasked,
  secretFieldNames,
  secretsOf,
  validateChannelConfig,
} from "../../../monitor/alerts/channels/index.ts";
import { checkUrl, maskSecret, maskUrl } from "../../../monitor/alerts/channels/common.ts";
import { RECEIVER_SECRETS, RECEIVERS } from "../../_helpers/receivers.ts";

const KINDS = [
  "webhook",
  "slack",
  "discord",
  "telegram",
  "teams",
  "ntfy",
  "gotify",
  "pushover",
  "pagerduty",
  "matrix",
];

Deno.test("CHANNEL_KINDS: the ten kinds, each under its own name, with labelled fields", () => {
  assert.deepEqual([...CHANNEL_KINDS.keys()], KINDS);
  for (const [name, k] of CHANNEL_KINDS) {
    assert.equal(k.kind, name);
    assert.ok(k.label.length > 2, name);
    assert.ok(k.fields.some((f) => f.required), `${name} has a required field`);
    const names = k.fields.map((f) => f.name);
    assert.equal(new Set(names).size, names.length, `${name}: field names are unique`);
    for (const f of k.fields) {
      assert.match(f.name, /^[a-z_]+$/, `${name}.${f.name}`);
      assert.ok(f.label, `${name}.${f.name} has a label`);
      if (f.type === "select") assert.ok(f.options?.length, `${name}.${f.name} has options`);
    }
  }
  // Webhook URLs that are the credential are flagged secret.
  for (const k of ["slack", "discord", "teams"]) assert.deepEqual(secretFieldNames(k), ["url"], k);
  assert.deepEqual(secretFieldNames("webhook"), ["secret", "headers"]);
  assert.deepEqual(secretFieldNames("telegram"), ["bot_token"]);
  assert.deepEqual(secretFieldNames("pushover"), ["user_key", "app_token"]);
  assert.deepEqual(secretFieldNames("pagerduty"), ["routing_key"]);
  assert.deepEqual(secretFieldNames("matrix"), ["access_token"]);
});

Deno.test("validateChannelConfig(): every stand-in's settings are valid as they are", async () => {
  for (const [kind, start] of Object.entries(RECEIVERS)) {
    await using r = await start();
    assert.equal(validateChannelConfig(kind, r.config), null, kind);
    // Surrounding whitespace (a paste) is forgiven.
    const padded = Object.fromEntries(Object.entries(r.config).map(([k, v]) => [k, ` ${v}\n`]));
    assert.equal(validateChannelConfig(kind, padded), null, `${kind} padded`);
  }
});

Deno.test("validateChannelConfig(): unknown kind, unknown settings, non-strings, missing required ones", () => {
  assert.deepEqual(Object.keys(validateChannelConfig("carrier-pigeon", {})!), ["kind"]);
  assert.match(validateChannelConfig("carrier-pigeon", {})!.kind, /webhook, slack/);
  const unknown = validateChannelConfig("slack", {
    url: "https://hooks.slack.com/services/T/B/x",
    channel: "#ops",
  })!;
  assert.deepEqual(Object.keys(unknown), ["channel"]);
  assert.match(unknown.channel, /no setting "channel"/);
  assert.deepEqual(validateChannelConfig("slack", { url: 42 }), { url: "Must be a string." });
  for (const kind of KINDS) {
    const errors = validateChannelConfig(kind, {})!;
    const required = CHANNEL_KINDS.get(kind)!.fields.filter((f) => f.required).map((f) => f.name);
    assert.deepEqual(Object.keys(errors).sort(), required.sort(), kind);
    for (const name of required) assert.match(errors[name], /is required/, `${kind}.${name}`);
  }
});

Deno.test("validateChannelConfig(): each kind's formats, without quoting the value", () => {
  const cases: [string, Record<string, string>, string, RegExp][] = [
    ["slack", { url: "hooks.slack.com/services/x" }, "url", /full URL/],
    ["slack", { url: "ftp://hooks.slack.com/x" }, "url", /http/],
    ["slack", { url: "https://hooks.slack.com/a b" }, "url", /spaces/],
    ["webhook", { url: "https://user:pw@hooks.example.com/" }, "url", /user name and password/],
    ["telegram", { bot_token: "nope", chat_id: "1" }, "bot_token", /123456789:/],
    [
      "telegram",
      { bot_token: "123:AAAAAAAAAAAAAAAAAAAAAAAAA", chat_id: "my chat" },
      "chat_id",
      /numeric chat ID/,
    ],
    [
      "telegram",
      { bot_token: "123:AAAAAAAAAAAAAAAAAAAAAAAAA", chat_id: "1", message_thread_id: "x" },
      "message_thread_id",
      /number/,
    ],
    [
      "telegram",
      { bot_token: "123:AAAAAAAAAAAAAAAAAAAAAAAAA", chat_id: "1", api_url: "javascript:alert(1)" },
      "api_url",
      /http/,
    ],
    ["ntfy", { topic: "has space" }, "topic", /1 to 64/],
    ["ntfy", { topic: "ok", server: "gopher://x" }, "server", /http/],
    ["pushover", { user_key: "short", app_token: "a".repeat(30) }, "user_key", /30 letters/],
    [
      "pushover",
      { user_key: "u".repeat(30), app_token: "a".repeat(30), device: "my phone!" },
      "device",
      /Device names/,
    ],
    ["pagerduty", { routing_key: "abc" }, "routing_key", /32 letters/],
    [
      "matrix",
      { homeserver: "https://m.example", access_token: "t", room_id: "#ops:example.org" },
      "room_id",
      /alias/,
    ],
    [
      "matrix",
      { homeserver: "https://m.example", access_token: "t", room_id: "ops" },
      "room_id",
      /starts with !/,
    ],
    ["gotify", { server: "https://g.example", token: "two words" }, "token", /no spaces/],
    ["webhook", { url: "https://x.example/", headers: "X-A: a\nBad Name: b" }, "headers", /Line 2/],
  ];
  for (const [kind, config, fieldName, want] of cases) {
    const errors = validateChannelConfig(kind, config);
    assert.ok(errors?.[fieldName], `${kind}.${fieldName}: ${JSON.stringify(errors)}`);
    assert.match(errors[fieldName], want, `${kind}.${fieldName}`);
    for (const v of Object.values(config)) {
      if (v.length > 3) {
        assert.ok(!errors[fieldName].includes(v), `${kind}: the value is quoted back`);
      }
    }
  }
});

Deno.test("checkUrl(): http(s) only, a host, no credentials, no whitespace", () => {
  assert.equal(checkUrl("https://hooks.slack.com/services/T/B/x"), null);
  assert.equal(checkUrl("http://127.0.0.1:8080/hook"), null);
  for (
    const bad of [
      "",
      "x",
      "file:///etc/passwd",
      "data:text/plain,hi",
      "https://a b.example/",
      "https://u:p@x.example/",
      "https://x.example/\n",
    ]
  ) {
    assert.ok(checkUrl(bad), JSON.stringify(bad));
  }
});

Deno.test("maskConfig(): secrets shown as ••••<last 4>, secret URLs as scheme://host/•••", async () => {
  assert.equal(maskSecret("0123456789abcdef"), "••••cdef");
  assert.equal(maskSecret("short"), "••••", "a short secret shows nothing of itself");
  assert.equal(maskSecret(""), "");
  assert.equal(
    maskUrl("https://hooks.slack.com/services/T/B/secret"),
    "https://hooks.slack.com/•••",
  );
  assert.equal(maskUrl("not a url"), "•••");

  await using slack = await RECEIVERS.slack();
  const s = maskConfig("slack", slack.config);
  assert.deepEqual(s, { url: `${new URL(slack.url).protocol}//${new URL(slack.url).host}/•••` });

  await using tg = await RECEIVERS.telegram();
  const t = maskConfig("telegram", tg.config);
  assert.equal(t.bot_token, `••••${tg.config.bot_token.slice(-4)}`);
  assert.equal(t.chat_id, tg.config.chat_id, "not a secret: shown as is");
  assert.equal(t.api_url, tg.config.api_url);

  const w = maskConfig("webhook", {
    url: "https://x.example/hook",
    secret: "whsec_0123456789abcdef",
    headers: "Authorization: Bearer abcdefghijklmnop\nX-Team: ops",
  });
  assert.equal(w.url, "https://x.example/hook", "a plain webhook URL is not a secret");
  assert.equal(w.secret, "••••cdef");
  assert.equal(w.headers, "Authorization: ••••mnop\nX-Team: ••••");

  // Settings the kind does not know are not shown; an unknown kind shows nothing in clear.
  assert.deepEqual(maskConfig("slack", { url: "", other: "x" }), { url: "" });
  assert.deepEqual(maskConfig("gone", { token: "0123456789abcdef" }), { token: "••••cdef" });

  for (const [kind, start] of Object.entries(RECEIVERS)) {
    await using r = await start();
    const shown = JSON.stringify(maskConfig(kind, r.config));
    for (const secret of RECEIVER_SECRETS[kind]) {
      assert.ok(!shown.includes(secret), `${kind}: ${shown}`);
    }
  }
});

Deno.test("restoreMasked(): a mask sent back keeps the stored secret; a new value replaces it", () => {
  const kind = CHANNEL_KINDS.get("telegram")!;
  const stored = { bot_token: "123456789:AAEshcTeStToKeN_secret-0123456789abc", chat_id: "1" };
  const shown = maskConfig(kind, stored);
  assert.deepEqual(restoreMasked(kind, stored, { ...shown, chat_id: "2" }), {
    ...stored,
    chat_id: "2",
  });
  const replaced = restoreMasked(kind, stored, {
    ...shown,
    bot_token: "987:NEWNEWNEWNEWNEWNEWNEWNEW",
  });
  assert.equal(replaced.bot_token, "987:NEWNEWNEWNEWNEWNEWNEWNEW");
  const slack = CHANNEL_KINDS.get("slack")!;
  const url = "https://hooks.slack.com/services/T1/B1/abcdefghijklmnopqrstuvwx";
  assert.deepEqual(restoreMasked(slack, { url }, maskConfig(slack, { url })), { url });
});

Deno.test("secretsOf(): secret values, their URL paths and tokens inside header lines", () => {
  const slack = CHANNEL_KINDS.get("slack")!;
  const s = secretsOf(slack, {
    url: "https://hooks.slack.com/services/T1/B1/abcdefghijklmnopqrstuvwx",
  });
  assert.ok(s.includes("https://hooks.slack.com/services/T1/B1/abcdefghijklmnopqrstuvwx"));
  assert.ok(s.includes("/services/T1/B1/abcdefghijklmnopqrstuvwx"));
  assert.ok(s.includes("abcdefghijklmnopqrstuvwx"));
  assert.ok(!s.includes("hooks.slack.com"), "the host alone is not a secret");
  const webhook = CHANNEL_KINDS.get("webhook")!;
  const w = secretsOf(webhook, {
    url: "https://x.example/",
    headers: "Authorization: Bearer tok_abcdefgh",
  });
  assert.ok(w.includes("tok_abcdefgh"));
  assert.ok(!w.some((x) => x.includes("x.example")), "a plain webhook URL is not a secret");
});
