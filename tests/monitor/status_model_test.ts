/**
 * The public status page model: the overall banner rule, the uptime-bar colours, and what a page
 * built from rows shows (public names only, worst app status, 90 bars, incidents, maintenance).
 */
import assert from "node:assert/strict";
import {
  barTone,
  buildPublicPage,
  overallStatus,
  PUBLIC_STATUS,
  type PublicLevel,
} from "../../monitor/status_model.ts";
import type { MonitorStatus } from "../../monitor/types.ts";
import type { StatusIncidentRecord, StatusPageRecord } from "../../monitor/store/status_records.ts";
import { fakeMonitor, fakeState } from "../_helpers/core.ts";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 2, 12, 0, 0);

Deno.test("overallStatus(): outages, degraded, maintenance and unknown entries", () => {
  const cases: [PublicLevel[], string][] = [
    [[], "operational"],
    [["operational", "operational"], "operational"],
    [["operational", "unknown"], "operational"],
    [["unknown"], "operational"],
    [["operational", "degraded"], "degraded"],
    [["operational", "maintenance"], "maintenance"],
    [["degraded", "maintenance"], "degraded"],
    [["operational", "outage"], "partial_outage"],
    [["degraded", "outage"], "partial_outage"],
    [["outage"], "major_outage"],
    [["outage", "outage", "unknown"], "major_outage"],
  ];
  for (const [levels, want] of cases) assert.equal(overallStatus(levels), want, levels.join(","));
});

Deno.test("barTone(): ≥ 99.9 green, ≥ 99 light green, ≥ 95 amber, below red, no data grey", () => {
  const cases: [number | null, string][] = [
    [null, "none"],
    [NaN, "none"],
    [100, "up"],
    [99.9, "up"],
    [99.89, "minor"],
    [99, "minor"],
    [98.99, "degraded"],
    [95, "degraded"],
    [94.99, "down"],
    [0, "down"],
  ];
  for (const [pct, want] of cases) assert.equal(barTone(pct), want, String(pct));
});

Deno.test("PUBLIC_STATUS has a word and level for every monitor status", () => {
  const all: MonitorStatus[] = ["up", "degraded", "down", "pending", "paused"];
  for (const s of all) {
    assert.ok(PUBLIC_STATUS[s].word.length > 0);
    assert.ok(PUBLIC_STATUS[s].level);
  }
});

function page(over: Partial<StatusPageRecord> = {}): StatusPageRecord {
  return {
    id: 1,
    slug: "acme",
    title: "Acme",
    description: "",
    customDomain: null,
    logoType: null,
    logoUpdatedAt: null,
    createdAt: 0,
    updatedAt: 0,
    entries: [],
    ...over,
  };
}

function incident(over: Partial<StatusIncidentRecord>): StatusIncidentRecord {
  return {
    id: 1,
    pageId: 1,
    title: "Slow logins",
    monitorIds: [],
    status: "investigating",
    createdAt: NOW - 3600_000,
    updatedAt: NOW - 3600_000,
    resolvedAt: null,
    updates: [],
    ...over,
  };
}

Deno.test("buildPublicPage(): public names, worst app status, bars by day, incidents, maintenance", () => {
  const shop = fakeMonitor({ id: 10, name: "shop-internal", url: "https://secret.internal/x" });
  const api = fakeMonitor({ id: 11, name: "Shop API", parentId: 10 });
  const other = fakeMonitor({ id: 12, name: "unchosen" });
  const states = new Map([
    [10, fakeState(10, { state: "up" })],
    [11, fakeState(11, { state: "down" })],
    [12, fakeState(12, { state: "down" })],
  ]);
  const today = Math.floor(NOW / DAY) * DAY;
  const built = buildPublicPage({
    page: page({
      entries: [
        { monitorId: 10, displayName: "Shop", showApps: true },
        { monitorId: 999, displayName: "Gone", showApps: false },
      ],
    }),
    monitors: [shop, api, other],
    states,
    days: [
      { monitorId: 10, dayStart: today, count: 100, upCount: 100 },
      { monitorId: 11, dayStart: today, count: 100, upCount: 90 },
      { monitorId: 10, dayStart: today - DAY, count: 10, upCount: 10 },
      { monitorId: 12, dayStart: today, count: 10, upCount: 0 },
    ],
    incidents: [
      incident({ id: 2, monitorIds: [10, 12] }),
      incident({ id: 3, status: "resolved", resolvedAt: NOW - 2 * DAY }),
      incident({ id: 4, status: "resolved", resolvedAt: NOW - 40 * DAY }),
    ],
    upcomingMaintenance: [
      { title: "Later", startsAt: NOW + 2 * DAY, endsAt: NOW + 3 * DAY, monitors: ["Shop"] },
      { title: "Sooner", startsAt: NOW + DAY, endsAt: NOW + DAY + 60_000, monitors: ["Shop"] },
      { title: "Over", startsAt: NOW - DAY, endsAt: NOW - 1, monitors: [] },
    ],
    logoUrl: null,
    now: NOW,
  });
  assert.equal(built.entries.length, 1, "a deleted monitor's entry is skipped");
  const e = built.entries[0];
  assert.equal(e.name, "Shop");
  assert.equal(e.status, "down", "a website shows its worst app");
  assert.equal(e.word, "Outage");
  assert.deepEqual(e.apps.map((a) => [a.name, a.status]), [["Shop API", "down"]]);
  assert.equal(e.bars.length, 90);
  assert.equal(e.bars.at(-1)!.day, "2026-12-02");
  assert.equal(e.bars.at(-1)!.pct, 95);
  assert.equal(e.bars.at(-1)!.tone, "degraded");
  assert.equal(e.bars.at(-2)!.tone, "up");
  assert.equal(e.bars[0].tone, "none");
  assert.equal(e.uptimePct, (100 * 200) / 210);
  assert.equal(built.overall, "major_outage");
  assert.equal(built.overallWord, "Major outage");
  assert.deepEqual(built.activeIncidents.map((i) => [i.id, i.affects]), [[2, ["Shop"]]]);
  assert.deepEqual(built.pastIncidents.map((i) => i.id), [3], "past: the last 30 days");
  assert.deepEqual(built.upcomingMaintenance.map((m) => m.title), ["Sooner", "Later"]);
  const text = JSON.stringify(built);
  for (const secret of ["secret.internal", "shop-internal", "unchosen", '"id":10', '"id":12']) {
    assert.ok(!text.includes(secret), `the model must not carry ${secret}`);
  }
});

Deno.test("buildPublicPage(): a hidden app still counts; a paused website with no data shows Not monitored", () => {
  const site = fakeMonitor({ id: 1, name: "site", active: false });
  const app = fakeMonitor({ id: 2, name: "app", parentId: 1, active: false });
  const built = buildPublicPage({
    page: page({ entries: [{ monitorId: 1, displayName: "Site", showApps: false }] }),
    monitors: [site, app],
    states: new Map(),
    days: [],
    incidents: [],
    upcomingMaintenance: [],
    logoUrl: "/status/acme/logo?v=1",
    now: NOW,
  });
  assert.equal(built.entries[0].status, "paused");
  assert.equal(built.entries[0].word, "Not monitored");
  assert.deepEqual(built.entries[0].apps, []);
  assert.equal(built.entries[0].uptimePct, null);
  assert.equal(built.uptimePct, null);
  assert.equal(built.overall, "operational");
});
