/** Hourly and daily aggregates of checks: uptime and charts read these, never raw checks. */
import type { Q } from "./db.ts";
import { bucketStart, type Period, PERIOD_MS, type Rollup, type UptimeCounts } from "../records.ts";
import { toRollup } from "../rows.ts";

/**
 * Adds one check to its hour and day buckets, in one statement. Latency figures cover successful
 * checks only: a failed check adds a NULL latency, which `least`/`greatest` ignore.
 */
export async function addToRollups(
  q: Q,
  monitorId: number,
  checkedAt: number,
  ok: boolean,
  latencyMs: number,
): Promise<void> {
  const lat = ok ? latencyMs : null;
  const up = ok ? 1 : 0;
  await q`INSERT INTO rollups AS r (monitor_id, period, bucket_start, count, up_count,
      latency_min, latency_max, latency_sum, latency_p95)
    VALUES
      (${monitorId}, 'hour', ${bucketStart("hour", checkedAt)}, 1, ${up},
        ${lat}::float8, ${lat}::float8, coalesce(${lat}::float8, 0), NULL),
      (${monitorId}, 'day', ${bucketStart("day", checkedAt)}, 1, ${up},
        ${lat}::float8, ${lat}::float8, coalesce(${lat}::float8, 0), NULL)
    ON CONFLICT (monitor_id, period, bucket_start) DO UPDATE SET
      count = r.count + 1,
      up_count = r.up_count + excluded.up_count,
      latency_min = least(r.latency_min, excluded.latency_min),
      latency_max = greatest(r.latency_max, excluded.latency_max),
      latency_sum = r.latency_sum + excluded.latency_sum`;
}

/**
 * Fills in the p95 (nearest rank, as `percentile()`: `percentile_disc` takes the value at rank
 * ceil(0.95 n)) of closed buckets that lack it, computed once from raw checks, which are still
 * within retention. Only buckets that ended in [since, now] are considered; one statement.
 */
export async function finalizePercentiles(
  q: Q,
  period: Period,
  since: number,
  now: number,
): Promise<number> {
  const len = PERIOD_MS[period];
  const result = await q`UPDATE rollups r SET latency_p95 = (
      SELECT percentile_disc(0.95::float8) WITHIN GROUP (ORDER BY c.latency_ms) FROM checks c
      WHERE c.monitor_id = r.monitor_id AND c.checked_at >= r.bucket_start
        AND c.checked_at < r.bucket_start + ${len}::bigint AND c.ok AND NOT c.maintenance)
    WHERE r.period = ${period} AND r.bucket_start >= ${since - len}
      AND r.bucket_start <= ${now - len} AND r.latency_p95 IS NULL AND r.up_count > 0`;
  return result.count;
}

/** A monitor's buckets from `from` on, oldest first (chart data). */
export async function rollupSeries(
  q: Q,
  monitorId: number,
  period: Period,
  from: number,
): Promise<Rollup[]> {
  const rows = await q`SELECT * FROM rollups WHERE monitor_id = ${monitorId}
    AND period = ${period} AND bucket_start >= ${bucketStart(period, from)}
    ORDER BY bucket_start`;
  return rows.map(toRollup);
}

/** Uptime counts for one monitor since `from`. */
export async function monitorUptime(
  q: Q,
  monitorId: number,
  period: Period,
  from: number,
): Promise<UptimeCounts> {
  const [r] = await q`SELECT coalesce(sum(count), 0)::bigint AS c,
      coalesce(sum(up_count), 0)::bigint AS u
    FROM rollups WHERE monitor_id = ${monitorId} AND period = ${period}
      AND bucket_start >= ${bucketStart(period, from)}`;
  return { count: r.c as number, upCount: r.u as number };
}

/** Deletes buckets that started before `before`. */
export async function pruneRollups(q: Q, before: number): Promise<number> {
  return (await q`DELETE FROM rollups WHERE bucket_start < ${before}`).count;
}
