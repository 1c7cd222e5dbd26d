import assert from "node:assert/strict";
import {
  DEFAULTS,
  type MonitorInput,
  monitorToInput,
  type ParentInfo,
  type ValidateContext,
  validateMonitor,
} from "../../monitor/validate.ts";
import type { Monitor } from "../../monitor/types.ts";

// Monitor 1 is a website, monitor 2 an internal app nested under it.
const PARENTS = new Map<number, ParentInfo>([
  [1, { id: 1, parentId: null }],
  [2, { id: 2, parentId: 1 }],
]);
const ctx = (over: Partial<ValidateContext> = {}): ValidateContext => ({
  getParent: (id) => PARENTS.get(id) ?? null,
  ...over,
});

const base = { name: "Site", url: "https://example.com/health" };

function fieldsOf(input: MonitorInput, c = ctx()) {
  const r = validateMonitor(input, c);
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  return r.fields!;
}

function errorsOf(input: MonitorInput, c = ctx()): Record<string, string> {
  const r = validateMonitor(input, c);
  assert.ok(r.errors, `expected errors for ${JSON.stringify(input)}`);
  return r.errors;
}

Deno.test("validateMonitor() applies the documented defaults", () => {
  assert.deepEqual(fieldsOf(base), {
    parentId: null,
    name: "Site",
    kind: "http",
    url: "https://example.com/health",
    expectedStatus: "200",
    timeoutMs: 10_000,
    intervalS: 60,
    retryIntervalS: 60,
    failureThreshold: 1,
    alertEmails: [],
    recoveryEmails: [],
    channelIds: [],
    active: true,
    ignoreTlsErrors: false,
    maxRedirects: DEFAULTS.max_redirects,
    reminderIntervalMin: null,
    httpMethod: "GET",
    httpHeaders: "",
    httpBody: "",
    auth: "none",
    authUser: "",
    authSecret: "",
    userAgent: "ServerHealthChecker/1.0",
    pushSchedule: "period",
    pushPeriodS: 86_400,
    pushCron: "",
    pushTimezone: "UTC",
    pushGraceS: 3600,
    assertions: [],
    degradedMs: null,
    degradedChecks: 3,
    certExpiryDays: [30, 14, 7, 1],
    publicBadges: false,
    tags: [],
  });
});

Deno.test("validateMonitor() infers the kind from the URL scheme", () => {
  const cases: [string, "http" | "tcp", string][] = [
    ["http://example.com", "http", "http://example.com"],
    ["https://example.com:8443/x?y=1", "http", "https://example.com:8443/x?y=1"],
    ["  https://example.com/  ", "http", "https://example.com/"],
    ["tcp://db.internal:5432", "tcp", "tcp://db.internal:5432"],
    ["tcp://127.0.0.1:22/ignored-path", "tcp", "tcp://127.0.0.1:22"],
    ["tcp://[::1]:6379", "tcp", "tcp://[::1]:6379"],
  ];
  for (const [url, kind, stored] of cases) {
    const f = fieldsOf({ ...base, url });
    assert.equal(f.kind, kind, url);
    assert.equal(f.url, stored, url);
  }
});

Deno.test("validateMonitor() accepts every documented field", () => {
  const f = fieldsOf({
    ...base,
    kind: "http",
    expected_status: "200-299, 301",
    timeout_ms: 5000,
    interval_s: 30,
    retry_interval_s: 10,
    failure_threshold: 3,
    alert_emails: ["ops@example.com", "ops@example.com", " dev@example.com "],
    recovery_emails: "ops@example.com, boss@example.com",
    parent_id: 1,
    active: false,
    ignore_tls_errors: true,
    max_redirects: 0,
    reminder_interval_min: 60,
  });
  assert.equal(f.expectedStatus, "200-299,301");
  assert.equal(f.timeoutMs, 5000);
  assert.equal(f.intervalS, 30);
  assert.equal(f.retryIntervalS, 10);
  assert.equal(f.failureThreshold, 3);
  assert.deepEqual(f.alertEmails, ["ops@example.com", "dev@example.com"]);
  assert.deepEqual(f.recoveryEmails, ["ops@example.com", "boss@example.com"]);
  assert.equal(f.parentId, 1);
  assert.equal(f.active, false);
  assert.equal(f.ignoreTlsErrors, true);
  assert.equal(f.maxRedirects, 0);
  assert.equal(f.reminderIntervalMin, 60);
});

Deno.test("validateMonitor() accepts form strings", () => {
  const f = fieldsOf({
    ...base,
    interval_s: " 120 ",
    timeout_ms: "2000",
    failure_threshold: "2",
    parent_id: "1",
    active: "on",
    ignore_tls_errors: "false",
    reminder_interval_min: "",
  });
  assert.equal(f.intervalS, 120);
  assert.equal(f.timeoutMs, 2000);
  assert.equal(f.failureThreshold, 2);
  assert.equal(f.parentId, 1);
  assert.equal(f.active, true);
  assert.equal(f.ignoreTlsErrors, false);
  assert.equal(f.reminderIntervalMin, null);
});

Deno.test("validateMonitor() keeps the default timeout inside a short interval", () => {
  assert.equal(fieldsOf({ ...base, interval_s: 10 }).timeoutMs, 10_000);
  assert.equal(fieldsOf({ ...base, interval_s: 30 }).timeoutMs, 10_000);
});

Deno.test("validateMonitor() allows intervals from 10 s to 24 h only", () => {
  for (const ok of [10, 60, 3600, 86_400]) {
    assert.equal(fieldsOf({ ...base, interval_s: ok }).intervalS, ok);
  }
  for (const bad of [0, 9, 86_401, -60]) {
    assert.match(errorsOf({ ...base, interval_s: bad }).interval_s, /from 10 to 86400/);
  }
  assert.match(errorsOf({ ...base, interval_s: 30.5 }).interval_s, /whole number/);
  assert.match(errorsOf({ ...base, interval_s: "soon" }).interval_s, /whole number/);
});

Deno.test("validateMonitor() refuses bad input with one message per field", () => {
  const cases: [string, MonitorInput, string, RegExp][] = [
    ["missing name", { url: base.url }, "name", /Required/],
    ["blank name", { ...base, name: "   " }, "name", /Required/],
    ["long name", { ...base, name: "x".repeat(201) }, "name", /200 characters/],
    ["missing url", { name: "x" }, "url", /Required/],
    ["file: url", { ...base, url: "file:///etc/passwd" }, "url", /file: scheme is not allowed/],
    [
      "javascript: url",
      { ...base, url: "javascript:alert(1)" },
      "url",
      /javascript: scheme is not allowed/,
    ],
    ["ftp: url", { ...base, url: "ftp://example.com" }, "url", /ftp: scheme is not allowed/],
    ["no host at all", { ...base, url: "http://" }, "url", /Not a valid URL/],
    ["empty tcp host", { ...base, url: "tcp:///x" }, "url", /no host/],
    ["not a url", { ...base, url: "example.com" }, "url", /Not a valid URL/],
    ["tcp without port", { ...base, url: "tcp://db.internal" }, "url", /needs a port/],
    ["url not a string", { ...base, url: 42 }, "url", /Required/],
    ["unknown kind", { ...base, kind: "icmp" }, "kind", /"http" or "tcp"/],
    ["kind against scheme", { ...base, kind: "tcp" }, "kind", /tcp:\/\/host:port/],
    [
      "http kind with tcp url",
      { ...base, url: "tcp://h:1", kind: "http" },
      "kind",
      /http:\/\/ or https:\/\//,
    ],
    [
      "timeout longer than interval",
      { ...base, interval_s: 10, timeout_ms: 10_001 },
      "timeout_ms",
      /not be longer than the interval \(10000 ms\)/,
    ],
    ["timeout too short", { ...base, timeout_ms: 99 }, "timeout_ms", /from 100 to 120000/],
    ["status above 599", { ...base, expected_status: "600" }, "expected_status", /outside/],
    ["status below 100", { ...base, expected_status: "099" }, "expected_status", /outside/],
    ["status range", { ...base, expected_status: "200-700" }, "expected_status", /outside/],
    ["status garbage", { ...base, expected_status: "ok" }, "expected_status", /not a code/],
    ["threshold 0", { ...base, failure_threshold: 0 }, "failure_threshold", /from 1 to 100/],
    ["retry 5 s", { ...base, retry_interval_s: 5 }, "retry_interval_s", /from 10/],
    ["bad alert email", { ...base, alert_emails: ["nope"] }, "alert_emails", /nope/],
    ["alert emails object", { ...base, alert_emails: { a: 1 } }, "alert_emails", /list/],
    ["alert email number", { ...base, alert_emails: [1] }, "alert_emails", /list/],
    ["bad recovery email", { ...base, recovery_emails: "a@b, c" }, "recovery_emails", /c/],
    ["active not bool", { ...base, active: "maybe" }, "active", /true or false/],
    ["unknown parent", { ...base, parent_id: 99 }, "parent_id", /No website with id 99/],
    ["parent is an app", { ...base, parent_id: 2 }, "parent_id", /itself an internal app/],
    ["parent not an id", { ...base, parent_id: "one" }, "parent_id", /id of a website/],
    ["negative parent", { ...base, parent_id: -1 }, "parent_id", /No website/],
    ["redirects 21", { ...base, max_redirects: 21 }, "max_redirects", /from 0 to 20/],
    ["reminder 1 min", { ...base, reminder_interval_min: 1 }, "reminder_interval_min", /5/],
  ];
  for (const [label, input, field, message] of cases) {
    const errors = errorsOf(input);
    assert.ok(field in errors, `${label}: expected ${field} in ${JSON.stringify(errors)}`);
    assert.match(errors[field], message, label);
  }
});

Deno.test("validateMonitor() reports every bad field at once", () => {
  const errors = errorsOf({ url: "file:///x", interval_s: 5, expected_status: "700" });
  assert.deepEqual(Object.keys(errors).sort(), ["expected_status", "interval_s", "name", "url"]);
});

Deno.test("validateMonitor() rejects unknown fields only when asked (the API)", () => {
  assert.equal(validateMonitor({ ...base, colour: "red" }, ctx()).errors, undefined);
  assert.deepEqual(errorsOf({ ...base, colour: "red" }, ctx({ rejectUnknown: true })), {
    colour: "Unknown field",
  });
});

Deno.test("validateMonitor() refuses nesting a monitor under itself or a website with apps", () => {
  const existing = { id: 1, parentId: null } as Monitor;
  assert.match(
    errorsOf({ ...base, parent_id: 1 }, ctx({ existing })).parent_id,
    /its own parent/,
  );
  const site = { id: 3, parentId: null } as Monitor;
  assert.match(
    errorsOf({ ...base, parent_id: 1 }, ctx({ existing: site, hasChildren: true })).parent_id,
    /has internal apps/,
  );
});

Deno.test("monitorToInput() round-trips through validateMonitor()", () => {
  const fields = fieldsOf({
    ...base,
    expected_status: "200-299",
    interval_s: 30,
    timeout_ms: 3000,
    parent_id: 1,
    alert_emails: ["a@example.com"],
    reminder_interval_min: 30,
  });
  const monitor: Monitor = { ...fields, id: 5, createdAt: 0, updatedAt: 0 };
  assert.deepEqual(fieldsOf(monitorToInput(monitor)), fields);
});

Deno.test("validateMonitor() refuses control characters and line separators in names", () => {
  const bad = [
    "a\u0000b",
    "\u0000",
    "Shop\tfront",
    "Shop\nfront",
    "Shop\r\nSubject: spoofed",
    "bell\u0007",
    "esc\u001b[31m",
    "del\u007f",
    "c1\u0080",
    "c1\u009f",
    "line\u2028sep",
    "para\u2029sep",
  ];
  for (const name of bad) {
    assert.equal(
      errorsOf({ ...base, name }).name,
      "Must not contain control characters (such as tabs or line breaks)",
      JSON.stringify(name),
    );
  }
  // Surrounding whitespace is trimmed, and ordinary Unicode (accents, emoji, NBSP) is fine.
  assert.equal(fieldsOf({ ...base, name: "  Shop front\n" }).name, "Shop front");
  for (const name of ["Café – main", "Shop 🛒", "a\u00a0b", "\u00a0x"]) {
    assert.equal(fieldsOf({ ...base, name }).name, name.trim(), JSON.stringify(name));
  }
});

Deno.test("validateMonitor() refuses control characters in email addresses without echoing them", () => {
  for (const list of [["ops\u0000@example.com"], ["ops@exa\u007fmple.com"], ["a@b.c\u0085"]]) {
    const message = errorsOf({ ...base, alert_emails: list }).alert_emails;
    assert.equal(message, "Must not contain control characters (such as tabs or line breaks)");
    assert.equal(
      errorsOf({ ...base, recovery_emails: list }).recovery_emails,
      message,
    );
  }
  // Tabs and newlines in a form string are separators, as before.
  assert.deepEqual(
    fieldsOf({ ...base, alert_emails: "a@example.com\tb@example.com\r\nc@example.com" })
      .alertEmails,
    ["a@example.com", "b@example.com", "c@example.com"],
  );
});

Deno.test("validateMonitor() refuses URLs with spaces or control characters anywhere", () => {
  const bad = [
    "http://exa mple.com/",
    "http://example.com/a b",
    "http://example.com/?q=a b",
    "http://example.com/#a b",
    "http://example.com/a\tb",
    "http://example.com/a\nb",
    "http://example.com/\u0000",
    "http://example.com/\u007f",
    "http://example.com/\u0085",
    "http://example.com/\u00a0x",
    "http://example.com/\u2028x",
    "tcp://db internal:5432",
    "tcp://db.internal:54\t32",
  ];
  for (const url of bad) {
    assert.match(
      errorsOf({ ...base, url }).url,
      /Must not contain spaces or control characters/,
      JSON.stringify(url),
    );
  }
  // Leading and trailing whitespace is trimmed; an encoded space is kept as typed.
  assert.equal(
    fieldsOf({ ...base, url: "\t http://example.com/a%20b \n" }).url,
    "http://example.com/a%20b",
  );
});

Deno.test("validateMonitor() refuses port 0 and accepts ports 1 to 65535", () => {
  for (
    const url of ["http://example.com:0/", "https://example.com:0", "tcp://host:0", "tcp://h:00"]
  ) {
    assert.equal(errorsOf({ ...base, url }).url, "Port must be from 1 to 65535", url);
  }
  assert.match(errorsOf({ ...base, url: "http://example.com:65536/" }).url, /Not a valid URL/);
  for (const url of ["http://example.com:1/", "http://example.com:65535/", "tcp://host:1"]) {
    assert.equal(fieldsOf({ ...base, url }).url, url);
  }
  assert.equal(fieldsOf({ ...base, url: "tcp://host:65535" }).url, "tcp://host:65535");
});

Deno.test("validateMonitor(): channels must exist; a new website gets the defaults, a new app none", () => {
  const c = ctx({ channelIds: new Set([3, 5, 9]), defaultChannelIds: [5, 9] });
  assert.deepEqual(fieldsOf(base, c).channelIds, [5, 9], "a website naming none: the defaults");
  assert.deepEqual(
    fieldsOf({ ...base, parent_id: 1 }, c).channelIds,
    [],
    "an app naming none: none of its own (it uses its website's)",
  );
  assert.deepEqual(fieldsOf({ ...base, channel_ids: [] }, c).channelIds, [], "explicitly none");
  assert.deepEqual(fieldsOf({ ...base, channel_ids: "3, 9 3" }, c).channelIds, [3, 9]);
  assert.deepEqual(errorsOf({ ...base, channel_ids: [3, 4] }, c), {
    channel_ids: "No notification channel with id 4",
  });
  assert.deepEqual(errorsOf({ ...base, channel_ids: ["x"] }, c), {
    channel_ids: "Must be a list of channel ids",
  });
  const existing = { ...fieldsOf(base, c), channelIds: [3], id: 7 } as unknown as Monitor;
  assert.deepEqual(fieldsOf(base, { ...c, existing }).channelIds, [3], "an edit keeps its list");
});

Deno.test("validateMonitor() checks the DEGRADED threshold and the certificate warning days", () => {
  const errorsOf = (input: Record<string, unknown>) => {
    const r = validateMonitor({ ...base, ...input }, ctx());
    return r.errors ?? {};
  };
  assert.deepEqual(errorsOf({ degraded_ms: 10_000 }), {
    degraded_ms: "Must be shorter than the timeout (10000 ms)",
  });
  assert.deepEqual(errorsOf({ degraded_ms: "fast" }), { degraded_ms: "Must be a whole number" });
  assert.deepEqual(errorsOf({ degraded_checks: 0 }), { degraded_checks: "Must be from 1 to 100" });
  assert.deepEqual(errorsOf({ cert_expiry_days: "30, x" }), {
    cert_expiry_days: "Must be a list of whole numbers of days",
  });
  assert.deepEqual(errorsOf({ cert_expiry_days: [400] }), {
    cert_expiry_days: "Each must be from 1 to 365 days",
  });
  assert.deepEqual(fieldsOf({ ...base, cert_expiry_days: "7, 30 14,7" }).certExpiryDays, [
    30,
    14,
    7,
  ]);
  assert.deepEqual(fieldsOf({ ...base, cert_expiry_days: "" }).certExpiryDays, []);
  assert.deepEqual(fieldsOf({ ...base, degraded_ms: "800" }).degradedMs, 800);
});

Deno.test("push monitors: no URL, a valid schedule; other kinds keep the push defaults", () => {
  const push = fieldsOf({ name: "Backup", kind: "push" });
  assert.deepEqual(
    [push.kind, push.url, push.pushSchedule, push.pushPeriodS, push.pushGraceS],
    ["push", "push://", "period", 86_400, 3600],
  );
  const cron = fieldsOf({
    name: "Backup",
    kind: "push",
    schedule: "cron",
    cron: " 0  3 * * 1-5 ",
    timezone: "Europe/Berlin",
    grace_s: "600",
  });
  assert.deepEqual(
    [cron.pushSchedule, cron.pushCron, cron.pushTimezone, cron.pushGraceS],
    ["cron", "0 3 * * 1-5", "Europe/Berlin", 600],
  );
  const cases: [MonitorInput, Record<string, string | RegExp>][] = [
    [{ name: "B", kind: "push", url: "https://x.test" }, { url: /push monitor has no URL/ }],
    [{ name: "B", kind: "push", schedule: "cron" }, { cron: /Required for a cron schedule/ }],
    [{ name: "B", kind: "push", schedule: "cron", cron: "0 3 * *" }, { cron: /5 fields/ }],
    [{ name: "B", kind: "push", schedule: "cron", cron: "0 25 * * *" }, { cron: /hour/ }],
    [{ name: "B", kind: "push", cron: "0 3 * * *" }, { cron: /Only for a cron schedule/ }],
    [{ name: "B", kind: "push", timezone: "Mars/Olympus" }, { timezone: /IANA time zone/ }],
    [{ name: "B", kind: "push", schedule: "weekly" }, { schedule: /"period" or "cron"/ }],
    [{ name: "B", kind: "push", period_s: 0 }, { period_s: /from 1 to/ }],
    [{ name: "B", kind: "push", grace_s: -1 }, { grace_s: /from 0 to/ }],
    [{ name: "B", kind: "push", http_method: "POST" }, { http_method: /push monitor/ }],
    [{ ...base, period_s: 60 }, { period_s: "Only for push monitors" }],
    [{ ...base, schedule: "cron" }, { schedule: "Only for push monitors" }],
  ];
  for (const [input, want] of cases) {
    const errors = errorsOf(input);
    for (const [k, v] of Object.entries(want)) {
      if (typeof v === "string") assert.equal(errors[k], v, JSON.stringify(input));
      else assert.match(errors[k] ?? "", v, JSON.stringify(input));
    }
  }
});
