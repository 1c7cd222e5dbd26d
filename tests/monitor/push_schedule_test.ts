/** Push monitors' pure parts: deadlines (period, cron + zone, DST), validation, ping parsing. */
import assert from "node:assert/strict";
import {
  cronError,
  describeSchedule,
  expectedAfter,
  lateMessage,
  nextDeadline,
  type PushSchedule,
  timeZoneError,
} from "../../monitor/push_schedule.ts";
import {
  dueLate,
  isTokenShape,
  MAX_RUN_MS,
  newPushToken,
  parsePingAction,
  pingResult,
} from "../../monitor/push_pings.ts";
import { fakeMonitor } from "../_helpers/core.ts";

const T = (s: string) => Date.parse(s);
const period = (s: number, grace = 0): PushSchedule => ({
  pushSchedule: "period",
  pushPeriodS: s,
  pushCron: "",
  pushTimezone: "UTC",
  pushGraceS: grace,
});
const cron = (expr: string, tz: string, grace = 0): PushSchedule => ({
  pushSchedule: "cron",
  pushPeriodS: 86_400,
  pushCron: expr,
  pushTimezone: tz,
  pushGraceS: grace,
});

Deno.test("expectedAfter: periods and cron expressions in their zone, across DST changes", () => {
  const cases: [string, PushSchedule, string, string][] = [
    ["period 1 h", period(3600), "2026-12-02T10:00:00Z", "2026-12-02T11:00:00Z"],
    ["period 90 s", period(90), "2026-12-02T10:00:00Z", "2026-12-02T10:01:30Z"],
    ["daily 03:00 UTC", cron("0 3 * * *", "UTC"), "2026-12-02T10:00:00Z", "2026-12-03T03:00:00Z"],
    [
      "03:00 Berlin in winter (UTC+1)",
      cron("0 3 * * *", "Europe/Berlin"),
      "2026-12-02T10:00:00Z",
      "2026-12-03T02:00:00Z",
    ],
    [
      "03:00 Berlin on the spring-forward day (UTC+2 from 02:00 local)",
      cron("0 3 * * *", "Europe/Berlin"),
      "2026-03-28T12:00:00Z",
      "2026-03-29T01:00:00Z",
    ],
    [
      "02:30 Berlin does not exist on the spring-forward day: the next valid instant",
      cron("30 2 * * *", "Europe/Berlin"),
      "2026-03-28T12:00:00Z",
      "2026-03-29T01:00:00Z",
    ],
    [
      "03:00 Berlin after the autumn change (UTC+1 again)",
      cron("0 3 * * *", "Europe/Berlin"),
      "2026-10-25T12:00:00Z",
      "2026-10-26T02:00:00Z",
    ],
    [
      "09:00 New York on weekdays, from a Friday evening",
      cron("0 9 * * 1-5", "America/New_York"),
      "2026-12-04T23:00:00Z",
      "2026-12-07T14:00:00Z",
    ],
    ["every 15 min", cron("*/15 * * * *", "UTC"), "2026-12-02T10:07:00Z", "2026-12-02T10:15:00Z"],
    [
      "strictly after a matching time",
      cron("0 3 * * *", "UTC"),
      "2026-12-02T03:00:00Z",
      "2026-12-03T03:00:00Z",
    ],
  ];
  for (const [name, s, from, want] of cases) {
    assert.equal(
      new Date(expectedAfter(s, T(from))!).toISOString(),
      new Date(T(want)).toISOString(),
      name,
    );
  }
});

Deno.test("nextDeadline: counts from the later of last ping and edit; one deadline per miss", () => {
  const s = period(60, 10);
  const created = T("2026-12-02T10:00:00Z");
  const iso = (d: { expectedAt: number; deadline: number } | null) =>
    d && [new Date(d.expectedAt).toISOString(), new Date(d.deadline).toISOString()];
  // Never pinged: created + period (+ grace).
  assert.deepEqual(iso(nextDeadline(s, { lastPingAt: null, lateExpectedAt: null }, created)), [
    "2026-12-02T10:01:00.000Z",
    "2026-12-02T10:01:10.000Z",
  ]);
  // An early ping (20 s in) moves the deadline to ping + period.
  const early = created + 20_000;
  assert.deepEqual(iso(nextDeadline(s, { lastPingAt: early, lateExpectedAt: null }, created)), [
    "2026-12-02T10:01:20.000Z",
    "2026-12-02T10:01:30.000Z",
  ]);
  // After a recorded miss, the next deadline is one period later, not the same one again.
  const missed = created + 60_000;
  assert.deepEqual(iso(nextDeadline(s, { lastPingAt: null, lateExpectedAt: missed }, created)), [
    "2026-12-02T10:02:00.000Z",
    "2026-12-02T10:02:10.000Z",
  ]);
  // An edit (or resume) after the last ping restarts the count.
  const edited = created + 300_000;
  assert.deepEqual(
    iso(nextDeadline(s, { lastPingAt: early, lateExpectedAt: missed }, edited)),
    ["2026-12-02T10:06:00.000Z", "2026-12-02T10:06:10.000Z"],
  );
  // Cron: the next matching time after the last ping, plus grace.
  const c = cron("0 3 * * *", "Europe/Berlin", 600);
  const pinged = T("2026-12-02T02:00:30Z"); // 03:00:30 Berlin
  assert.deepEqual(iso(nextDeadline(c, { lastPingAt: pinged, lateExpectedAt: null }, created)), [
    "2026-12-03T02:00:00.000Z",
    "2026-12-03T02:10:00.000Z",
  ]);
});

Deno.test("dueLate: nothing before the deadline; after a long outage only the newest missed one", () => {
  const m = fakeMonitor({ ...period(60, 10), kind: "push", url: "push://", updatedAt: 0 });
  const state = {
    monitorId: m.id,
    token: "x",
    lastPingAt: 1_000,
    lastPingOk: true,
    startedAt: null,
    lastDurationMs: null,
    lateExpectedAt: null,
  };
  assert.equal(dueLate(m, state, 70_999), null);
  assert.deepEqual(dueLate(m, state, 71_000), { expectedAt: 61_000, deadline: 71_000 });
  // Already recorded for 61 s: the next is 121 s (+10 s).
  assert.equal(dueLate(m, { ...state, lateExpectedAt: 61_000 }, 130_000), null);
  // Down for an hour: one late check for the newest deadline passed, not sixty.
  assert.deepEqual(dueLate(m, state, 3_600_000), { expectedAt: 3_541_000, deadline: 3_551_000 });
});

Deno.test("cron and time zone validation give clear messages", () => {
  assert.equal(cronError("0 3 * * *"), null);
  assert.equal(cronError("*/5 9-17 * * 1-5"), null);
  assert.match(cronError("0 3 * *")!, /Must have 5 fields .* got 4/);
  assert.match(cronError("0 0 3 * * *")!, /got 6/);
  assert.match(cronError("61 * * * *")!, /^Not a valid cron expression: .*minute/);
  assert.match(cronError("0 3 31 2 *")!, /Never matches|Not a valid/);
  assert.equal(timeZoneError("Europe/Berlin"), null);
  assert.equal(timeZoneError("UTC"), null);
  assert.match(timeZoneError("Mars/Olympus")!, /Not a known IANA time zone/);
  assert.match(timeZoneError("")!, /IANA/);
});

Deno.test("messages say what was expected, in words", () => {
  assert.equal(describeSchedule(period(3600, 300)), "every 1 h (+5 min grace)");
  assert.equal(describeSchedule(period(90, 0)), "every 90 s (+0 s grace)");
  assert.equal(
    describeSchedule(cron("0 3 * * *", "Europe/Berlin", 3600)),
    "cron `0 3 * * *` Europe/Berlin (+1 h grace)",
  );
  const msg = lateMessage(
    period(3600, 300),
    { lastPingAt: T("2026-12-02T10:00:00Z"), lateExpectedAt: null },
    { expectedAt: T("2026-12-02T11:00:00Z"), deadline: T("2026-12-02T11:05:00Z") },
  );
  assert.equal(
    msg,
    "no ping since 2026-12-02 10:00:00 UTC; expected by 2026-12-02 11:00:00 UTC, every 1 h (+5 min grace)",
  );
});

Deno.test("ping actions: success, start, fail and exit codes 0-255; anything else is refused", () => {
  const cases: [string | undefined, ReturnType<typeof parsePingAction>][] = [
    [undefined, { kind: "success", exitCode: null }],
    ["start", { kind: "start", exitCode: null }],
    ["fail", { kind: "fail", exitCode: null }],
    ["0", { kind: "success", exitCode: 0 }],
    ["1", { kind: "fail", exitCode: 1 }],
    ["255", { kind: "fail", exitCode: 255 }],
    ["256", null],
    ["-1", null],
    ["1000", null],
    ["log", null],
    ["START", null],
  ];
  for (const [action, want] of cases) assert.deepEqual(parsePingAction(action), want, action);
});

Deno.test("pingResult: run duration from a recent start; failures say why", () => {
  const now = 100_000_000;
  const ok = pingResult({ kind: "success", exitCode: null, body: "" }, now - 4_200, now);
  assert.deepEqual(ok, {
    durationMs: 4_200,
    result: { ok: true, latencyMs: 4_200, httpStatus: null, errorKind: null, errorMessage: null },
  });
  // A start from another day does not make a duration.
  const stale = pingResult({ kind: "success", exitCode: 0, body: "" }, now - MAX_RUN_MS - 1, now);
  assert.deepEqual([stale.durationMs, stale.result.latencyMs], [null, 0]);
  const failed = pingResult({ kind: "fail", exitCode: 3, body: " disk full \n" }, null, now);
  assert.deepEqual(failed.result, {
    ok: false,
    latencyMs: 0,
    httpStatus: null,
    errorKind: "job_failed",
    errorMessage: "job reported failure (exit code 3): disk full",
  });
  assert.equal(
    pingResult({ kind: "fail", exitCode: null, body: "" }, null, now).result.errorMessage,
    "job reported failure",
  );
});

Deno.test("ping tokens: 144 random bits, URL-safe, each new", () => {
  const tokens = new Set(Array.from({ length: 200 }, newPushToken));
  assert.equal(tokens.size, 200);
  for (const t of tokens) {
    assert.match(t, /^[A-Za-z0-9_-]{24}$/);
    assert.ok(isTokenShape(t));
  }
  assert.ok(!isTokenShape("short"));
  assert.ok(!isTokenShape("../../etc/passwd-xxxxxxxxxx"));
});
