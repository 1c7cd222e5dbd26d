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
  /**
   * Opened by the long-running service, not a CLI command: SQLite keeps its blocking lock wait
   * short (see SERVICE_BUSY_TIMEOUT_MS); PostgreSQL takes the instance lock and waits a little
   * for a server that is still starting.
   */
  service?: boolean;
}

/** Opens and migrates the store `where` points at. */
export async function openStore(where: StoreLocation, opts: OpenStoreOptions = {}): Promise<Store> {
  if (where.databaseUrl !== null) {
    // The service may start beside its database server (compose, systemd): wait a little.
    return await openPostgresStore(where.databaseUrl, {
      instanceLock: opts.service,
      connectRetryMs: opts.service ? 10_000 : 0,
    });
  }
  return openSqliteStore(where.databasePath, {
    busyTimeoutMs: opts.service ? SERVICE_BUSY_TIMEOUT_MS : undefined,
  });
}
