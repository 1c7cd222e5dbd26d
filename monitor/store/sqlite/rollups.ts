/** Hourly and daily aggregates of checks: uptime and charts read these, never raw checks. */
import type { Db } from "./db.ts";
import { okLatencies } from "./checks.ts";
import { stmt, yieldToEventLoop } from "./statements.ts";
import {
  bucketStart,
  percentile,
  type Period,
  PERIOD_MS,
  type Rollup,
  type UptimeCounts,
} from "../records.ts";
import { toRollup } from "../rows.ts";

type Row = Record<string, unknown>;

/** Adds one check to its hour and day buckets. */
export function addToRollups(
  db: Db,
  monitorId: number,
  checkedAt: number,
  ok: boolean,
  latencyMs: number,
): void {
  const upsert = stmt(
    db,
    `INSERT INTO rollups (monitor_id, period, bucket_start, count, up_count, latency_min,
       latency_max, latency_sum, latency_p95)
     VALUES (:m, :p, :b, 1, :up, :lat, :lat, coalesce(:lat, 0), NULL)
     ON CONFLICT (monitor_id, period, bucket_start) DO UPDATE SET
       count = count + 1,
       up_count = up_count + excluded.up_count,
       latency_min = min(coalesce(latency_min, excluded.latency_min),
                         coalesce(excluded.latency_min, latency_min)),
       latency_max = max(coalesce(latency_max, excluded.latency_max),
                         coalesce(excluded.latency_max, latency_max)),
       latency_sum = latency_sum + excluded.latency_sum`,
  );
  const lat = ok ? latencyMs : null;
  for (const p of ["hour", "day"] as const) {
    upsert.run({ m: monitorId, p, b: bucketStart(p, checkedAt), up: ok ? 1 : 0, lat });
  }
}

/**
 * Fills in the p95 of closed buckets that lack it, computed once from raw checks (which are
 * still within retention). Only buckets that ended in [since, now) are considered.
 */
export async function finalizePercentiles(
  db: Db,
  period: Period,
  since: number,
  now: number,
): Promise<number> {
  const open = stmt(
    db,
    `SELECT monitor_id, bucket_start FROM rollups WHERE period = ? AND bucket_start >= ?
     AND bucket_start <= ? AND latency_p95 IS NULL AND up_count > 0`,
  ).all(period, since - PERIOD_MS[period], now - PERIOD_MS[period]) as Row[];
  const set = stmt(
    db,
    "UPDATE rollups SET latency_p95 = ? WHERE monitor_id = ? AND period = ? AND bucket_start = ?",
  );
  for (const [i, r] of open.entries()) {
    if (i > 0 && i % 100 === 0) await yieldToEventLoop();
    const from = r.bucket_start as number;
    const values = okLatencies(db, r.monitor_id as number, from, from + PERIOD_MS[period]);
    set.run(percentile(values, 95), r.monitor_id as number, period, from);
  }
  return open.length;
}

/** A monitor's buckets from `from` on, oldest first (chart data). */
export function rollupSeries(db: Db, monitorId: number, period: Period, from: number): Rollup[] {
  return (stmt(
    db,
    `SELECT * FROM rollups WHERE monitor_id = ? AND period = ? AND bucket_start >= ?
     ORDER BY bucket_start`,
  ).all(monitorId, period, bucketStart(period, from)) as Row[]).map(toRollup);
}

/** Uptime counts for one monitor since `from`. */
export function monitorUptime(
  db: Db,
  monitorId: number,
  period: Period,
  from: number,
): UptimeCounts {
  const r = stmt(
    db,
    `SELECT coalesce(sum(count), 0) AS c, coalesce(sum(up_count), 0) AS u FROM rollups
     WHERE monitor_id = ? AND period = ? AND bucket_start >= ?`,
  ).get(monitorId, period, bucketStart(period, from)) as Row;
  return { count: r.c as number, upCount: r.u as number };
}

/** Deletes buckets that started before `before`. */
export function pruneRollups(db: Db, before: number): number {
  return Number(stmt(db, "DELETE FROM rollups WHERE bucket_start < ?").run(before).changes);
}
