/** Read-only queries behind the dashboard: heartbeat strips, change detection, short charts. */
import type { Check } from "../../types.ts";
import type { Q, Row } from "./db.ts";
import { toCheck } from "../rows.ts";
import {
  type OverviewStamp,
  statusDigest,
  type StatusSummary,
  type UptimeWindows,
} from "../records.ts";

/**
 * The newest `n` checks of every monitor (or of `ids` only), oldest first per monitor, as the
 * SQLite engine returns them. One statement: driven by the monitors table, a LATERAL subquery
 * walks `checks_monitor_time` backwards per monitor and stops after `n` rows.
 */
export async function recentChecksByMonitor(
  q: Q,
  n: number,
  ids?: number[],
): Promise<Map<number, Check[]>> {
  const rows = await q`SELECT c.* FROM monitors m CROSS JOIN LATERAL (
      SELECT * FROM checks WHERE monitor_id = m.id
      ORDER BY checked_at DESC, id DESC LIMIT ${n}) c
    ${ids ? q`WHERE m.id = ANY(${q.array(ids)}::bigint[])` : q``}
    ORDER BY c.monitor_id, c.checked_at, c.id`;
  const out = new Map<number, Check[]>();
  for (const r of rows) {
    const check = toCheck(r);
    let list = out.get(check.monitorId);
    if (!list) out.set(check.monitorId, list = []);
    list.push(check);
  }
  return out;
}

/**
 * The heartbeat strip of every monitor (or of `ids`), as the SQLite engine returns it: one
 * letter per newest check, oldest first ("u" up, "s" slow, "d" failed).
 */
export async function recentBeats(
  q: Q,
  n: number,
  ids?: number[],
): Promise<Map<number, string>> {
  const rows = await q`SELECT m.id, b.beats FROM monitors m CROSS JOIN LATERAL (
      SELECT string_agg(k, '' ORDER BY t, i) AS beats FROM (
        SELECT CASE WHEN c.maintenance THEN 'm' WHEN NOT c.ok THEN 'd'
            WHEN m.degraded_ms IS NOT NULL AND c.latency_ms > m.degraded_ms THEN 's'
            ELSE 'u' END AS k, c.checked_at AS t, c.id AS i
        FROM checks c WHERE c.monitor_id = m.id
        ORDER BY c.checked_at DESC, c.id DESC LIMIT ${n}) x) b
    ${ids ? q`WHERE m.id = ANY(${q.array(ids)}::bigint[])` : q``}`;
  const out = new Map<number, string>();
  for (const r of rows) if (typeof r.beats === "string") out.set(r.id as number, r.beats);
  return out;
}

/** The overview's change stamp: two index lookups and a count over the monitors table. */
export async function overviewStamp(q: Q): Promise<OverviewStamp> {
  const [r] = await q`SELECT (SELECT coalesce(max(id), 0) FROM checks) AS c, count(*) AS n,
      coalesce(max(updated_at), 0) AS u FROM monitors`;
  return { maxCheckId: r.c as number, monitorCount: r.n as number, maxUpdatedAt: r.u as number };
}

/** Monitors (ascending ids) whose latest check is newer than check id `since`. */
export async function monitorsCheckedAfter(q: Q, since: number): Promise<number[]> {
  const rows = await q`SELECT monitor_id FROM monitor_state WHERE last_check_id > ${since}
    ORDER BY monitor_id`;
  return rows.map((r) => r.monitor_id as number);
}

/** A monitor's checks since `from` (epoch ms), oldest first, at most `limit` (the newest). */
export async function checksSince(
  q: Q,
  monitorId: number,
  from: number,
  limit: number,
): Promise<Check[]> {
  const rows = await q`SELECT * FROM (SELECT * FROM checks WHERE monitor_id = ${monitorId}
      AND checked_at >= ${from} ORDER BY checked_at DESC, id DESC LIMIT ${limit}) c
    ORDER BY checked_at, id`;
  return rows.map(toCheck);
}

/**
 * A monitor page's change stamp: its own and its internal apps' latest check ids and edit times,
 * so the page refreshes when anything it shows has changed.
 */
export async function detailStamp(q: Q, monitorId: number): Promise<string> {
  const [r] = await q`SELECT coalesce(max(s.last_check_id), 0) AS c,
      coalesce(max(m.updated_at), 0) AS u, count(*) AS n
    FROM monitors m LEFT JOIN monitor_state s ON s.monitor_id = m.id
    WHERE m.id = ${monitorId} OR m.parent_id = ${monitorId}`;
  return `${r.c}-${r.u}-${r.n}`;
}

const HOUR = 3_600_000;
const DAY = 86_400_000;

/**
 * Uptime over 24 h (hour rollups) and 7 d / 30 d (day rollups) for every monitor, or for `ids`,
 * with the same bucket-aligned windows as the SQLite engine. One statement: per monitor, one
 * primary-key range of `rollups` for the hours and one for the days (7 d as a FILTER of 30 d).
 */
export async function uptimeWindows(
  q: Q,
  now: number,
  ids?: number[],
): Promise<Map<number, UptimeWindows>> {
  const floor = (t: number, p: number) => Math.floor(t / p) * p;
  const h24 = floor(now - 23 * HOUR, HOUR);
  const d7 = floor(now - 6 * DAY, DAY);
  const d30 = floor(now - 29 * DAY, DAY);
  const rows = await q`SELECT m.id, h.c AS h_c, h.u AS h_u, d.c7, d.u7, d.c30, d.u30
    FROM monitors m
    CROSS JOIN LATERAL (SELECT sum(count)::bigint AS c, sum(up_count)::bigint AS u FROM rollups r
      WHERE r.monitor_id = m.id AND r.period = 'hour' AND r.bucket_start >= ${h24}) h
    CROSS JOIN LATERAL (SELECT
        sum(count) FILTER (WHERE r.bucket_start >= ${d7})::bigint AS c7,
        sum(up_count) FILTER (WHERE r.bucket_start >= ${d7})::bigint AS u7,
        sum(count)::bigint AS c30, sum(up_count)::bigint AS u30 FROM rollups r
      WHERE r.monitor_id = m.id AND r.period = 'day' AND r.bucket_start >= ${d30}) d
    ${ids ? q`WHERE m.id = ANY(${q.array(ids)}::bigint[])` : q``}
    ORDER BY m.id`;
  const pct = (count: unknown, up: unknown): number | null =>
    typeof count === "number" && count > 0 ? (100 * (up as number)) / count : null;
  const out = new Map<number, UptimeWindows>();
  for (const r of rows) {
    out.set(r.id as number, {
      h24: pct(r.h_c, r.h_u),
      d7: pct(r.c7, r.u7),
      d30: pct(r.c30, r.u30),
    });
  }
  return out;
}

/** Monitor counts by displayed status (paused = inactive; no state row yet = pending). */
export async function statusCounts(q: Q): Promise<StatusSummary["counts"]> {
  return (await statusSummary(q)).counts;
}

/** Counts by displayed status and the digest of who has which (see `StatusSummary`). */
export async function statusSummary(q: Q): Promise<StatusSummary> {
  const counts = { up: 0, degraded: 0, down: 0, pending: 0, paused: 0 };
  const sums: Record<string, number> = {};
  const rows = await q`SELECT
      CASE WHEN NOT m.active THEN 'paused'
        WHEN s.state = 'up' AND s.degraded_incident_id IS NOT NULL THEN 'degraded'
        ELSE coalesce(s.state, 'pending') END AS status,
      count(*) AS n, sum(((m.id % 65521) * 40503) % 65521)::bigint AS h
    FROM monitors m LEFT JOIN monitor_state s ON s.monitor_id = m.id GROUP BY 1`;
  for (const r of rows as Row[]) {
    counts[r.status as keyof typeof counts] = r.n as number;
    sums[r.status as string] = r.h as number;
  }
  return { counts, digest: statusDigest(sums) };
}
