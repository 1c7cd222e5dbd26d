/** Housekeeping jobs run by Deno.cron: retention pruning and rollup percentiles. */
import { checkpoint, type Db } from "./store/sqlite/db.ts";
import { pruneChecks } from "./store/sqlite/checks.ts";
import { finalizePercentiles, pruneRollups } from "./store/sqlite/rollups.ts";
import { pruneAlerts } from "./alerts/outbox.ts";
import { log } from "./log.ts";

const DAY = 86_400_000;
/** Rollups are kept for a year so long-range uptime never needs raw checks. */
export const ROLLUP_RETENTION_DAYS = 366;

/** Deletes raw checks older than `retentionDays` and rollups older than a year. */
export async function pruneHistory(
  db: Db,
  retentionDays: number,
  now = Date.now(),
): Promise<{ checks: number; rollups: number; alerts: number }> {
  const checks = await pruneChecks(db, now - retentionDays * DAY);
  const rollups = pruneRollups(db, now - ROLLUP_RETENTION_DAYS * DAY);
  // Delivered alert records are small; keep them as long as the rollups for the audit trail.
  const alerts = pruneAlerts(db, now - ROLLUP_RETENTION_DAYS * DAY);
  // Hand freed pages back to the WAL's checkpoint so the file does not grow without bound.
  checkpoint(db);
  log.info("maintenance.pruned", { checks, rollups, alerts, retentionDays });
  return { checks, rollups, alerts };
}

/** Computes p95 for hour and day buckets that closed recently. */
export async function finalizeRollups(db: Db, now = Date.now()): Promise<number> {
  return await finalizePercentiles(db, "hour", now - 2 * DAY, now) +
    await finalizePercentiles(db, "day", now - 3 * DAY, now);
}
