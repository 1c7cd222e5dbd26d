/** The dashboard's text formats: one uptime format, kind-fitting result labels, errors said once. */
import assert from "node:assert/strict";
import { ago, errorDetail, errorLine, pct, resultText } from "../../components/format.ts";
import type { ErrorKind } from "../../monitor/types.ts";

Deno.test("pct() shows two decimals, rounded to the nearest, never 100.00% below 100", () => {
  const table: [number | null, string][] = [
    [null, "–"],
    [Number.NaN, "–"],
    [100, "100.00%"],
    [100.0000001, "100.00%"],
    [99.9999, "99.99%"],
    [99.999, "99.99%"],
    [99.995, "99.99%"],
    [99.994, "99.99%"],
    [99.987, "99.99%"],
    [99.985, "99.99%"],
    [99.984, "99.98%"],
    [99.5, "99.50%"],
    [98.7654, "98.77%"],
    [50, "50.00%"],
    [9.876, "9.88%"],
    [5, "5.00%"],
    [0.004, "0.00%"],
    [0.005, "0.01%"],
    [0, "0.00%"],
  ];
  for (const [input, want] of table) assert.equal(pct(input), want, `pct(${input})`);
});

Deno.test("resultText() labels a success by its kind, never HTTP for tcp or dns", () => {
  const ok = { ok: true, errorKind: null } as const;
  assert.equal(resultText({ ...ok, httpStatus: 200 }, "http"), "HTTP 200 OK");
  assert.equal(resultText({ ...ok, httpStatus: 204 }, "http"), "HTTP 204 No Content");
  assert.equal(resultText({ ...ok, httpStatus: 299 }, "http"), "HTTP 299");
  assert.equal(resultText({ ...ok, httpStatus: null }, "tcp"), "TCP connected");
  assert.equal(resultText({ ...ok, httpStatus: null }, "dns"), "DNS resolved");
  const down = { ok: false, httpStatus: null } as const;
  assert.equal(
    resultText({ ...down, errorKind: "connection_refused" }, "tcp"),
    "Connection refused",
  );
  assert.equal(
    resultText({ ok: false, httpStatus: 503, errorKind: "unexpected_status" }),
    "HTTP 503",
  );
  for (const kind of ["tcp", "dns"] as const) {
    assert.doesNotMatch(resultText({ ...ok, httpStatus: null }, kind), /HTTP/);
  }
});

Deno.test("errorLine() says the kind once and the message only when it adds something", () => {
  const table: [ErrorKind, string | null, string][] = [
    ["connection_refused", "Connection refused (os error 111)", "Connection refused"],
    ["connection_refused", "Connection refused: connection refused", "Connection refused"],
    ["connection_refused", null, "Connection refused"],
    [
      "connection_refused",
      "Connection refused: fetch failed: tcp connect error: Connection refused (os error 111)",
      "Connection refused: fetch failed: tcp connect error: Connection refused (os error 111)",
    ],
    ["timeout", "Timed out: no connection within 5000 ms", "Timeout: no connection within 5000 ms"],
    ["timeout", "Timed out", "Timeout"],
    ["timeout", "Timeout: Timed out: no answer", "Timeout: no answer"],
    ["dns", "DNS lookup failed: A x.invalid via system", "DNS failure: A x.invalid via system"],
    ["dns", "no A records for x.example", "DNS failure: no A records for x.example"],
    [
      "tls",
      "TLS error: invalid peer certificate: UnknownIssuer",
      "TLS error: invalid peer certificate: UnknownIssuer",
    ],
    ["tls", "TLS error", "TLS error"],
    [
      "connection_reset",
      "Connection reset: connection reset by peer",
      "Connection reset by peer",
    ],
    ["connection_reset", "Connection reset (os error 104)", "Connection reset"],
    ["network", "Network error: Probe cancelled", "Network error: Probe cancelled"],
  ];
  for (const [kind, message, want] of table) {
    assert.equal(errorLine(kind, message), want, `${kind}: ${message}`);
  }
  assert.equal(errorDetail("connection_refused", "Connection refused (os error 111)"), null);
  assert.equal(errorDetail("timeout", "Timed out: x"), "x");
});

Deno.test("errorLine() never repeats a label back to back for any kind", () => {
  const kinds: ErrorKind[] = [
    "timeout",
    "unexpected_status",
    "connection_refused",
    "dns",
    "tls",
    "connection_reset",
    "network",
    "assertion",
  ];
  for (const kind of kinds) {
    for (const prefix of ["", "Connection refused: ", "Timed out: ", "DNS lookup failed: "]) {
      const line = errorLine(kind, `${prefix}${errorLine(kind, null)}: detail`);
      const words = line.toLowerCase().split(": ");
      for (let i = 1; i < words.length; i++) assert.notEqual(words[i], words[i - 1], line);
    }
  }
});

Deno.test("ago() says how long ago, or how long until a time ahead", () => {
  const now = 1_000_000_000;
  const cases: [number, string][] = [
    [now, "just now"],
    [now - 12_000, "12 s ago"],
    [now - 5 * 60_000, "5 min ago"],
    [now - 3 * 3_600_000, "3 h ago"],
    [now - 3 * 86_400_000, "3 d ago"],
    [now + 12_000, "in 12 s"],
    [now + 8 * 3_600_000, "in 8 h"],
    [now + 3 * 86_400_000, "in 3 d"],
  ];
  for (const [t, want] of cases) assert.equal(ago(t, now), want, String(t - now));
});
