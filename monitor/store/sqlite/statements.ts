/** Prepared-statement cache: each SQL text is prepared once per database handle. */
import type { DatabaseSync, StatementSync } from "node:sqlite";

const cache = new WeakMap<DatabaseSync, Map<string, StatementSync>>();

/** Returns the prepared statement for `sql` on `db`, preparing it on first use. */
export function stmt(db: DatabaseSync, sql: string): StatementSync {
  let byText = cache.get(db);
  if (!byText) cache.set(db, byText = new Map());
  let s = byText.get(sql);
  if (!s) byText.set(sql, s = db.prepare(sql));
  return s;
}

/**
 * Lets timers and I/O run between batches of a long synchronous job: node:sqlite blocks the
 * one thread, so a long prune must not hold probes and HTTP for its whole duration.
 */
export const yieldToEventLoop = (): Promise<void> => new Promise((r) => setTimeout(r, 0));
