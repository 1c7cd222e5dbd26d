import assert from "node:assert/strict";
import {
  activeAt,
  type MaintenanceSchedule,
  nextOccurrence,
  occurrences,
  parseInstant,
  validateSchedule,
} from "../../monitor/maintenance_schedule.ts";
import { activeWindowFor, covers, validateMaintenance } from "../../monitor/maintenance_windows.ts";
import { ValidationError } from "../../monitor/errors.ts";
import type { MaintenanceWindow } from "../../monitor/types.ts";

const t = (iso: string) => Date.parse(iso);
const isoOf = (ms: number) => new Date(ms).toISOString();
const spans = (s: MaintenanceSchedule, from: string, to: string) =>
  occurrences(s, t(from), t(to)).map((o) => `${isoOf(o.start)}/${isoOf(o.end)}`);

Deno.test("occurrences() of a one-off window: only when it overlaps the range", () => {
  const s: MaintenanceSchedule = {
    kind: "once",
    startsAt: t("2026-05-01T22:00:00Z"),
    endsAt: t("2026-05-02T01:00:00Z"),
  };
  const cases: [string, string, number][] = [
    ["2026-05-01T00:00:00Z", "2026-05-03T00:00:00Z", 1],
    ["2026-05-02T00:30:00Z", "2026-05-02T00:31:00Z", 1],
    ["2026-05-02T01:00:00Z", "2026-05-03T00:00:00Z", 0], // end is exclusive
    ["2026-04-01T00:00:00Z", "2026-05-01T22:00:00Z", 0], // ends right at its start
  ];
  for (const [from, to, n] of cases) assert.equal(spans(s, from, to).length, n, `${from}..${to}`);
});

Deno.test("weekly windows keep their local time across a DST change (Europe/Berlin, March)", () => {
  const s: MaintenanceSchedule = {
    kind: "weekly",
    weekdays: [7],
    time: "04:00",
    durationMin: 60,
    timezone: "Europe/Berlin",
  };
  assert.deepEqual(spans(s, "2026-03-20T00:00:00Z", "2026-04-06T00:00:00Z"), [
    "2026-03-22T03:00:00.000Z/2026-03-22T04:00:00.000Z", // CET, UTC+1
    "2026-03-29T02:00:00.000Z/2026-03-29T03:00:00.000Z", // CEST from that night, UTC+2
    "2026-04-05T02:00:00.000Z/2026-04-05T03:00:00.000Z",
  ]);
});

Deno.test("weekly windows on several days, in New York across the November change", () => {
  const s: MaintenanceSchedule = {
    kind: "weekly",
    weekdays: [3, 1],
    time: "22:00",
    durationMin: 120,
    timezone: "America/New_York",
  };
  assert.deepEqual(
    occurrences(s, t("2026-10-26T00:00:00Z"), t("2026-11-06T00:00:00Z")).map((o) => isoOf(o.start)),
    [
      "2026-10-27T02:00:00.000Z", // Mon 22:00 EDT
      "2026-10-29T02:00:00.000Z", // Wed
      "2026-11-03T03:00:00.000Z", // Mon 22:00 EST
      "2026-11-05T03:00:00.000Z",
    ],
  );
});

Deno.test("cron windows are read in their zone", () => {
  const s: MaintenanceSchedule = {
    kind: "cron",
    cron: "30 3 1 * *",
    durationMin: 30,
    timezone: "Asia/Tokyo",
  };
  assert.deepEqual(spans(s, "2026-05-15T00:00:00Z", "2026-07-15T00:00:00Z"), [
    "2026-05-31T18:30:00.000Z/2026-05-31T19:00:00.000Z",
    "2026-06-30T18:30:00.000Z/2026-06-30T19:00:00.000Z",
  ]);
});

Deno.test("activeAt() and nextOccurrence(): start inclusive, end exclusive, one that began before", () => {
  const s: MaintenanceSchedule = {
    kind: "weekly",
    weekdays: [1],
    time: "23:30",
    durationMin: 90,
    timezone: "UTC",
  };
  const start = t("2026-06-01T23:30:00Z"); // a Monday
  const end = start + 90 * 60_000;
  const cases: [number, boolean][] = [
    [start - 1, false],
    [start, true],
    [t("2026-06-02T00:30:00Z"), true], // past midnight, begun the day before
    [end - 1, true],
    [end, false],
  ];
  for (const [at, active] of cases) {
    assert.equal(activeAt(s, at) !== null, active, isoOf(at));
  }
  assert.deepEqual(activeAt(s, start + 1), { start, end });
  assert.deepEqual(nextOccurrence(s, start + 1), { start, end }, "in progress");
  assert.deepEqual(nextOccurrence(s, end), {
    start: start + 7 * 86_400_000,
    end: end + 7 * 86_400_000,
  });
  const once: MaintenanceSchedule = { kind: "once", startsAt: 1000, endsAt: 2000 };
  assert.deepEqual(nextOccurrence(once, 0), { start: 1000, end: 2000 });
  assert.equal(nextOccurrence(once, 2000), null, "none left");
});

Deno.test("parseInstant() reads zoned ISO times as given and local ones in the zone", () => {
  const cases: [string, string, string | null][] = [
    ["2026-05-01T22:00:00Z", "UTC", "2026-05-01T22:00:00.000Z"],
    ["2026-05-01T22:00:00+02:00", "UTC", "2026-05-01T20:00:00.000Z"],
    ["2026-07-01T10:00", "Europe/Berlin", "2026-07-01T08:00:00.000Z"],
    ["2026-01-01T10:00", "Europe/Berlin", "2026-01-01T09:00:00.000Z"],
    ["2026-02-30T10:00", "UTC", null],
    ["tomorrow", "UTC", null],
  ];
  for (const [input, tz, want] of cases) {
    const got = parseInstant(input, tz);
    assert.equal(got === null ? null : isoOf(got), want, input);
  }
});

Deno.test("validateSchedule() names the field of each problem", () => {
  const cases: [Record<string, unknown>, string[]][] = [
    [{ kind: "once", starts_at: "2026-05-01T22:00:00Z", ends_at: "2026-05-01T21:00:00Z" }, [
      "schedule.ends_at",
    ]],
    [{ kind: "once", starts_at: "2026-05-01T22:00:00Z", ends_at: "2026-05-20T22:00:00Z" }, [
      "schedule.ends_at",
    ]],
    [{ kind: "once", starts_at: "soon", ends_at: "2026-05-01T21:00:00Z" }, ["schedule.starts_at"]],
    [{ kind: "weekly", weekdays: [], time: "25:00", duration_min: 0, timezone: "Mars/Base" }, [
      "schedule.duration_min",
      "schedule.time",
      "schedule.timezone",
      "schedule.weekdays",
    ]],
    [{ kind: "weekly", weekdays: [8], time: "02:00", duration_min: 60 }, ["schedule.weekdays"]],
    [{ kind: "cron", cron: "61 * * * *", duration_min: 30 }, ["schedule.cron"]],
    [{ kind: "cron", cron: "0 3 * * *", duration_min: 7 * 24 * 60 + 1 }, ["schedule.duration_min"]],
    [{ kind: "yearly" }, ["schedule.kind"]],
  ];
  for (const [input, fields] of cases) {
    const r = validateSchedule(input);
    assert.deepEqual(Object.keys(r.errors ?? {}).sort(), fields, JSON.stringify(input));
  }
  const ok = validateSchedule({
    kind: "weekly",
    weekdays: ["3", "1", "3"],
    time: "02:30",
    duration_min: "45",
    timezone: "Europe/Berlin",
  });
  assert.deepEqual(ok.schedule, {
    kind: "weekly",
    weekdays: [1, 3],
    time: "02:30",
    durationMin: 45,
    timezone: "Europe/Berlin",
  });
});

Deno.test("validateMaintenance() needs a name and at least one known monitor, and refuses unknown fields", () => {
  const schedule = { kind: "cron", cron: "0 3 * * *", duration_min: 30 };
  const errors = (input: Record<string, unknown>) => {
    try {
      validateMaintenance(input, { monitorIds: new Set([1, 2]), rejectUnknown: true });
      return [];
    } catch (err) {
      assert.ok(err instanceof ValidationError);
      return Object.keys(err.fields).sort();
    }
  };
  assert.deepEqual(errors({ name: "", monitor_ids: [], schedule }), ["monitor_ids", "name"]);
  assert.deepEqual(errors({ name: "x", monitor_ids: [3], schedule }), ["monitor_ids"]);
  assert.deepEqual(errors({ name: "x", monitor_ids: [1], schedule, colour: "red" }), ["colour"]);
  assert.deepEqual(
    errors({ name: "x", monitor_ids: [1], schedule: { ...schedule, seconds: 5 } }),
    ["schedule.seconds"],
  );
  assert.deepEqual(errors({ name: "x", monitor_ids: [1] }), ["schedule.kind"]);
  assert.deepEqual(errors({ name: " Nightly ", monitor_ids: [2, 1, 2], schedule }), []);
});

Deno.test("a window covers the monitors it lists and the internal apps of listed websites", () => {
  const w: MaintenanceWindow = {
    id: 1,
    name: "w",
    description: "",
    monitorIds: [10],
    schedule: { kind: "once", startsAt: 100, endsAt: 200 },
    createdAt: 0,
    updatedAt: 0,
  };
  assert.ok(covers(w, { id: 10, parentId: null }));
  assert.ok(covers(w, { id: 11, parentId: 10 }));
  assert.ok(!covers(w, { id: 12, parentId: null }));
  assert.equal(activeWindowFor([w], { id: 11, parentId: 10 }, 150)?.window.id, 1);
  assert.equal(activeWindowFor([w], { id: 11, parentId: 10 }, 200), null);
  const longer = { ...w, id: 2, schedule: { kind: "once" as const, startsAt: 120, endsAt: 300 } };
  assert.equal(activeWindowFor([w, longer], { id: 10, parentId: null }, 150)?.window.id, 2);
});
