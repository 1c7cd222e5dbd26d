/** Read-only queries behind the dashboard: heartbeat strips, change detection, short charts. */
import type { Check } from "../types.ts";
import type { Db } from "./db.ts";
import { toCheck } from "./checks.ts";
import { stmt } from "./statements.ts";

type Row = Record<string, unknown>;

/**
 * The newest `n` checks of every monitor (or of `ids` only), oldest first per monitor.
 *
 * Driven by the monitors table with a correlated `IN (… LIMIT n)` subquery, so each monitor costs
 * one descending walk of `checks_monitor_time`; a GROUP BY or window function over `checks` would
 * scan the whole history (platform-facts §4).
 */
export function recentChecksByMonitor(db: Db, n: number, ids?: number[]): Map<number, Check[]> {
  const sql = `SELECT c.* FROM monitors m JOIN checks c ON c.id IN (
      SELECT id FROM checks WHERE monitor_id = m.id ORDER BY checked_at DESC, id DESC LIMIT :n)
    ${ids ? "WHERE m.id IN (SELECT value FROM json_each(:ids))" : ""}
    ORDER BY c.monitor_id, c.checked_at, c.id`;
  const params: Record<string, number | string> = ids ? { n, ids: JSON.stringify(ids) } : { n };
  const out = new Map<number, Check[]>();
  for (const r of stmt(db, sql).all(params) as Row[]) {
    const check = toCheck(r);
    let list = out.get(check.monitorId);
    if (!list) out.set(check.monitorId, list = []);
    list.push(check);
  }
  return out;
}

/** What the overview's change detection compares. */
export interface OverviewStamp {
  /** Highest check id recorded so far (ids only grow while monitors exist). */
  maxCheckId: number;
  monitorCount: number;
  /** Latest monitor edit; any create, edit, pause or resume moves it. */
  maxUpdatedAt: number;
}

/** The overview's change stamp: two index lookups and a count over the monitors table. */
export function overviewStamp(db: Db): OverviewStamp {
  const r = stmt(
    db,
    `SELECT (SELECT coalesce(max(id), 0) FROM checks) AS c, count(*) AS n,
       coalesce(max(updated_at), 0) AS u FROM monitors`,
  ).get() as Row;
  return { maxCheckId: r.c as number, monitorCount: r.n as number, maxUpdatedAt: r.u as number };
}

/**
 * Monitors whose latest check is newer than check id `since`. Reads monitor_state (one row per
 * monitor) rather than `checks`, whose id range would need a scan of the monitor-time index.
 */
export function monitorsCheckedAfter(db: Db, since: number): number[] {
  return (stmt(db, "SELECT monitor_id FROM monitor_state WHERE last_check_id > ?").all(
    since,
  ) as Row[]).map((r) => r.monitor_id as number);
}

/** A monitor's checks since `from` (epoch ms), oldest first, at most `limit`. */
export function checksSince(db: Db, monitorId: number, from: number, limit: number): Check[] {
  return (stmt(
    db,
    `SELECT * FROM (SELECT * FROM checks WHERE monitor_id = ? AND checked_at >= ?
       ORDER BY checked_at DESC, id DESC LIMIT ?) ORDER BY checked_at, id`,
  ).all(monitorId, from, limit) as Row[]).map(toCheck);
}

/**
 * A monitor page's change stamp: its own and its internal apps' latest check ids and edit times,
 * so the page refreshes when anything it shows has changed.
 */
export function detailStamp(db: Db, monitorId: number): string {
  const r = stmt(
    db,
    `SELECT coalesce(max(s.last_check_id), 0) AS c, coalesce(max(m.updated_at), 0) AS u,
       count(*) AS n
     FROM monitors m LEFT JOIN monitor_state s ON s.monitor_id = m.id
     WHERE m.id = :id OR m.parent_id = :id`,
  ).get({ id: monitorId }) as Row;
  return `${r.c}-${r.u}-${r.n}`;
}
