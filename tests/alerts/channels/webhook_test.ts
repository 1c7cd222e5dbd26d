/**
 * The generic webhook: its documented JSON body, the HMAC-SHA256 signature (verified here with
 * crypto.subtle, as a receiver would), the Idempotency-Key header and custom header lines.
 */
import assert from "node:assert/strict";
import { hmacSha256Hex, webhook, webhookBody } from "../../../monitor/alerts/channels/webhook.ts";
import { parseHeaderLines } from "../../../monitor/alerts/channels/common.ts";
import { testFacts } from "../../../monitor/alerts/channels/index.ts";
import {
  appFixture,
  factsFixture,
  factsVariants,
  incidentFixture,
  T0,
} from "../../_helpers/alert_facts.ts";

// deno-lint-ignore no-explicit-any -- parsed JSON bodies are read field by field
type Json = any;

const SECRET = "whsec_0123456789abcdefghij";
const URL_ = "https://hooks.example.com/shc";

/** Verifies `signature` (`sha256=<hex>`) over `body` the way a receiver should. */
async function verify(secret: string, body: string, signature: string): Promise<boolean> {
  const m = signature.match(/^sha256=([0-9a-f]{64})$/);
  if (!m) return false;
  const mac = Uint8Array.from(m[1].match(/../g)!, (h) => parseInt(h, 16));
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["verify"],
  );
  return crypto.subtle.verify("HMAC", key, mac, new TextEncoder().encode(body));
}

Deno.test("webhook body: every documented field, with its type", () => {
  const f = factsVariants().grouped;
  const b = webhookBody(f, "alert-42") as Json;
  assert.deepEqual(Object.keys(b).sort(), [
    "affected_apps",
    "cause",
    "dashboard_url",
    "event",
    "idempotency_key",
    "incident",
    "monitor",
    "reminder",
    "sent_at",
    "text",
    "title",
    "version",
  ]);
  assert.equal(b.version, 1);
  assert.equal(b.event, "down");
  assert.equal(b.title, "[DOWN] Main Ecommerce Server — HTTP 502 (+2 internal apps)");
  assert.deepEqual(b.monitor, {
    id: 3,
    name: "Main Ecommerce Server",
    url: "https://***@shop.example.com/health",
    parent_name: null,
  });
  assert.deepEqual(b.incident, {
    id: 7,
    started_at: "2025-01-15T12:00:00.000Z",
    confirmed_at: "2025-01-15T12:00:30.000Z",
    ended_at: null,
    duration_ms: 31_000,
    failure_count: 2,
  });
  assert.deepEqual(b.cause, {
    error_kind: "unexpected_status",
    http_status: 502,
    message: "HTTP 502 Bad Gateway, expected 200",
    summary: "The server answered HTTP 502 Bad Gateway; expected 200.",
    short: "HTTP 502",
  });
  assert.equal(b.reminder, 0);
  assert.equal(b.affected_apps.length, 2);
  assert.deepEqual(b.affected_apps[0], {
    id: 11,
    name: "Checkout API",
    url: "https://***@shop.example.com/checkout/health",
    error_kind: "unexpected_status",
    http_status: 500,
    message: "HTTP 500 Internal Server Error, expected 200",
    started_at: "2025-01-15T12:00:05.000Z",
    ended_at: null,
  });
  assert.equal(b.dashboard_url, "https://status.example.com/monitors/3");
  assert.equal(b.sent_at, new Date(T0 + 31_000).toISOString());
  assert.equal(b.idempotency_key, "alert-42");
  assert.match(b.text, /Internal apps affected \(2\):/);
});

Deno.test("webhook body: recovered, reminder and test events", () => {
  const { recovered, reminder } = factsVariants();
  const r = webhookBody(recovered, "k") as { event: string; incident: Record<string, unknown> };
  assert.equal(r.event, "recovered");
  assert.equal(r.incident.ended_at, "2025-01-15T12:04:12.000Z");
  assert.equal(r.incident.duration_ms, 252_000);
  const m = webhookBody(reminder, "k") as {
    event: string;
    reminder: number;
    incident: Record<string, unknown>;
  };
  assert.equal(m.event, "reminder");
  assert.equal(m.reminder, 2);
  assert.equal(m.incident.duration_ms, 3_780_000);
  const t = webhookBody(testFacts(T0, "https://status.example.com/"), "k") as Json;
  assert.equal(t.event, "test");
  assert.equal(t.monitor.id, 0);
  const internal = factsFixture({
    monitor: { ...factsFixture().monitor, parentName: "Main Website" },
  });
  assert.equal((webhookBody(internal, "k") as Json).monitor.parent_name, "Main Website");
  const tls = factsFixture({
    incident: incidentFixture({
      errorKind: "tls",
      httpStatus: null,
      errorMessage: "bad cert at https://u:pw@x.example/",
    }),
  });
  const c = (webhookBody(tls, "k") as Json).cause;
  assert.equal(c.http_status, null);
  assert.equal(c.message, "bad cert at https://***@x.example/");
});

Deno.test("webhook signature: X-SHC-Signature is sha256=<HMAC of the exact body>, verifiable", async () => {
  const f = factsFixture();
  const req = await webhook.request(f, { url: URL_, secret: SECRET }, {
    idempotencyKey: "alert-42",
  });
  const sig = req.headers["X-SHC-Signature"];
  assert.match(sig, /^sha256=[0-9a-f]{64}$/);
  assert.ok(await verify(SECRET, req.body, sig), "the receiver's verification passes");
  assert.ok(!(await verify("another-secret-0123456", req.body, sig)), "a wrong secret fails");
  assert.ok(!(await verify(SECRET, req.body.replace("502", "503"), sig)), "a changed body fails");
  assert.equal(sig, `sha256=${await hmacSha256Hex(SECRET, req.body)}`);
  // The timestamp is the body's sent_at, so the signature covers it.
  assert.equal(req.headers["X-SHC-Timestamp"], String(Math.floor((T0 + 31_000) / 1000)));
  assert.equal(
    new Date(Number(req.headers["X-SHC-Timestamp"]) * 1000).toISOString().slice(0, 19),
    JSON.parse(req.body).sent_at.slice(0, 19),
  );
  // A known vector: HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog").
  assert.equal(
    await hmacSha256Hex("key", "The quick brown fox jumps over the lazy dog"),
    "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8",
  );
});

Deno.test("webhook headers: JSON, Idempotency-Key, the event; no signature without a secret", async () => {
  const req = await webhook.request(factsFixture(), { url: URL_ }, { idempotencyKey: "alert-42" });
  assert.equal(req.method, "POST");
  assert.equal(req.url, URL_);
  assert.equal(req.headers["Content-Type"], "application/json; charset=utf-8");
  assert.equal(req.headers["Idempotency-Key"], "alert-42");
  assert.equal(req.headers["X-SHC-Event"], "down");
  assert.equal(req.headers["X-SHC-Signature"], undefined);
  assert.equal(req.headers["X-SHC-Timestamp"], undefined);
  assert.equal(JSON.parse(req.body).idempotency_key, "alert-42");
});

Deno.test("webhook headers: custom lines are sent; ours cannot be overridden", async () => {
  const req = await webhook.request(factsFixture({ affected: [appFixture()] }), {
    url: URL_,
    headers: "Authorization: Bearer abc.def\n\nX-Team: ops\n# a comment",
  }, { idempotencyKey: "k1" });
  assert.equal(req.headers.Authorization, "Bearer abc.def");
  assert.equal(req.headers["X-Team"], "ops");
  assert.equal(req.headers["Idempotency-Key"], "k1");
  assert.equal(Object.keys(req.headers).filter((h) => h.startsWith("#")).length, 0);
  assert.doesNotThrow(() => new Headers(req.headers));
});

Deno.test("parseHeaderLines(): header injection and bad names are refused, values never echoed", () => {
  const cases: [string, RegExp | null][] = [
    ["X-Good: yes", null],
    ["X-Tab:\tvalue\twith tabs", null],
    ["Authorization: Basic dXNlcjpwYXNz", null],
    ["NoColon", /Name: value/],
    [": no name", /Name: value/],
    ["Bad Name: x", /not a valid header name/],
    ["X-Ünïcode: x", /not a valid header name/],
    ["Content-Type: text/plain", /set by Server Health Checker/],
    ["X-SHC-Signature: sha256=forged", /set by Server Health Checker/],
    ["Idempotency-Key: x", /set by Server Health Checker/],
    ["Host: evil.example", /set by Server Health Checker/],
    ["X-Inject: a\u0000b", /control characters/],
    ["X-Inject: a\u000bb", /control characters/],
    ["X-Emoji: 🔥secretvalue", /plain ASCII/],
    ["X-A: 1\nx-a: 2", /given twice/],
  ];
  for (const [input, want] of cases) {
    const { headers, errors } = parseHeaderLines(input);
    if (want === null) {
      assert.deepEqual(errors, [], input);
      assert.equal(headers.length, 1, input);
    } else {
      assert.equal(errors.length, 1, `${JSON.stringify(input)} → ${JSON.stringify(errors)}`);
      assert.match(errors[0], want, input);
      assert.ok(
        !errors[0].includes("secretvalue") && !errors[0].includes("dXNl"),
        "no value echoed",
      );
    }
  }
  // CR/LF can only ever split lines: the injected "header" is its own, validated line.
  const crlf = parseHeaderLines("X-A: ok\r\nX-B: fine\rX-C: also");
  assert.deepEqual(crlf.headers, [["X-A", "ok"], ["X-B", "fine"], ["X-C", "also"]]);
  assert.deepEqual(parseHeaderLines("X-A: ok\r\nHost: evil").errors, [
    "Line 2: the Host header is set by Server Health Checker.",
  ]);
});

Deno.test("webhook validate(): URL required and http(s); short secret; bad header lines", () => {
  assert.equal(webhook.validate({ url: URL_ }), null);
  assert.equal(webhook.validate({ url: URL_, secret: SECRET, headers: "X-A: b" }), null);
  assert.deepEqual(Object.keys(webhook.validate({})!), ["url"]);
  assert.match(webhook.validate({ url: "ftp://x.example/" })!.url, /http/);
  assert.match(webhook.validate({ url: URL_, secret: "short" })!.secret, /16 characters/);
  assert.match(webhook.validate({ url: URL_, headers: "Bad Name: x" })!.headers, /Line 1/);
});
