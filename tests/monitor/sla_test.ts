import assert from "node:assert/strict";
import { csvCell, monthsUpTo, slaCsv, slaFileName, slaMonths } from "../../monitor/sla.ts";

const t = (iso: string) => Date.parse(iso);

Deno.test("monthsUpTo() lists calendar months in UTC, across a year boundary", () => {
  assert.deepEqual(
    monthsUpTo(t("2026-02-10T12:00:00Z"), 3).map((m) => [m.month, new Date(m.start).toISOString()]),
    [
      ["2025-12", "2025-12-01T00:00:00.000Z"],
      ["2026-01", "2026-01-01T00:00:00.000Z"],
      ["2026-02", "2026-02-01T00:00:00.000Z"],
    ],
  );
  assert.equal(monthsUpTo(t("2026-02-10T00:00:00Z"), 1)[0].end, t("2026-03-01T00:00:00Z"));
});

Deno.test("slaMonths(): uptime from rollups, downtime clipped to the month and minus maintenance", () => {
  const months = monthsUpTo(t("2026-05-20T00:00:00Z"), 2); // April, May
  const [april, may] = slaMonths(
    [{
      rollups: [
        { bucketStart: t("2026-04-30T00:00:00Z"), count: 100, upCount: 90 },
        { bucketStart: t("2026-05-01T00:00:00Z"), count: 50, upCount: 50 },
      ],
      incidents: [
        // Spans the month boundary: 30 min in April, 60 min in May.
        { id: 1, startedAt: t("2026-04-30T23:30:00Z"), endedAt: t("2026-05-01T01:00:00Z") },
        // 120 min, of which 90 in a maintenance window.
        { id: 2, startedAt: t("2026-05-10T10:00:00Z"), endedAt: t("2026-05-10T12:00:00Z") },
        // Wholly inside maintenance: not an incident of the report.
        { id: 3, startedAt: t("2026-05-10T10:10:00Z"), endedAt: t("2026-05-10T10:20:00Z") },
        // Still open: counted up to now.
        { id: 4, startedAt: t("2026-05-19T23:00:00Z"), endedAt: null },
      ],
      maintenance: [{ start: t("2026-05-10T09:00:00Z"), end: t("2026-05-10T11:30:00Z") }],
    }],
    months,
    t("2026-05-20T00:00:00Z"),
  );
  assert.equal(april.uptimePct, 90);
  assert.equal(april.checks, 100);
  assert.equal(april.downtimeMin, 30);
  assert.equal(april.incidents, 1);
  assert.equal(april.maintenanceMin, 0);
  assert.equal(may.uptimePct, 100);
  assert.equal(may.incidents, 3);
  assert.equal(may.downtimeMin, 60 + 30 + 60);
  assert.equal(may.longestIncidentMin, 60);
  assert.equal(may.maintenanceMin, 150);
});

Deno.test("slaMonths() over several monitors: downtime and maintenance are unions, checks add up", () => {
  const months = monthsUpTo(t("2026-05-31T00:00:00Z"), 1);
  const a = {
    rollups: [{ bucketStart: t("2026-05-02T00:00:00Z"), count: 10, upCount: 9 }],
    incidents: [{
      id: 1,
      startedAt: t("2026-05-02T10:00:00Z"),
      endedAt: t("2026-05-02T11:00:00Z"),
    }],
    maintenance: [{ start: t("2026-05-03T00:00:00Z"), end: t("2026-05-03T01:00:00Z") }],
  };
  const b = {
    rollups: [{ bucketStart: t("2026-05-02T00:00:00Z"), count: 10, upCount: 10 }],
    incidents: [{
      id: 2,
      startedAt: t("2026-05-02T10:30:00Z"),
      endedAt: t("2026-05-02T11:30:00Z"),
    }],
    maintenance: [{ start: t("2026-05-03T00:30:00Z"), end: t("2026-05-03T01:30:00Z") }],
  };
  const [m] = slaMonths([a, b], months, t("2026-05-31T00:00:00Z"));
  assert.equal(m.checks, 20);
  assert.equal(m.uptimePct, 95);
  assert.equal(m.downtimeMin, 90);
  assert.equal(m.incidents, 2);
  assert.equal(m.maintenanceMin, 90);
  const [empty] = slaMonths([], months, t("2026-05-31T00:00:00Z"));
  assert.equal(empty.uptimePct, null, "no checks: no figure");
});

Deno.test("csvCell() quotes per RFC 4180 and defuses spreadsheet formulas", () => {
  const cases: [string | number | null, string][] = [
    ["plain", "plain"],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ["two\nlines", '"two\nlines"'],
    ['=HYPERLINK("x")', '"\'=HYPERLINK(""x"")"'],
    ["+1", "'+1"],
    ["-2", "'-2"],
    ["@SUM(A1)", "'@SUM(A1)"],
    [99.5, "99.5"],
    [-3, "-3"],
    [null, ""],
  ];
  for (const [v, want] of cases) assert.equal(csvCell(v), want, String(v));
});

Deno.test("slaCsv() writes a header and one CRLF row per month; the file name is safe", () => {
  const months = monthsUpTo(t("2026-05-20T00:00:00Z"), 1);
  const report = {
    monitors: [{ id: 1, name: 'Shop, "EU"\n=cmd' }],
    months: slaMonths(
      [{ rollups: [], incidents: [], maintenance: [] }],
      months,
      t("2026-05-20T00:00:00Z"),
    ),
  };
  assert.equal(
    slaCsv(report),
    "month,monitors,uptime_percent,downtime_min,incidents,longest_incident_min,maintenance_min,checks\r\n" +
      '2026-05,"Shop, ""EU""\n=cmd",,0,0,0,0,0\r\n',
  );
  assert.equal(slaFileName(report, t("2026-05-20T00:00:00Z")), "sla-Shop-EU-cmd-2026-05.csv");
});
