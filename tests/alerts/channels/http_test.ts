/**
 * The adapter from a kind to an AlertChannel, against the loopback stand-ins: each kind is
 * accepted by its service, failures are classified (5xx/429 retry with Retry-After, 4xx
 * permanent in the service's words), a hanging service ends within the timeout, refused
 * connections retry, deleted channels fail for good, and no error ever carries a secret.
 */
import assert from "node:assert/strict";
import {
  ChannelSendError,
  checkChannelTarget,
  httpChannel,
  MAX_ANSWER_BYTES,
  sendTest,
} from "../../../monitor/alerts/channels/http.ts";
import { CHANNEL_KINDS } from "../../../monitor/alerts/channels/index.ts";
import { buildAlertMessage } from "../../../monitor/alerts/message.ts";
import type { ChannelRecord } from "../../../monitor/store/records.ts";
import { closedPort, startTarget } from "../../_helpers/targets.ts";
import {
  type MatrixReceiver,
  matrixReceiver,
  RECEIVER_SECRETS,
  RECEIVERS,
  SUCCESS_STATUS,
  TELEGRAM_TOKEN,
  telegramReceiver,
  WEBHOOK_SECRET,
  webhookReceiver,
} from "../../_helpers/receivers.ts";
import { factsFixture, factsVariants } from "../../_helpers/alert_facts.ts";

const signal = () => new AbortController().signal;

function record(kind: string, config: Record<string, string>, id = 5): ChannelRecord {
  return {
    id,
    kind,
    name: `${kind} channel`,
    config,
    isDefault: false,
    createdAt: 0,
    updatedAt: 0,
  };
}

/** The channel of `kind` whose only channel is `rec`. */
function channelOf(kind: string, rec: ChannelRecord | null, timeoutMs?: number) {
  return httpChannel(
    CHANNEL_KINDS.get(kind)!,
    (id) => Promise.resolve(rec && rec.id === id ? rec : null),
    { timeoutMs },
  );
}

/** Sends and returns what classifyError says about the failure (fails when it succeeds). */
async function failure(ch: ReturnType<typeof channelOf>, target = "5", key = "alert-1") {
  const f = factsFixture();
  try {
    await ch.send(ch.buildMessage(f), target, { idempotencyKey: key, signal: signal() });
  } catch (err) {
    assert.ok(err instanceof Error, "an Error is thrown");
    const c = ch.classifyError(err);
    assert.equal(err.message, c.message, "the Error's message is the classified message");
    return c;
  }
  throw new Error("the send succeeded");
}

Deno.test("every kind is accepted by its service stand-in: response is 'HTTP <status> …'", async () => {
  for (const [kind, start] of Object.entries(RECEIVERS)) {
    await using r = await start();
    const ch = channelOf(kind, record(kind, r.config));
    assert.equal(ch.kind, kind);
    for (const [variant, f] of Object.entries(factsVariants())) {
      const receipt = await ch.send(ch.buildMessage(f), "5", {
        idempotencyKey: `alert-${variant}`,
        signal: signal(),
      });
      assert.match(
        receipt.response,
        new RegExp(`^HTTP ${SUCCESS_STATUS[kind]}\\b`),
        `${kind} ${variant}`,
      );
      for (const s of RECEIVER_SECRETS[kind]) {
        assert.ok(!receipt.response.includes(s), `${kind}: a secret is in the receipt`);
      }
    }
    assert.equal(r.received.length, 4, `${kind}: one request per alert`);
  }
});

Deno.test("buildMessage(): the subject is the email's; the facts travel with it", () => {
  const ch = channelOf("slack", null);
  for (const f of Object.values(factsVariants())) {
    const m = ch.buildMessage(f);
    assert.equal(m.subject, buildAlertMessage(f).subject);
    assert.equal(m.facts, f);
  }
});

Deno.test("validateTarget(): a target is a channel id", () => {
  const ch = channelOf("slack", null);
  assert.equal(ch.validateTarget("5"), null);
  assert.equal(ch.validateTarget("123456"), null);
  for (const bad of ["", "0", "-1", "5.0", "05", "abc", "ops@example.com", "1e3", " 5"]) {
    assert.match(ch.validateTarget(bad) ?? "", /Not a channel id/, JSON.stringify(bad));
  }
  assert.equal(checkChannelTarget("9".repeat(16)) !== null, true, "too long for a safe id");
});

Deno.test("failures: 500 and 503 retry; 429 retries after Retry-After (seconds or date); 400 is permanent", async () => {
  await using r = await RECEIVERS.slack();
  const ch = channelOf("slack", record("slack", r.config));
  const host = new URL(r.url).host;

  r.override = { status: 500, body: "rollup_error" };
  assert.deepEqual(await failure(ch), {
    class: "retry",
    message: `HTTP 500 from ${host}: rollup_error`,
  });
  r.override = { status: 503, body: "" };
  assert.deepEqual(await failure(ch), { class: "retry", message: `HTTP 503 from ${host}` });
  r.override = { status: 429, body: "rate_limited", headers: { "Retry-After": "12" } };
  assert.deepEqual(await failure(ch), {
    class: "retry",
    message: `HTTP 429 from ${host}: rate_limited`,
    retryAfterMs: 12_000,
  });
  r.override = {
    status: 429,
    headers: { "Retry-After": new Date(Date.now() + 60_000).toUTCString() },
  };
  const dated = await failure(ch);
  assert.ok(
    dated.retryAfterMs! > 55_000 && dated.retryAfterMs! <= 60_000,
    String(dated.retryAfterMs),
  );
  r.override = { status: 408 };
  assert.equal((await failure(ch)).class, "retry");
  r.override = { status: 400, body: "invalid_payload" };
  assert.deepEqual(await failure(ch), {
    class: "permanent",
    message: `HTTP 400 from ${host}: invalid_payload`,
  });
  r.override = { status: 302, headers: { Location: "https://elsewhere.example/x" } };
  assert.match((await failure(ch)).message, /HTTP 302 from .*redirected to elsewhere\.example/);
});

Deno.test("failures: the stand-ins' own refusals come back in the service's words", async () => {
  const cases: [string, (c: Record<string, string>) => Record<string, string>, RegExp][] = [
    [
      "slack",
      (c) => ({ url: c.url.replace(/[^/]+$/, "wrongtoken0123456789") }),
      /HTTP 403 from .*: invalid_token$/,
    ],
    [
      "telegram",
      (c) => ({ ...c, chat_id: "-100999" }),
      /HTTP 400 from .*: Bad Request: chat not found$/,
    ],
    [
      "telegram",
      (c) => ({ ...c, bot_token: "987654321:AAEwrongwrongwrongwrongwrong" }),
      /HTTP 401 from .*: Unauthorized$/,
    ],
    [
      "matrix",
      (c) => ({ ...c, room_id: "!other:example.org" }),
      /HTTP 403 from .*: M_FORBIDDEN: User @shc:example.org not in room !other:example.org$/,
    ],
    [
      "matrix",
      (c) => ({ ...c, access_token: "syt_wrong_token_0000" }),
      /HTTP 401 from .*: M_UNKNOWN_TOKEN: Invalid access token passed\.$/,
    ],
    [
      "gotify",
      (c) => ({ ...c, token: "Awrongtoken.y" }),
      /HTTP 401 from .*: Unauthorized: you need to provide a valid access token/,
    ],
    [
      "ntfy",
      (c) => ({ ...c, token: "tk_wrongwrongwrongwrongwrongwro" }),
      /HTTP 401 from .*: unauthorized$/,
    ],
    [
      "pushover",
      (c) => ({ ...c, user_key: "u".repeat(30) }),
      /HTTP 400 from .*: user identifier is not a valid user/,
    ],
    [
      "discord",
      (c) => ({ url: c.url.replace(/[^/]+$/, "wrong_token_abc") }),
      /HTTP 401 from .*: Invalid Webhook Token \(code 50027\)$/,
    ],
    [
      "teams",
      (c) => ({ url: c.url.replace(/sig=[^&]+/, "sig=nope") }),
      /HTTP 401 from .*DirectApiAuthorizationRequired/,
    ],
  ];
  for (const [kind, change, want] of cases) {
    await using r = await RECEIVERS[kind]();
    const config = change(r.config);
    const c = await failure(channelOf(kind, record(kind, config)));
    assert.equal(c.class, "permanent", `${kind}: ${c.message}`);
    assert.match(c.message, want, kind);
    for (
      const s of [
        ...RECEIVER_SECRETS[kind],
        ...Object.values(config).filter((v) => v.length > 12),
      ]
    ) {
      if (s.startsWith("http") || s.startsWith("!")) continue; // the base URL and room are not secret
      assert.ok(!c.message.includes(s), `${kind}: ${c.message} quotes a secret`);
    }
  }
});

Deno.test("secrets never reach an error message, even when the service echoes them", async () => {
  for (const [kind, start] of Object.entries(RECEIVERS)) {
    await using r = await start();
    const secrets = RECEIVER_SECRETS[kind];
    // A service that quotes the request back (URL, path and token) in its error.
    r.override = {
      status: 404,
      body: `not found: ${JSON.stringify(r.config)} ${secrets.join(" ")} ${
        Object.values(r.config).map(encodeURIComponent).join(" ")
      }`,
    };
    const c = await failure(channelOf(kind, record(kind, r.config)));
    assert.equal(c.class, "permanent");
    for (const s of secrets) {
      assert.ok(!c.message.includes(s), `${kind}: ${c.message}`);
      assert.ok(
        !c.message.includes(encodeURIComponent(s)),
        `${kind}: encoded secret in ${c.message}`,
      );
    }
    assert.match(c.message, /•••/, `${kind}: the secret was replaced, visibly`);
  }
});

Deno.test("a hanging service ends within the timeout (before headers and mid-body) and retries", async () => {
  for (const mode of ["hang", "hang-body"] as const) {
    await using r = await telegramReceiver();
    r.override = mode;
    const ch = channelOf("telegram", record("telegram", r.config), 300);
    const t0 = performance.now();
    const c = await failure(ch);
    const took = performance.now() - t0;
    assert.ok(took >= 250 && took < 2000, `${mode}: took ${Math.round(took)} ms`);
    assert.equal(c.class, "retry", mode);
    assert.equal(c.message, `No answer from ${new URL(r.url).host} within 300 ms`, mode);
    assert.ok(!c.message.includes(TELEGRAM_TOKEN));
  }
});

Deno.test("a refused connection retries and names the host, never the URL with its token", async () => {
  const port = closedPort();
  const config = {
    bot_token: TELEGRAM_TOKEN,
    chat_id: "-100123",
    api_url: `http://127.0.0.1:${port}`,
  };
  const c = await failure(channelOf("telegram", record("telegram", config)));
  assert.equal(c.class, "retry");
  assert.match(
    c.message,
    new RegExp(`^Could not reach 127\\.0\\.0\\.1:${port}: Connection refused`),
  );
  assert.ok(!c.message.includes(TELEGRAM_TOKEN), c.message);
  assert.ok(!c.message.includes("AAEshc"), c.message);
  assert.ok(!c.message.includes("/bot"), c.message);
});

Deno.test("a deleted channel, a channel of another kind and invalid settings fail for good", async () => {
  assert.deepEqual(await failure(channelOf("slack", null)), {
    class: "permanent",
    message: "channel 5 was deleted",
  });
  const other = await failure(channelOf("slack", { ...record("discord", {}), kind: "discord" }));
  assert.deepEqual(other, {
    class: "permanent",
    message: "channel 5 is a discord channel, not slack",
  });
  const invalid = await failure(
    channelOf("slack", record("slack", { url: "ftp://hooks.example/x" })),
  );
  assert.equal(invalid.class, "permanent");
  assert.match(invalid.message, /^channel 5 has invalid settings \(url: /);
  assert.ok(!invalid.message.includes("hooks.example"), "the URL is not quoted back");
  assert.deepEqual(await failure(channelOf("slack", null), "nope"), {
    class: "permanent",
    message: 'Not a channel id: "nope"',
  });
});

Deno.test("the sender's signal cancels a send under way: retry, not a failure", async () => {
  await using r = await telegramReceiver();
  r.override = "hang";
  const ch = channelOf("telegram", record("telegram", r.config), 5000);
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 100);
  const t0 = performance.now();
  const err = await ch.send(ch.buildMessage(factsFixture()), "5", {
    idempotencyKey: "k",
    signal: ac.signal,
  }).then(() => null, (e) => e);
  assert.ok(performance.now() - t0 < 2000, "ended promptly");
  assert.ok(err instanceof ChannelSendError);
  assert.equal(ch.classifyError(err).class, "retry");
  assert.match(ch.classifyError(err).message, /cancelled/);
});

Deno.test("an endless answer is read only up to a few KiB, then let go", async () => {
  const chunk = new TextEncoder().encode("y".repeat(65_536));
  let sent = 0;
  await using t = await startTarget((_req, _info, closing) =>
    new Response(
      new ReadableStream<Uint8Array>({
        pull(c) {
          if (closing.aborted) return c.close();
          sent += chunk.length;
          c.enqueue(chunk);
        },
      }),
      { status: 200 },
    )
  );
  const ch = channelOf("webhook", record("webhook", { url: `${t.url}hook` }), 3000);
  const t0 = performance.now();
  const receipt = await ch.send(ch.buildMessage(factsFixture()), "5", {
    idempotencyKey: "k",
    signal: signal(),
  });
  assert.ok(performance.now() - t0 < 2000, "did not read until the timeout");
  assert.match(receipt.response, /^HTTP 200 y+…$/);
  assert.ok(receipt.response.length <= 220, `response of ${receipt.response.length} characters`);
  assert.ok(MAX_ANSWER_BYTES <= 8192);
  assert.ok(sent < 50_000_000, "the stream was cancelled");
});

Deno.test("classifyError(): unexpected errors (the store failed to load) are retried", () => {
  const ch = channelOf("slack", null);
  const c = ch.classifyError(new Error("database is locked at https://u:pw@db.example/"));
  assert.deepEqual(c, { class: "retry", message: "database is locked at https://***@db.example/" });
});

Deno.test("Matrix: a resend with the same idempotency key is one event; another key is another", async () => {
  await using r: MatrixReceiver = await matrixReceiver();
  const ch = channelOf("matrix", record("matrix", r.config));
  const f = factsFixture();
  const send = (key: string) =>
    ch.send(ch.buildMessage(f), "5", { idempotencyKey: key, signal: signal() });
  const first = await send("alert-77");
  const again = await send("alert-77");
  assert.equal(r.received.length, 2);
  assert.equal(r.events.length, 1, "the homeserver deduplicated the resend");
  assert.equal(first.response, again.response, "same event_id both times");
  await send("alert-78");
  assert.equal(r.events.length, 2);
  assert.equal(r.events[0].content.msgtype, "m.text");
  assert.equal(r.events[0].content.format, "org.matrix.custom.html");
});

Deno.test("sendTest(): resolves with the service's answer, or throws its exact error", async () => {
  for (const [kind, start] of Object.entries(RECEIVERS)) {
    await using r = await start();
    const ok = await sendTest(kind, r.config, { dashboardUrl: "https://status.example.com/" });
    assert.equal(ok.ok, true);
    assert.equal(ok.status, SUCCESS_STATUS[kind], kind);
    assert.equal(r.received.length, 1);
    assert.ok(
      r.received[0].body.includes("TEST") || kind === "pushover",
      `${kind}: marked as a test`,
    );
    r.override = { status: 400, body: "nope, bad" };
    await assert.rejects(
      sendTest(kind, r.config, { dashboardUrl: "https://status.example.com/" }),
      (e: Error) => e.message === `HTTP 400 from ${new URL(r.url).host}: nope, bad`,
      kind,
    );
  }
  await assert.rejects(
    sendTest("slack", { url: "not a url" }, { dashboardUrl: "https://s.example/" }),
    (e: Error) => /^Invalid settings: url: /.test(e.message),
  );
  await assert.rejects(
    sendTest("carrier-pigeon", {}, { dashboardUrl: "https://s.example/" }),
    /Unknown channel kind/,
  );
  const port = closedPort();
  await assert.rejects(
    sendTest("webhook", { url: `http://127.0.0.1:${port}/x` }, {
      dashboardUrl: "https://s.example/",
    }),
    (e: Error) => /^Could not reach 127\.0\.0\.1:\d+: Connection refused/.test(e.message),
  );
});

Deno.test("webhook end to end: the receiver can verify the signature over the bytes it got", async () => {
  await using r = await webhookReceiver();
  const ch = channelOf("webhook", record("webhook", r.config));
  await ch.send(ch.buildMessage(factsFixture()), "5", {
    idempotencyKey: "alert-9",
    signal: signal(),
  });
  const got = r.received[0];
  assert.equal(got.headers.get("idempotency-key"), "alert-9");
  assert.equal(got.headers.get("content-type"), "application/json; charset=utf-8");
  const sig = got.headers.get("x-shc-signature")!;
  const mac = Uint8Array.from(sig.replace(/^sha256=/, "").match(/../g)!, (h) => parseInt(h, 16));
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(WEBHOOK_SECRET),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["verify"],
  );
  assert.ok(await crypto.subtle.verify("HMAC", key, mac, new TextEncoder().encode(got.body)));
  assert.ok(
    !(await crypto.subtle.verify("HMAC", key, mac, new TextEncoder().encode(got.body + " "))),
    "one more byte and it fails",
  );
  assert.equal((got.json as { idempotency_key: string }).idempotency_key, "alert-9");
});
