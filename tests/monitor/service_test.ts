import assert from "node:assert/strict";
import { MonitorService, type ProbeFn } from "../../monitor/service.ts";
import type { Store } from "../../monitor/store/store.ts";
import { openStore } from "../../monitor/store/open.ts";
import { type Db, openDb } from "../../monitor/store/sqlite/db.ts";
import { migrate, MIGRATIONS } from "../../monitor/store/sqlite/migrations.ts";
import { finalizeRollups, pruneHistory } from "../../monitor/maintenance.ts";
import { probe } from "../../monitor/probe.ts";
import { setLogLevel } from "../../monitor/log.ts";
import { NotFoundError, ValidationError } from "../../monitor/errors.ts";
import type { ProbeResult, Transition } from "../../monitor/types.ts";
import type { RecordedCheck } from "../../monitor/recorder.ts";
import { startTarget, startTcpTarget } from "../_helpers/targets.ts";
import { sleep, tempDir, testConfig, waitFor } from "../_helpers/core.ts";

setLogLevel("error");

const HOUR = 3_600_000;
const DAY = 86_400_000;

/**
 * A service on the test engine's store for `dir` (a SQLite file there, or its PostgreSQL
 * schema), with a settable clock and every transition collected. Opening the same `dir` again
 * finds the same data.
 */
async function open(dir: string, opts: { probe?: ProbeFn; now?: () => number } = {}) {
  const store = await openStore(testConfig(dir));
  const service = new MonitorService({ store, probe: opts.probe ?? probe, now: opts.now });
  const transitions: Transition[] = [];
  service.recorder.onRecorded((e) => e.transition && transitions.push(e.transition));
  return { store, service, transitions, [Symbol.asyncDispose]: () => store.close() };
}

/** A target whose status code the test sets. */
async function statusTarget(initial = 200) {
  let status = initial;
  const target = await startTarget(() => new Response("body", { status }));
  return {
    target,
    url: target.url,
    set: (s: number) => (status = s),
    [Symbol.asyncDispose]: () => target.close(),
  };
}

/** Rows in a table of a raw SQLite handle (for the openDb/migrate tests). */
const count = (db: Db, table: string) =>
  (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

/** How much the store holds for monitor `id`: checks, incidents, rollups and a state row. */
async function stored(store: Store, id: number) {
  const [checks, incidents, hours, days, states] = await Promise.all([
    store.checks.recent(id, 10_000),
    store.incidents.list(id, 10_000),
    store.rollups.series(id, "hour", 0),
    store.rollups.series(id, "day", 0),
    store.states.all(),
  ]);
  return {
    checks: checks.length,
    incidents: incidents.length,
    rollups: hours.length + days.length,
    state: states.has(id) ? 1 : 0,
  };
}

const NOTHING = { checks: 0, incidents: 0, rollups: 0, state: 0 };

const result = (ok: boolean, latencyMs = 10, over: Partial<ProbeResult> = {}): ProbeResult => ({
  ok,
  latencyMs,
  httpStatus: ok ? 200 : 500,
  errorKind: ok ? null : "unexpected_status",
  errorMessage: ok ? null : "HTTP 500, expected 200",
  ...over,
});

Deno.test("MonitorService opens, extends and closes an incident keeping the raw status codes", async () => {
  await using dir = await tempDir();
  await using t = await statusTarget();
  await using s = await open(dir.path);
  const m = await s.service.create({ name: "Site", url: t.url, failure_threshold: 2 });
  assert.equal((await s.service.get(m.id)).status, "pending");

  const steps: [number, string, number, number][] = [
    // [target status, monitor status, consecutive failures, incidents]
    [200, "up", 0, 0],
    [500, "pending", 1, 0],
    [503, "down", 2, 1],
    [502, "down", 3, 1],
    [200, "up", 0, 1],
  ];
  const recorded: RecordedCheck[] = [];
  for (const [code, status, failures, incidents] of steps) {
    t.set(code);
    recorded.push(await s.service.checkNow(m.id));
    const v = await s.service.get(m.id);
    assert.equal(v.status, status, `after HTTP ${code}`);
    assert.equal(v.state.consecutiveFailures, failures, `after HTTP ${code}`);
    assert.equal(v.lastCheck?.httpStatus, code);
    assert.equal((await s.service.incidents(m.id)).length, incidents, `after HTTP ${code}`);
  }
  assert.deepEqual(recorded.map((r) => r.check.errorKind), [
    null,
    "unexpected_status",
    "unexpected_status",
    "unexpected_status",
    null,
  ]);
  const [incident] = await s.service.incidents(m.id);
  assert.equal(incident.startedAt, recorded[1].check.checkedAt, "starts at the first failure");
  assert.equal(incident.confirmedAt, recorded[2].check.checkedAt);
  assert.equal(incident.lastFailureAt, recorded[3].check.checkedAt);
  assert.equal(incident.endedAt, recorded[4].check.checkedAt);
  assert.equal(incident.failureCount, 3);
  assert.equal(incident.errorKind, "unexpected_status");
  assert.equal(incident.httpStatus, 503, "the raw code of the confirming check");
  assert.match(incident.errorMessage, /HTTP 503/);
  assert.deepEqual(s.transitions.map((x) => [x.kind, x.incident.id]), [
    ["down", incident.id],
    ["recovered", incident.id],
  ]);
  assert.equal(s.transitions[0].consecutiveFailures, 2);
  assert.equal((await s.service.get(m.id)).state.openIncidentId, null);
});

Deno.test("MonitorService records transport failures with their error kind", async () => {
  await using dir = await tempDir();
  await using s = await open(dir.path);
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  const http = await s.service.create({ name: "refused", url: `http://127.0.0.1:${port}/` });
  const tcp = await s.service.create({ name: "tcp refused", url: `tcp://127.0.0.1:${port}` });
  assert.equal(tcp.kind, "tcp");
  for (const m of [http, tcp]) {
    const r = await s.service.checkNow(m.id);
    assert.equal(r.check.errorKind, "connection_refused");
    assert.equal(r.state.state, "down");
    assert.equal(r.transition?.incident.errorKind, "connection_refused");
    assert.equal(r.transition?.incident.httpStatus, null);
  }
});

Deno.test("MonitorService state survives reopening the database: no second DOWN, same incident recovers", async () => {
  await using dir = await tempDir();
  await using t = await statusTarget(500);
  let id: number;
  let incidentId: number;
  {
    await using s = await open(dir.path);
    id = (await s.service.create({ name: "Site", url: t.url })).id;
    const r = await s.service.checkNow(id);
    assert.equal(r.transition?.kind, "down");
    incidentId = r.transition!.incident.id;
  }
  {
    // "Restart" while still down: the stored state and open incident are picked up.
    await using s = await open(dir.path);
    const before = await s.service.get(id);
    assert.equal(before.status, "down");
    assert.equal(before.state.openIncidentId, incidentId);
    for (let i = 0; i < 2; i++) {
      const r = await s.service.checkNow(id);
      assert.equal(r.transition, null, "a second DOWN transition fired after reopening");
    }
    const after = await s.service.get(id);
    assert.equal(after.state.consecutiveFailures, 3);
    assert.equal(after.state.changedAt, before.state.changedAt);
    const incidents = await s.service.incidents(id);
    assert.equal(incidents.length, 1);
    assert.equal(incidents[0].failureCount, 3);
  }
  {
    await using s = await open(dir.path);
    t.set(200);
    const r = await s.service.checkNow(id);
    assert.equal(r.transition?.kind, "recovered");
    assert.equal(r.transition?.incident.id, incidentId);
    assert.equal(r.transition?.incident.endedAt, r.check.checkedAt);
    assert.equal((await s.service.get(id)).status, "up");
    assert.equal((await s.service.incidents(id)).length, 1);
    assert.deepEqual(s.transitions.map((x) => x.kind), ["recovered"]);
  }
});

Deno.test("MonitorService.remove() deletes the monitor, its internal apps and all their history", async () => {
  await using dir = await tempDir();
  await using t = await statusTarget(500);
  await using s = await open(dir.path);
  const site = await s.service.create({ name: "Site", url: t.url });
  const app = await s.service.create({ name: "App", url: t.url, parent_id: site.id });
  const other = await s.service.create({ name: "Other", url: t.url });
  const recorded = new Map<number, RecordedCheck>();
  for (const m of [site, app, other]) recorded.set(m.id, await s.service.checkNow(m.id));
  assert.deepEqual((await s.service.children(site.id)).map((c) => c.id), [app.id]);

  const changed: number[] = [];
  s.service.onChange((id) => changed.push(id));
  await s.service.remove(site.id);

  assert.deepEqual((await s.store.monitors.list()).map((m) => m.id), [other.id], "monitors");
  assert.deepEqual([...(await s.store.states.all()).keys()], [other.id], "monitor states");
  for (const gone of [site, app]) {
    assert.equal(await s.store.monitors.get(gone.id), null);
    assert.deepEqual(await stored(s.store, gone.id), NOTHING, `history of ${gone.name}`);
    const { check, transition } = recorded.get(gone.id)!;
    assert.equal(await s.store.checks.get(check.id), null, `check of ${gone.name}`);
    assert.ok(transition, `${gone.name} went down`);
    assert.equal(await s.store.incidents.get(transition.incident.id), null);
  }
  const kept = await stored(s.store, other.id);
  for (const kind of ["checks", "incidents", "rollups", "state"] as const) {
    assert.ok(kept[kind] > 0, `${kind} of another monitor`);
  }
  assert.deepEqual(changed.sort(), [site.id, app.id].sort());
  await assert.rejects(() => s.service.get(site.id), NotFoundError);
  await assert.rejects(() => s.service.remove(site.id), NotFoundError);
});

Deno.test("MonitorService refuses invalid input without writing anything", async () => {
  await using dir = await tempDir();
  await using s = await open(dir.path);
  const site = await s.service.create({ name: "Site", url: "https://example.com" });
  const app = await s.service.create({
    name: "App",
    url: "https://example.com/a",
    parent_id: site.id,
  });
  const bad = [
    { name: "x", url: "file:///etc/passwd" },
    { name: "x", url: "javascript:alert(1)" },
    { name: "x", url: "http://" },
    { name: "x", url: "https://e.com", interval_s: 10, timeout_ms: 20_000 },
    { name: "x", url: "https://e.com", expected_status: "600" },
    { name: "x", url: "https://e.com", parent_id: 999 },
    { name: "x", url: "https://e.com", parent_id: app.id },
  ];
  for (const input of bad) {
    await assert.rejects(() => s.service.create(input), ValidationError, JSON.stringify(input));
  }
  assert.equal((await s.store.monitors.list()).length, 2);
  // A refused edit leaves the stored monitor as it was.
  await assert.rejects(
    () => s.service.update(app.id, { name: "renamed", interval_s: 5 }),
    ValidationError,
  );
  assert.equal((await s.service.get(app.id)).monitor.name, "App");
  await assert.rejects(() => s.service.update(site.id, { parent_id: app.id }), ValidationError);
});

Deno.test("MonitorService.update() merges a partial edit and tells listeners", async () => {
  await using dir = await tempDir();
  let now = 1_000_000;
  await using s = await open(dir.path, { now: () => now });
  const m = await s.service.create({
    name: "Site",
    url: "https://example.com",
    timeout_ms: 20_000,
  });
  assert.equal(m.retryIntervalS, 60);
  const changed: number[] = [];
  s.service.onChange((id) => changed.push(id));
  now += 5;
  const u = await s.service.update(m.id, { interval_s: 15 });
  assert.equal(u.name, "Site");
  assert.equal(u.intervalS, 15);
  assert.equal(u.retryIntervalS, 15, "retry followed the interval it equalled");
  assert.equal(u.timeoutMs, 15_000, "timeout shrunk to fit the new interval");
  assert.equal(u.updatedAt, now);
  assert.equal((await s.service.setActive(m.id, false)).active, false);
  assert.equal((await s.service.get(m.id)).status, "paused");
  assert.deepEqual(changed, [m.id, m.id]);
});

Deno.test("MonitorService.checkNow() shares one probe between concurrent calls", async () => {
  await using dir = await tempDir();
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let probes = 0;
  await using s = await open(dir.path, {
    probe: async () => {
      probes++;
      await gate;
      return result(true);
    },
  });
  const m = await s.service.create({ name: "Site", url: "https://example.com" });
  const a = s.service.checkNow(m.id);
  const b = s.service.checkNow(m.id);
  // Both calls have read the monitor and reached the probe before it answers.
  await waitFor(() => probes >= 1, { timeoutMs: 2000, message: "probe started" });
  await sleep(50);
  release();
  const [ra, rb] = await Promise.all([a, b]);
  assert.equal(probes, 1);
  assert.equal(ra.check.id, rb.check.id);
  assert.equal((await stored(s.store, m.id)).checks, 1);
});

Deno.test("MonitorService does not record a check whose probe was cancelled", async () => {
  await using dir = await tempDir();
  await using target = await startTcpTarget(() => {}); // accepts and never answers
  await using s = await open(dir.path);
  const m = await s.service.create({ name: "Site", url: target.httpUrl, timeout_ms: 5000 });
  const ac = new AbortController();
  const pending = s.service.checkNow(m.id, ac.signal);
  await waitFor(() => target.accepted === 1, { timeoutMs: 2000, message: "probe connected" });
  ac.abort(); // what Scheduler.stop() does at shutdown; the probe ends as "Probe cancelled"
  await assert.rejects(pending, (err: Error) => err.name === "AbortError");
  assert.deepEqual(await stored(s.store, m.id), NOTHING);
  assert.equal(s.transitions.length, 0);
});

Deno.test("MonitorService does not record a check of a monitor deleted mid-probe", async () => {
  await using dir = await tempDir();
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let probes = 0;
  await using s = await open(dir.path, {
    probe: () => {
      probes++;
      return gate.then(() => result(false));
    },
  });
  const m = await s.service.create({ name: "Site", url: "https://example.com" });
  const pending = s.service.checkNow(m.id);
  await waitFor(() => probes === 1, { timeoutMs: 2000, message: "probe started" });
  await s.service.remove(m.id);
  release();
  await assert.rejects(pending, NotFoundError);
  assert.deepEqual(await stored(s.store, m.id), NOTHING);
  assert.equal(s.transitions.length, 0);
});

Deno.test("MonitorService keeps hourly and daily rollups with counts, latency and uptime", async () => {
  await using dir = await tempDir();
  const day = Date.UTC(2025, 2, 10);
  let now = day + 10 * HOUR + 30 * 60_000;
  await using s = await open(dir.path, { now: () => now });
  const m = await s.service.create({ name: "Site", url: "https://example.com" });
  // 09:xx: 3 up (10, 20, 60 ms) and 1 down; 10:xx: 1 up (40 ms).
  const at = (h: number, min: number) => day + h * HOUR + min * 60_000;
  await s.service.recorder.record(m, result(true, 10), at(9, 0));
  await s.service.recorder.record(m, result(true, 60), at(9, 10));
  await s.service.recorder.record(m, result(false, 5000), at(9, 20));
  await s.service.recorder.record(m, result(true, 20), at(9, 59));
  await s.service.recorder.record(m, result(true, 40), at(10, 0));

  const hours = await s.store.rollups.series(m.id, "hour", day);
  assert.deepEqual(hours.map((r) => [r.bucketStart, r.count, r.upCount]), [
    [at(9, 0), 4, 3],
    [at(10, 0), 1, 1],
  ]);
  assert.equal(hours[0].latencyMin, 10);
  assert.equal(hours[0].latencyMax, 60);
  assert.equal(hours[0].latencyAvg, 30, "failed checks do not count towards latency");
  const [daily] = await s.store.rollups.series(m.id, "day", day);
  assert.deepEqual([daily.bucketStart, daily.count, daily.upCount], [day, 5, 4]);
  assert.equal(daily.latencyMin, 10);
  assert.equal(daily.latencyMax, 60);
  assert.equal(daily.latencyAvg, 32.5);

  assert.deepEqual((await s.service.series(m.id, DAY)).map((r) => r.count), [4, 1]);
  const up = await s.service.uptime(m.id);
  assert.equal(up.h24, 80);
  assert.equal(up.d7, 80);
  assert.equal(up.d90, 80);
  assert.deepEqual((await s.service.uptimeAll()).get(m.id), { h24: 80, d7: 80, d30: 80 });
  // A week later the hourly window no longer sees them, the daily ones still do.
  now += 8 * DAY;
  const later = await s.service.uptime(m.id);
  assert.equal(later.h24, null);
  assert.equal(later.d7, null);
  assert.equal(later.d30, 80);
});

Deno.test("finalizeRollups() fills p95 of closed buckets from raw checks only once they close", async () => {
  await using dir = await tempDir();
  const day = Date.UTC(2025, 2, 10);
  await using s = await open(dir.path);
  const m = await s.service.create({ name: "Site", url: "https://example.com" });
  // Hour 09: latencies 1..20 ms (p95 nearest-rank = 19) plus a failure that must not count.
  for (let i = 1; i <= 20; i++) {
    await s.service.recorder.record(m, result(true, i), day + 9 * HOUR + i * 60_000);
  }
  await s.service.recorder.record(m, result(false, 9999), day + 9 * HOUR + 30 * 60_000);
  // Hour 10 is still open at 10:30.
  await s.service.recorder.record(m, result(true, 7), day + 10 * HOUR);
  const series = (period: "hour" | "day") => s.store.rollups.series(m.id, period, day);
  const now = day + 10 * HOUR + 30 * 60_000;
  assert.equal(await finalizeRollups(s.store, now), 1);
  assert.deepEqual((await series("hour")).map((r) => r.latencyP95), [19, null]);
  assert.equal((await series("day"))[0].latencyP95, null, "day not closed yet");
  // Once the day has closed, its p95 covers all 21 successful checks.
  assert.equal(await finalizeRollups(s.store, day + DAY + HOUR), 2);
  assert.equal((await series("day"))[0].latencyP95, 19);
  assert.deepEqual((await series("hour")).map((r) => r.latencyP95), [19, 7]);
  assert.equal(await finalizeRollups(s.store, day + DAY + HOUR), 0, "finalized twice");
});

Deno.test("pruneHistory() deletes raw checks older than the retention and nothing else", async () => {
  await using dir = await tempDir();
  const now = Date.UTC(2025, 5, 1);
  await using s = await open(dir.path, { now: () => now });
  const m = await s.service.create({ name: "Site", url: "https://example.com" });
  const old = [now - 40 * DAY, now - 31 * DAY];
  const recent = [now - 29 * DAY, now - HOUR];
  await s.service.recorder.record(m, result(false), old[0]); // opens an incident
  await s.service.recorder.record(m, result(true), old[1]);
  for (const t of recent) await s.service.recorder.record(m, result(true), t);
  await s.service.recorder.record(m, result(true), now - 400 * DAY); // beyond rollup retention too
  const before = await stored(s.store, m.id);

  const pruned = await pruneHistory(s.store, 30, now);
  assert.equal(pruned.checks, 3);
  assert.equal(pruned.rollups, 2, "only the hour and day buckets older than a year");
  const left = (await s.store.checks.recent(m.id, 100)).map((c) => c.checkedAt).reverse();
  assert.deepEqual(left, recent);
  const after = await stored(s.store, m.id);
  assert.equal(after.rollups, before.rollups - 2);
  assert.equal(after.incidents, 1, "incidents are kept");
  assert.equal((await s.service.get(m.id)).status, "up", "state is kept");
  assert.equal((await pruneHistory(s.store, 30, now)).checks, 0);
});

Deno.test("openDb() uses WAL and applies versioned migrations once", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/sub/dir/h.db`; // the directory is created
  const newest = MIGRATIONS.at(-1)!.version;
  {
    const db = openDb(path);
    try {
      assert.deepEqual(
        { ...db.prepare("PRAGMA journal_mode").get() },
        { journal_mode: "wal" },
      );
      assert.equal(
        (db.prepare("PRAGMA user_version").get() as { user_version: number })
          .user_version,
        newest,
      );
      assert.equal(
        (db.prepare("PRAGMA foreign_keys").get() as { foreign_keys: number })
          .foreign_keys,
        1,
      );
      db.exec(`INSERT INTO users (username, password_hash, is_admin, created_at)
        VALUES ('keep', 'x', 1, 0)`);
      assert.equal(migrate(db), newest, "migrate() again is a no-op");
    } finally {
      db.close();
    }
  }
  const db = openDb(path); // reopening keeps the data
  try {
    assert.equal(count(db, "users"), 1);
  } finally {
    db.close();
  }
});

Deno.test("migrate() applies only newer versions, each atomically", async () => {
  await using dir = await tempDir();
  const db = openDb(`${dir.path}/h.db`);
  try {
    const v = MIGRATIONS.at(-1)!.version;
    const extra = [
      ...MIGRATIONS,
      { version: v + 1, name: "good", sql: "CREATE TABLE extra_a (x INTEGER) STRICT;" },
      {
        version: v + 2,
        name: "broken",
        sql: "CREATE TABLE extra_b (x INTEGER) STRICT; INSERT INTO nowhere VALUES (1);",
      },
    ];
    assert.throws(() => migrate(db, extra), /Cannot migrate database to version \d+ \(broken\)/);
    const version = (db.prepare("PRAGMA user_version").get() as { user_version: number })
      .user_version;
    assert.equal(version, v + 1, "the good step stays, the broken one is rolled back");
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'extra_%'")
      .all() as { name: string }[]).map((r) => r.name);
    assert.deepEqual(tables, ["extra_a"]);
  } finally {
    db.close();
  }
});

Deno.test("openDb() refuses a database from a newer version", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/h.db`;
  openDb(path).close();
  {
    const db = openDb(path);
    db.exec(`PRAGMA user_version = ${MIGRATIONS.at(-1)!.version + 1}`);
    db.close();
  }
  assert.throws(() => openDb(path), /newer than this build knows/);
});

/** A probe that waits until the test releases it, then answers `next`. */
function gatedProbe(next: ProbeResult) {
  const waiting: (() => void)[] = [];
  const urls: string[] = [];
  const fn: ProbeFn = (target) => {
    urls.push(target.url);
    return new Promise((resolve) => waiting.push(() => resolve(next)));
  };
  return { fn, urls, release: () => waiting.splice(0).forEach((go) => go()) };
}

Deno.test("a monitor paused while its failing probe runs records nothing and opens no incident", async () => {
  await using dir = await tempDir();
  const gate = gatedProbe(result(false));
  let clock = Date.UTC(2026, 0, 1);
  await using s = await open(dir.path, { probe: gate.fn, now: () => clock });
  const m = await s.service.create({ name: "Site", url: "http://127.0.0.1:9/" });
  const inflight = s.service.runCheck((await s.service.get(m.id)).monitor);
  await waitFor(() => gate.urls.length === 1, { timeoutMs: 2000, message: "probe started" });
  clock += 1000;
  await s.service.setActive(m.id, false);
  gate.release();
  await assert.rejects(inflight, { name: "StaleCheckError" });
  const left = await stored(s.store, m.id);
  assert.equal(left.checks, 0);
  assert.equal(left.incidents, 0);
  assert.deepEqual(s.transitions, []);
  assert.equal((await s.service.get(m.id)).status, "paused");
});

Deno.test("check now after an edit probes the new settings, not the probe already in flight", async () => {
  await using dir = await tempDir();
  const gate = gatedProbe(result(true));
  let clock = Date.UTC(2026, 0, 1);
  await using s = await open(dir.path, { probe: gate.fn, now: () => clock });
  const m = await s.service.create({ name: "Site", url: "http://127.0.0.1:9/old" });
  const scheduled = s.service.runCheck((await s.service.get(m.id)).monitor);
  await waitFor(() => gate.urls.length === 1, { timeoutMs: 2000, message: "old probe started" });
  clock += 1000;
  await s.service.update(m.id, { url: "http://127.0.0.1:9/new" });
  const manual = s.service.checkNow(m.id);
  await sleep(50);
  assert.deepEqual(gate.urls, ["http://127.0.0.1:9/old"], "a second probe overlapped the first");
  gate.release(); // the old probe ends; its result is stale
  await assert.rejects(scheduled, { name: "StaleCheckError" });
  // The new probe, started only after the old one finished.
  await waitFor(() => gate.urls.length === 2, { timeoutMs: 2000, message: "new probe started" });
  gate.release();
  const recorded = await manual;
  assert.deepEqual(gate.urls, ["http://127.0.0.1:9/old", "http://127.0.0.1:9/new"]);
  assert.equal(recorded.monitor.url, "http://127.0.0.1:9/new");
  assert.equal((await stored(s.store, m.id)).checks, 1);
});
