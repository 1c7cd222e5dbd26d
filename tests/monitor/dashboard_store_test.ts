import assert from "node:assert/strict";
import { openDb } from "../../monitor/store/sqlite/db.ts";
import { insertCheck } from "../../monitor/store/sqlite/checks.ts";
import { insertMonitor } from "../../monitor/store/sqlite/monitors.ts";
import { saveState } from "../../monitor/store/sqlite/state.ts";
import {
  checksSince,
  monitorsCheckedAfter,
  overviewStamp,
  recentChecksByMonitor,
  statusCounts,
  uptimeWindows,
} from "../../monitor/store/sqlite/dashboard.ts";
import { fakeMonitor, fakeState } from "../_helpers/core.ts";
import { MonitorService } from "../../monitor/service.ts";
import { sqliteStore } from "../../monitor/store/sqlite/store.ts";
import { rng, seedRollups } from "../../bench/_seed.ts";

function fixture() {
  const db = openDb(":memory:");
  const ids = [1, 2, 3].map((i) => {
    const { id: _, createdAt: _c, updatedAt: _u, ...fields } = fakeMonitor({ name: `m${i}` });
    return insertMonitor(db, fields, 1000 * i).id;
  });
  // m1: 40 checks, m2: 5 checks, m3: none. Times interleave across monitors.
  for (let t = 0; t < 40; t++) {
    insertCheck(db, ids[0], 10_000 + t * 1000, {
      ok: t % 7 !== 0,
      latencyMs: t,
      httpStatus: 200,
      errorKind: null,
      errorMessage: null,
    });
    if (t < 5) {
      insertCheck(db, ids[1], 10_500 + t * 1000, {
        ok: true,
        latencyMs: 100 + t,
        httpStatus: 200,
        errorKind: null,
        errorMessage: null,
      });
    }
  }
  return { db, ids };
}

Deno.test("recentChecksByMonitor returns the newest N per monitor, oldest first", () => {
  const { db, ids } = fixture();
  const all = recentChecksByMonitor(db, 30);
  assert.equal(all.get(ids[0])!.length, 30);
  assert.deepEqual(
    all.get(ids[0])!.map((c) => c.latencyMs),
    [...Array(30).keys()].map((i) => i + 10),
  );
  assert.equal(all.get(ids[1])!.length, 5);
  assert.equal(all.has(ids[2]), false);
  const some = recentChecksByMonitor(db, 3, [ids[1]]);
  assert.deepEqual([...some.keys()], [ids[1]]);
  assert.deepEqual(some.get(ids[1])!.map((c) => c.latencyMs), [102, 103, 104]);
  db.close();
});

Deno.test("recentChecksByMonitor walks the monitor-time index per monitor, never the whole table", () => {
  const { db } = fixture();
  const plan = (db.prepare(
    `EXPLAIN QUERY PLAN SELECT c.* FROM monitors m JOIN checks c ON c.id IN (
      SELECT id FROM checks WHERE monitor_id = m.id ORDER BY checked_at DESC, id DESC LIMIT 30)
    ORDER BY c.monitor_id, c.checked_at, c.id`,
  ).all() as { detail: string }[]).map((r) => r.detail).join("\n");
  assert.match(plan, /SEARCH checks USING (COVERING )?INDEX checks_monitor_time \(monitor_id=\?\)/);
  assert.match(plan, /SEARCH c USING INTEGER PRIMARY KEY/);
  assert.doesNotMatch(plan, /SCAN checks/);
  db.close();
});

Deno.test("overviewStamp and monitorsCheckedAfter detect new checks and edits", () => {
  const { db, ids } = fixture();
  const s = overviewStamp(db);
  assert.equal(s.monitorCount, 3);
  assert.equal(s.maxCheckId, 45);
  assert.equal(s.maxUpdatedAt, 3000);
  saveState(db, fakeState(ids[0], { lastCheckId: 40 }));
  saveState(db, fakeState(ids[1], { lastCheckId: 45 }));
  assert.deepEqual(monitorsCheckedAfter(db, 41), [ids[1]]);
  assert.deepEqual(monitorsCheckedAfter(db, 45), []);
  assert.deepEqual(checksSince(db, ids[1], 12_000, 10).map((c) => c.checkedAt), [
    12_500,
    13_500,
    14_500,
  ]);
  db.close();
});

Deno.test("uptimeWindows agrees with the per-monitor MonitorService.uptime over the same windows", async () => {
  const { db, ids } = fixture();
  const now = Date.UTC(2025, 0, 31, 12, 34, 56);
  const random = rng(3);
  for (const id of ids.slice(0, 2)) {
    seedRollups(db, id, {
      now,
      days: 40,
      intervalS: 60,
      profile: { latencyMs: 50, failRate: 0.05 },
      random,
    });
  }
  const service = new MonitorService({
    store: sqliteStore(db),
    now: () => now,
    probe: () => Promise.reject(new Error("no probes here")),
  });
  const actual = uptimeWindows(db, now);
  for (const id of ids.slice(0, 2)) {
    const e = await service.uptime(id), a = actual.get(id)!;
    for (const k of ["h24", "d7", "d30"] as const) {
      assert.ok(Math.abs(e[k]! - a[k]!) < 1e-9, `${id} ${k}: ${e[k]} vs ${a[k]}`);
    }
  }
  assert.deepEqual(actual.get(ids[2]), { h24: null, d7: null, d30: null });
  assert.deepEqual([...uptimeWindows(db, now, [ids[1]]).keys()], [ids[1]]);
  db.close();
});

Deno.test("statusCounts counts inactive monitors as paused and unchecked ones as pending", () => {
  const { db, ids } = fixture();
  saveState(db, fakeState(ids[0], { state: "down" }));
  db.prepare("UPDATE monitors SET active = 0 WHERE id = ?").run(ids[1]);
  assert.deepEqual(statusCounts(db), { up: 0, degraded: 0, down: 1, pending: 1, paused: 1 });
  db.close();
});
