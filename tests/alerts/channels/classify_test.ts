/**
 * Reading a service's answer: which statuses are success, retry or permanent, Retry-After in
 * seconds and as a date, the excerpt of the body, and each kind's own words.
 */
import assert from "node:assert/strict";
import {
  classifyAnswer,
  excerpt,
  MAX_RETRY_AFTER_MS,
  parseRetryAfter,
} from "../../../monitor/alerts/channels/common.ts";
import { CHANNEL_KINDS } from "../../../monitor/alerts/channels/index.ts";
import type { HttpAnswer } from "../../../monitor/alerts/channels/spec.ts";

const answer = (status: number, body = "", headers: Record<string, string> = {}): HttpAnswer => ({
  status,
  body,
  headers: new Headers(headers),
});

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);

Deno.test("classifyAnswer(): 2xx is success, whatever the body", () => {
  for (const status of [200, 201, 202, 204, 299]) {
    assert.equal(classifyAnswer(answer(status, "anything")), null, String(status));
  }
  // Every kind accepts its service's success answer.
  const ok: Record<string, HttpAnswer> = {
    slack: answer(200, "ok"),
    discord: answer(204),
    teams: answer(202),
    telegram: answer(200, '{"ok":true,"result":{"message_id":1}}'),
    pagerduty: answer(202, '{"status":"success","message":"Event processed","dedup_key":"k"}'),
    matrix: answer(200, '{"event_id":"$abc"}'),
    pushover: answer(200, '{"status":1,"request":"r"}'),
    gotify: answer(200, '{"id":1}'),
    ntfy: answer(200, '{"id":"x","event":"message"}'),
    webhook: answer(200, ""),
  };
  for (const [kind, a] of Object.entries(ok)) {
    assert.equal(CHANNEL_KINDS.get(kind)!.classify(a), null, kind);
  }
});

Deno.test("classifyAnswer(): 408, 429 and 5xx retry; other 4xx and 3xx are permanent", () => {
  const cases: [number, "retry" | "permanent"][] = [
    [408, "retry"],
    [425, "retry"],
    [429, "retry"],
    [500, "retry"],
    [502, "retry"],
    [503, "retry"],
    [504, "retry"],
    [400, "permanent"],
    [401, "permanent"],
    [403, "permanent"],
    [404, "permanent"],
    [410, "permanent"],
    [413, "permanent"],
    [301, "permanent"],
    [302, "permanent"],
    [307, "permanent"],
  ];
  for (const [status, cls] of cases) {
    const c = classifyAnswer(answer(status, "body words"));
    assert.equal(c?.class, cls, String(status));
    if (status < 300 || status >= 400) assert.equal(c?.message, `HTTP ${status}: body words`);
  }
});

Deno.test("classifyAnswer(): the body is quoted on one line, cut to 300 characters", () => {
  const c = classifyAnswer(answer(400, "  invalid_payload\n\n\tsee   docs  "));
  assert.deepEqual(c, { class: "permanent", message: "HTTP 400: invalid_payload see docs" });
  const long = classifyAnswer(answer(404, "x".repeat(1000)))!;
  assert.equal(long.message, `HTTP 404: ${"x".repeat(299)}…`);
  assert.equal(classifyAnswer(answer(500))!.message, "HTTP 500");
  assert.equal(excerpt("a\r\nb\u0000c"), "a b c");
});

Deno.test("classifyAnswer(): a redirect names where it points, not the full URL", () => {
  const c = classifyAnswer(
    answer(302, "", { Location: "https://login.example.com/sso?token=abc" }),
  )!;
  assert.equal(c.class, "permanent");
  assert.match(c.message, /^HTTP 302: redirected to login\.example\.com; use the final URL/);
  assert.ok(!c.message.includes("token=abc"));
});

Deno.test("Retry-After: delay seconds and HTTP-date become retryAfterMs", () => {
  const secs = classifyAnswer(answer(429, "slow down", { "Retry-After": "30" }), { now: NOW });
  assert.deepEqual(secs, { class: "retry", message: "HTTP 429: slow down", retryAfterMs: 30_000 });
  const date = new Date(NOW + 90_000).toUTCString(); // "Wed, 15 Jan 2025 12:01:30 GMT"
  const dated = classifyAnswer(answer(503, "", { "Retry-After": date }), { now: NOW });
  assert.equal(dated?.retryAfterMs, 90_000);
  assert.equal(classifyAnswer(answer(503, ""))?.retryAfterMs, undefined, "absent → undefined");
  // Only retries carry a wait.
  assert.equal(classifyAnswer(answer(400, "", { "Retry-After": "30" }))?.retryAfterMs, undefined);

  const table: [string | null, number | undefined][] = [
    ["0", 0],
    ["120", 120_000],
    [" 5 ", 5000],
    ["1.5", 1500],
    [new Date(NOW - 60_000).toUTCString(), 0], // in the past: now
    ["Wed, 15 Jan 2025 12:00:10 GMT", 10_000],
    ["soon", undefined],
    ["-5", undefined],
    ["", undefined],
    [null, undefined],
    ["99999999", MAX_RETRY_AFTER_MS], // clamped to a day
  ];
  for (const [value, want] of table) assert.equal(parseRetryAfter(value, NOW), want, String(value));
});

Deno.test("kinds: each service's own words and body-borne waits", () => {
  const k = (n: string) => CHANNEL_KINDS.get(n)!;
  assert.deepEqual(
    k("telegram").classify(answer(
      429,
      '{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}}',
    )),
    { class: "retry", message: "HTTP 429: Too Many Requests: retry after 7", retryAfterMs: 7000 },
  );
  assert.deepEqual(
    k("telegram").classify(
      answer(400, '{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}'),
    ),
    { class: "permanent", message: "HTTP 400: Bad Request: chat not found" },
  );
  assert.equal(
    k("telegram").classify(answer(200, '{"ok":false,"description":"odd"}'))?.class,
    "permanent",
    "a 200 that says ok:false is not success",
  );
  assert.deepEqual(
    k("matrix").classify(
      answer(
        429,
        '{"errcode":"M_LIMIT_EXCEEDED","error":"Too many requests","retry_after_ms":2500}',
      ),
    ),
    {
      class: "retry",
      message: "HTTP 429: M_LIMIT_EXCEEDED: Too many requests",
      retryAfterMs: 2500,
    },
  );
  assert.equal(
    k("matrix").classify(answer(403, '{"errcode":"M_FORBIDDEN","error":"not in room"}'))?.message,
    "HTTP 403: M_FORBIDDEN: not in room",
  );
  assert.equal(
    k("pushover").classify(
      answer(400, '{"user":"invalid","errors":["user identifier is not a valid user"],"status":0}'),
    )
      ?.message,
    "HTTP 400: user identifier is not a valid user",
  );
  assert.equal(
    k("pushover").classify(answer(200, '{"status":0,"errors":["nope"]}'))?.class,
    "permanent",
  );
  assert.equal(
    k("pagerduty").classify(
      answer(
        400,
        '{"status":"invalid event","message":"Event object is invalid","errors":["Length of \'dedup_key\' is too long"]}',
      ),
    )?.message,
    "HTTP 400: Event object is invalid: Length of 'dedup_key' is too long",
  );
  assert.equal(k("pagerduty").classify(answer(429, ""))?.class, "retry");
  assert.equal(
    k("discord").classify(
      answer(429, '{"message":"You are being rate limited.","retry_after":1.25,"global":false}'),
    )
      ?.retryAfterMs,
    1250,
  );
  assert.equal(
    k("discord").classify(answer(404, '{"message":"Unknown Webhook","code":10015}'))?.message,
    "HTTP 404: Unknown Webhook (code 10015)",
  );
  assert.equal(
    k("gotify").classify(
      answer(401, '{"error":"Unauthorized","errorCode":401,"errorDescription":"bad token"}'),
    )?.message,
    "HTTP 401: Unauthorized: bad token",
  );
  assert.equal(
    k("ntfy").classify(answer(403, '{"code":40301,"http":403,"error":"forbidden"}'))?.message,
    "HTTP 403: forbidden",
  );
  assert.equal(k("slack").classify(answer(404, "no_service"))?.message, "HTTP 404: no_service");
  // Words that are not JSON fall back to the raw body.
  assert.equal(
    k("telegram").classify(answer(502, "<html>Bad Gateway</html>"))?.message,
    "HTTP 502: <html>Bad Gateway</html>",
  );
  // A header Retry-After wins over the body's.
  assert.equal(
    k("matrix").classify(
      answer(429, '{"errcode":"M_LIMIT_EXCEEDED","retry_after_ms":1}', { "Retry-After": "9" }),
    )
      ?.retryAfterMs,
    9000,
  );
});
