import assert from "node:assert/strict";
import {
  type AlertFacts,
  buildAlertMessage,
  escapeHtml,
  formatDuration,
  shortCause,
} from "../../monitor/alerts/message.ts";
import type { ErrorKind } from "../../monitor/types.ts";
import { factsFixture, incidentFixture, T0 } from "../_helpers/alert_facts.ts";

const iso = (t: number) => new Date(t).toISOString();
const incident = incidentFixture;

/** The shared DOWN facts; the loader has already redacted the URL by the time emails see it. */
function facts(over: Partial<AlertFacts> = {}): AlertFacts {
  const base = factsFixture();
  return factsFixture({
    monitor: { ...base.monitor, url: "https://shop.example.com/health" },
    ...over,
  });
}

Deno.test("buildAlertMessage(): DOWN subject names the cause in words a phone can show", () => {
  const cases: [ErrorKind, number | null, string, string][] = [
    ["unexpected_status", 502, "HTTP 502 Bad Gateway, expected 200", "HTTP 502"],
    ["unexpected_status", 404, "HTTP 404, expected 200", "HTTP 404"],
    ["timeout", null, "Timed out: no full response within 10000 ms", "timeout"],
    ["connection_refused", null, "Connection refused: tcp connect error", "connection refused"],
    ["dns", null, "DNS lookup failed: dns error", "DNS lookup failed"],
    ["tls", null, "TLS error: invalid peer certificate: UnknownIssuer", "TLS error"],
    ["connection_reset", null, "Connection reset: reset by peer", "connection reset"],
    ["network", null, "Too many redirects (more than 5)", "network error"],
  ];
  for (const [kind, status, message, cause] of cases) {
    const m = buildAlertMessage(facts({
      incident: incident({ errorKind: kind, httpStatus: status, errorMessage: message }),
    }));
    assert.equal(m.subject, `[DOWN] Main Ecommerce Server — ${cause}`, kind);
    // The raw error text is always quoted exactly, in both bodies.
    assert.ok(m.text.includes(message), `${kind}: text has the raw message`);
    assert.ok(m.html.includes(escapeHtml(message)), `${kind}: html has the raw message`);
  }
});

Deno.test("buildAlertMessage(): DOWN body has URL, cause, raw code, latency, times, counts, link", () => {
  const m = buildAlertMessage(facts());
  const lines = [
    "Main Ecommerce Server is DOWN.",
    "URL:           https://shop.example.com/health",
    "Cause:         The server answered HTTP 502 Bad Gateway; expected 200.",
    "Status code:   502",
    "Error:         HTTP 502 Bad Gateway, expected 200",
    "Latency:       123 ms",
    `Detected:      ${iso(T0 + 30_000)}`,
    `Failing since: ${iso(T0)}`,
    "Checks:        2 of 2 failed checks",
    "Open the dashboard: https://status.example.com/monitors/3",
  ];
  for (const line of lines) assert.ok(m.text.includes(line), `missing: ${line}\n${m.text}`);
  assert.ok(m.html.includes('<a href="https://status.example.com/monitors/3"'));
  assert.ok(m.html.includes("2 of 2 failed checks"));
  assert.ok(!m.text.includes("Update:"), "an open outage has no update line");
});

Deno.test("buildAlertMessage(): RECOVERED gives the outage duration and first/last failure", () => {
  const m = buildAlertMessage(facts({
    kind: "recovered",
    incident: incident({
      endedAt: T0 + 252_000,
      lastFailureAt: T0 + 240_000,
      failureCount: 9,
    }),
    check: {
      checkedAt: T0 + 252_000,
      latencyMs: 48.2,
      httpStatus: 200,
      errorKind: null,
      errorMessage: null,
    },
    failures: 9,
    now: T0 + 260_000,
  }));
  assert.equal(m.subject, "[RECOVERED] Main Ecommerce Server — down for 4m 12s");
  for (
    const line of [
      "Main Ecommerce Server is back UP.",
      "Down for:        4m 12s",
      `First failure:   ${iso(T0)}`,
      `Last failure:    ${iso(T0 + 240_000)}`,
      `Recovered:       ${iso(T0 + 252_000)}`,
      "Failed checks:   9",
      "Status code was: 502",
      "Now:             HTTP 200, 48 ms",
    ]
  ) assert.ok(m.text.includes(line), `missing: ${line}\n${m.text}`);
});

Deno.test("buildAlertMessage(): every piece of user text is HTML-escaped", () => {
  const evil = `<script>alert("x")</script> & 'co'`;
  const m = buildAlertMessage(facts({
    monitor: { ...facts().monitor, name: evil, url: 'https://x.test/?a=<b>&c="d"' },
    incident: incident({ errorMessage: "<img src=x onerror=alert(1)>" }),
    affected: [{
      id: 9,
      name: "<b>api</b>",
      url: "http://api.test/<i>",
      startedAt: T0,
      endedAt: null,
      errorKind: "timeout",
      httpStatus: null,
      errorMessage: "t",
    }],
  }));
  for (const raw of ["<script>", "<img", "<b>api", "<i>", '"d"']) {
    assert.ok(!m.html.includes(raw), `html contains raw ${raw}`);
  }
  assert.ok(
    m.html.includes("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;"),
  );
  assert.ok(m.text.includes(evil), "plain text keeps the name as typed");
});

Deno.test("buildAlertMessage(): a website's email lists its affected internal apps", () => {
  const apps = [
    {
      id: 4,
      name: "Checkout API",
      url: "http://checkout.internal/health",
      startedAt: T0 + 1000,
      endedAt: null,
      errorKind: "connection_refused" as const,
      httpStatus: null,
      errorMessage: "Connection refused",
    },
    {
      id: 5,
      name: "Search",
      url: "tcp://search.internal:9200",
      startedAt: T0 + 2000,
      endedAt: T0 + 62_000,
      errorKind: "timeout" as const,
      httpStatus: null,
      errorMessage: "Timed out",
    },
  ];
  const m = buildAlertMessage(facts({ affected: apps, now: T0 + 91_000 }));
  assert.equal(m.subject, "[DOWN] Main Ecommerce Server — HTTP 502 (+2 internal apps)");
  assert.ok(m.text.includes("Internal apps affected (2):"));
  assert.ok(
    m.text.includes(
      `  - Checkout API (http://checkout.internal/health) — connection refused — DOWN since ${
        iso(T0 + 1000)
      } (1m 30s)`,
    ),
    m.text,
  );
  assert.ok(
    m.text.includes(
      `  - Search (tcp://search.internal:9200) — timeout — recovered at ${
        iso(T0 + 62_000)
      } after 1m 0s`,
    ),
  );
  assert.ok(m.html.includes("<li>Checkout API"));
  const one = buildAlertMessage(facts({ kind: "recovered", affected: [apps[1]] }));
  assert.match(one.subject, /\(\+1 internal app\)$/);
});

Deno.test("buildAlertMessage(): internal apps, reminders and late deliveries say so", () => {
  const app = buildAlertMessage(facts({
    monitor: { ...facts().monitor, name: "Checkout API", parentName: "Main Ecommerce Server" },
  }));
  assert.ok(app.text.startsWith("Checkout API (internal app of Main Ecommerce Server) is DOWN."));

  const reminder = buildAlertMessage(facts({ kind: "reminder", seq: 2, now: T0 + 3_780_000 }));
  assert.equal(
    reminder.subject,
    "[DOWN] Main Ecommerce Server — HTTP 502, still down after 1h 3m",
  );
  assert.ok(reminder.text.includes("is still DOWN (reminder 2)."));

  const late = buildAlertMessage(facts({ incident: incident({ endedAt: T0 + 600_000 }) }));
  assert.ok(late.text.includes(`Update:        recovered at ${iso(T0 + 600_000)} after 10m 0s`));

  const newline = buildAlertMessage(facts({
    monitor: { ...facts().monitor, name: "Shop\r\nBcc: x@evil.test" },
  }));
  assert.equal(newline.subject, "[DOWN] Shop Bcc: x@evil.test — HTTP 502");
});

Deno.test("formatDuration() and shortCause() tables", () => {
  const durations: [number, string][] = [
    [0, "0s"],
    [999, "0s"],
    [59_999, "59s"],
    [60_000, "1m 0s"],
    [252_000, "4m 12s"],
    [3_599_000, "59m 59s"],
    [3_600_000, "1h 0m"],
    [3_780_000, "1h 3m"],
    [86_400_000, "1d 0h"],
    [90_000_000 + 3_600_000, "1d 2h"],
    [-5, "0s"],
  ];
  for (const [ms, text] of durations) assert.equal(formatDuration(ms), text, String(ms));
  assert.equal(shortCause("unexpected_status", 503), "HTTP 503");
  assert.equal(shortCause("unexpected_status", null), "unexpected response");
  assert.equal(shortCause("timeout", 200), "timeout");
});
