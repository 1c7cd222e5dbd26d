/**
 * The connection pool of the PostgreSQL engine and what every repository module shares: the
 * query handle type (the pool, or one transaction's connection) and how SQLite's `COLLATE NOCASE`
 * is spelled here.
 *
 * The schema is chosen by the URL alone, as `DATABASE_URL` is all the service is configured with:
 * npm:postgres sends every query parameter it does not know as a startup parameter of each
 * connection, so `postgres://u:pw@host/db?search_path=shc` puts every connection in schema `shc`
 * (`?options=-c%20search_path%3Dshc`, libpq's spelling, works as well). Without one, the server's
 * default applies (normally `public`). Unqualified names in our SQL then resolve to that schema.
 */
import postgres from "postgres";
import { log } from "../../log.ts";

/**
 * BIGINT (ids, epoch ms) and COUNT come back as numbers, not strings: every value we store stays
 * far below 2^53.
 */
const TYPES = {
  int8: {
    to: 20,
    from: [20],
    serialize: (x: number) => String(x),
    parse: (x: string) => Number(x),
  },
};

/** The pool. */
export type Sql = postgres.Sql<{ int8: number }>;
/** Where a statement runs: the pool (autocommit) or the connection of one transaction. */
export type Q = Sql | postgres.TransactionSql<{ int8: number }>;
/** A result row, before it is mapped to a record. */
export type Row = Record<string, unknown>;

/** Options for {@link connect}. */
export interface PoolOptions {
  /** Connections kept at most (default 10). */
  max?: number;
  /** Seconds to wait for a connection to be established (default 5). */
  connectTimeoutS?: number;
  /**
   * Never close a connection for being idle or old (the pool's defaults recycle them), for a
   * connection whose session state matters: the instance lock's.
   */
  keepOpen?: boolean;
}

/**
 * npm:postgres 3.4.9 writes a queued chunk from a `setImmediate` after its socket was already
 * dropped when the server closes a connection mid-write (porsager/postgres #1154, #1208): a
 * TypeError no caller can catch, which would end the process. The connection is gone either way,
 * and its queries fail and are retried as for any lost connection, so exactly this error is
 * logged and not let through; every other uncaught error still ends the process.
 */
export function isLostSocketWrite(err: unknown): boolean {
  return err instanceof TypeError && /reading 'write'/.test(err.message) &&
    /postgres\/src\/connection\.js/.test(err.stack ?? "");
}

let guarded = false;

function guardLostSocketWrites(): void {
  if (guarded) return;
  guarded = true;
  globalThis.addEventListener("error", (e) => {
    if (!isLostSocketWrite(e.error)) return;
    e.preventDefault();
    log.warn("postgres.lost_socket_write", { error: e.error.message });
  });
}

/** A pool for `url`; no connection is made before the first query. */
export function connect(url: string, opts: PoolOptions = {}): Sql {
  guardLostSocketWrites();
  return postgres(url, {
    max: opts.max ?? 10,
    idle_timeout: opts.keepOpen ? 0 : 20,
    ...(opts.keepOpen ? { max_lifetime: 0 } : {}),
    connect_timeout: opts.connectTimeoutS ?? 5,
    // Reconnecting after a lost connection: soon, the next query needs it.
    backoff: () => 0.2,
    onnotice: () => {},
    types: TYPES,
    // Startup parameters; the URL's query parameters override them. JIT compilation costs more
    // than it saves on short OLTP statements (20 ms of a 60 ms dashboard query, measured).
    connection: { application_name: "server-health-checker", jit: "off" },
  });
}

/*
 * SQLite's `COLLATE NOCASE` (user names, alert targets) folds ASCII letters only and then compares
 * bytes. `lower(x COLLATE "C")` does exactly that whatever the database's locale, and its result
 * sorts bytewise; the SQL spells it out, and the unique indexes use the same expression so that
 * lookups and `ON CONFLICT` can use them.
 */
