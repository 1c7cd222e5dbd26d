/** Opens the configured store: PostgreSQL when DATABASE_URL is set, else the SQLite file. */
import type { Store } from "./store.ts";
import { openSqliteStore } from "./sqlite/store.ts";
import { SERVICE_BUSY_TIMEOUT_MS } from "./sqlite/db.ts";
import { openPostgresStore } from "./postgres/store.ts";

/** Where the data lives. */
export interface StoreLocation {
  databasePath: string;
  databaseUrl: string | null;
}

/** Options for {@link openStore}. */
export interface OpenStoreOptions {
  /** The long-running service keeps SQLite's blocking lock wait short (see SERVICE_BUSY_TIMEOUT_MS). */
  service?: boolean;
}

/** Opens and migrates the store `where` points at. */
export async function openStore(where: StoreLocation, opts: OpenStoreOptions = {}): Promise<Store> {
  if (where.databaseUrl !== null) return await openPostgresStore(where.databaseUrl);
  return openSqliteStore(where.databasePath, {
    busyTimeoutMs: opts.service ? SERVICE_BUSY_TIMEOUT_MS : undefined,
  });
}
