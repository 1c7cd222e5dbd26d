/** Housekeeping jobs run by Deno.cron: retention pruning and rollup percentiles. */
import type { Store } from "./store/store.ts";
import { log } from "./log.ts";

const DAY = 86_400_000;
/** Rollups are kept for a year so long-range uptime never needs raw checks. */
export const ROLLUP_RETENTION_DAYS = 366;

/** Deletes raw checks older than `retentionDays` and rollups older than a year. */
export async function pruneHistory(
  store: Store,
  retentionDays: number,
  now = Date.now(),
): Promise<{ checks: number; rollups: number; alerts: number }> {
  const checks = await store.checks.prune(now - retentionDays * DAY);
  const rollups = await store.rollups.prune(now - ROLLUP_RETENTION_DAYS * DAY);
  // Delivered alert records are small; keep them as long as the rollups for the audit trail.
  const alerts = await store.outbox.prune(now - ROLLUP_RETENTION_DAYS * DAY);
  // Hand freed pages back (SQLite's WAL checkpoint) so the file does not grow without bound.
  await store.compact();
  log.info("maintenance.pruned", { checks, rollups, alerts, retentionDays });
  return { checks, rollups, alerts };
}

/** Computes p95 for hour and day buckets that closed recently. */
export async function finalizeRollups(store: Store, now = Date.now()): Promise<number> {
  return await store.rollups.finalizePercentiles("hour", now - 2 * DAY, now) +
    await store.rollups.finalizePercentiles("day", now - 3 * DAY, now);
}
