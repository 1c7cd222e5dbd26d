/**
 * Synthetic history for benchmarks and screenshots, written straight into the SQLite store's
 * tables (much faster than recording checks one by one): hourly and daily rollups for the past
 * days, raw recent checks, and the monitor's state row. So the benches using it run on SQLite.
 */
import type { Db } from "../monitor/store/sqlite/db.ts";
import { transaction } from "../monitor/store/sqlite/db.ts";
import { stmt } from "../monitor/store/sqlite/statements.ts";
import { saveState } from "../monitor/store/sqlite/state.ts";
import type { Store } from "../monitor/store/store.ts";
import type { SqliteStore } from "../monitor/store/sqlite/store.ts";

/** The SQLite handle behind a runtime's store: the seeders write SQLite tables directly. */
export function sqliteOf(owner: { store: Store }): Db {
  if (owner.store.engine !== "sqlite") {
    throw new Error("The benchmark seeders write SQLite tables: run them on a SQLite database");
  }
  return (owner.store as SqliteStore).db;
}

const HOUR = 3_600_000;
const DAY = 86_400_000;

/** How a synthetic monitor behaves. */
export interface Profile {
  /** Typical latency in ms. */
  latencyMs: number;
  /** Share of failed checks, 0-1. */
  failRate: number;
}

/** A small deterministic PRNG (mulberry32), so seeded pictures are the same every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Writes `days` of hourly and daily rollups ending before the current hour. */
export function seedRollups(
  db: Db,
  monitorId: number,
  opts: { now: number; days: number; intervalS: number; profile: Profile; random: () => number },
): void {
  const insert = stmt(
    db,
    `INSERT OR REPLACE INTO rollups (monitor_id, period, bucket_start, count, up_count,
       latency_min, latency_max, latency_sum, latency_p95) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const { now, days, profile, random } = opts;
  const perHour = Math.max(1, Math.round(3600 / opts.intervalS));
  const firstHour = Math.floor((now - days * DAY) / HOUR) * HOUR;
  const currentHour = Math.floor(now / HOUR) * HOUR;
  const daily = new Map<number, { c: number; u: number; min: number; max: number; sum: number }>();
  transaction(db, () => {
    for (let t = firstHour; t < currentHour; t += HOUR) {
      // A slow daily wave plus noise, so charts look like real traffic.
      const wave = 1 + 0.25 * Math.sin((2 * Math.PI * (t % DAY)) / DAY);
      const avg = profile.latencyMs * wave * (0.85 + random() * 0.3);
      const fails = random() < profile.failRate * 4 ? Math.ceil(random() * perHour * 0.3) : 0;
      const up = perHour - fails;
      const min = avg * 0.6, max = avg * (1.6 + random());
      insert.run(monitorId, "hour", t, perHour, up, min, max, avg * up, avg * 1.4);
      const d = Math.floor(t / DAY) * DAY;
      const agg = daily.get(d) ?? { c: 0, u: 0, min: Infinity, max: 0, sum: 0 };
      agg.c += perHour;
      agg.u += up;
      agg.min = Math.min(agg.min, min);
      agg.max = Math.max(agg.max, max);
      agg.sum += avg * up;
      daily.set(d, agg);
    }
    for (const [d, a] of daily) {
      insert.run(monitorId, "day", d, a.c, a.u, a.min, a.max, a.sum, (a.sum / a.u) * 1.4);
    }
  });
}

/**
 * Writes the newest `n` raw checks ending at `now`; the last `downTail` of them fail. Also sets
 * the state row to match the last check.
 */
export function seedChecks(
  db: Db,
  monitorId: number,
  opts: {
    now: number;
    n: number;
    intervalS: number;
    profile: Profile;
    random: () => number;
    downTail?: number;
  },
): void {
  const insert = stmt(
    db,
    `INSERT INTO checks (monitor_id, checked_at, ok, latency_ms, http_status, error_kind,
       error_message) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
  );
  const { now, n, profile, random } = opts;
  const downTail = opts.downTail ?? 0;
  let lastId = 0, lastAt = 0, failures = 0;
  transaction(db, () => {
    for (let i = n - 1; i >= 0; i--) {
      const at = now - i * opts.intervalS * 1000 - Math.floor(random() * 900);
      const failing = i < downTail || random() < profile.failRate;
      const latency = profile.latencyMs * (0.7 + random() * 0.8);
      const row = (failing
        ? insert.get(
          monitorId,
          at,
          0,
          10_000,
          null,
          "timeout",
          "The operation was aborted due to timeout",
        )
        : insert.get(monitorId, at, 1, latency, 200, null, null)) as { id: number };
      lastId = row.id;
      lastAt = at;
      failures = failing ? failures + 1 : 0;
    }
    saveState(db, {
      monitorId,
      state: failures > 0 ? "down" : "up",
      consecutiveFailures: failures,
      openIncidentId: null,
      lastCheckId: lastId || null,
      lastCheckedAt: lastAt || null,
      failingSince: failures > 0 ? now - failures * opts.intervalS * 1000 : null,
      changedAt: now - (failures > 0 ? failures : n) * opts.intervalS * 1000,
      slowChecks: 0,
      degradedIncidentId: null,
    });
  });
}
