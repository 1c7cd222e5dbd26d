/** Opening the SQLite database: pragmas, migrations and the transaction helpers. */
import { DatabaseSync } from "node:sqlite";
import { dirname } from "node:path";
import { migrate } from "./migrations.ts";
import { StorageError, storageHealth } from "../health.ts";

/** The database handle every store function takes. */
export type Db = DatabaseSync;

/** Options for {@link openDb}. */
export interface OpenOptions {
  /**
   * How long one statement may wait for another process's write lock, in ms. node:sqlite is
   * synchronous, so this wait freezes the whole event loop: the service keeps it short and
   * retries asynchronously instead (see `transaction()` in ./store.ts); the CLI can afford to wait.
   */
  busyTimeoutMs?: number;
}

/** The wait the long-running service allows a statement; longer waits are async retries. */
export const SERVICE_BUSY_TIMEOUT_MS = 25;

/** How long opening waits, in total, for other processes preparing or migrating the same file. */
const OPEN_RETRY_MS = 15_000;
/** The busy handler's share of each open attempt; the rest of the wait is retries. */
const OPEN_BUSY_TIMEOUT_MS = 200;

/**
 * Opens (creating when missing) the database at `path`, applies pragmas and pending migrations.
 * `":memory:"` is accepted for tests.
 *
 * Several processes may create or migrate the same new file at once (the service and a CLI task,
 * or parallel CLI runs). SQLite's busy handler does not cover every case: a connection that would
 * deadlock (two readers both upgrading, as switching to WAL does) gets SQLITE_BUSY at once. So a
 * busy open is retried from the start, for up to {@link OPEN_RETRY_MS}.
 */
export function openDb(path: string, opts: OpenOptions = {}): Db {
  if (path !== ":memory:") Deno.mkdirSync(dirname(path), { recursive: true });
  const giveUpAt = Date.now() + OPEN_RETRY_MS;
  for (let wait = 20;; wait = Math.min(wait * 2, 500)) {
    const db = new DatabaseSync(path);
    try {
      db.exec(`PRAGMA busy_timeout = ${OPEN_BUSY_TIMEOUT_MS}`);
      db.exec("PRAGMA journal_mode = WAL");
      db.exec("PRAGMA synchronous = NORMAL");
      db.exec("PRAGMA foreign_keys = ON");
      migrate(db);
      db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.round(opts.busyTimeoutMs ?? 5000))}`);
      return db;
    } catch (err) {
      db.close();
      if (!isBusy(err) || Date.now() + wait > giveUpAt) throw err;
    }
    // Opening is start-up work with nothing else to serve yet, so a blocking pause is fine.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, wait);
  }
}

/** Whether `err`, or the error it wraps, is SQLite's "database is locked". */
function isBusy(err: unknown): boolean {
  for (let e = err; e instanceof Error; e = e.cause) {
    if (StorageError.from(e)?.kind === "busy") return true;
  }
  return false;
}

/**
 * Starts a write transaction. Failures are thrown as {@link StorageError} when they come from the
 * storage (disk full, locked, I/O), so callers can tell them from bugs.
 */
export function begin(db: Db): void {
  try {
    db.exec("BEGIN IMMEDIATE");
  } catch (err) {
    throw failed(db, err);
  }
}

/** Commits the transaction {@link begin} started; the storage counts as healthy again. */
export function commit(db: Db): void {
  db.exec("COMMIT");
  storageHealth(db).succeeded();
}

/**
 * Ends a transaction that failed with `err` and returns what to throw: the storage error (counted
 * in the handle's health), or `err` itself.
 */
export function rollback(db: Db, err: unknown): unknown {
  // SQLite rolls back by itself on SQLITE_FULL and some I/O errors; a second ROLLBACK would
  // throw "no transaction is active" and hide the real cause.
  if (db.isTransaction) {
    try {
      db.exec("ROLLBACK");
    } catch { /* the original error is the one worth reporting */ }
  }
  return failed(db, err);
}

function failed(db: Db, err: unknown): unknown {
  const storage = StorageError.from(err);
  if (storage) storageHealth(db).failed(storage);
  return storage ?? err;
}

/**
 * Runs `fn` inside one write transaction: everything it writes lands together or not at all.
 * Nested calls join the outer transaction. For synchronous bulk work (seeding benchmarks); the
 * service writes through the store's async `transaction()`.
 */
export function transaction<T>(db: Db, fn: () => T): T {
  if (db.isTransaction) return fn();
  begin(db);
  try {
    const result = fn();
    commit(db);
    return result;
  } catch (err) {
    throw rollback(db, err);
  }
}

/** Copies committed WAL pages into the database file without waiting for readers. */
export function checkpoint(db: Db): void {
  db.exec("PRAGMA wal_checkpoint(PASSIVE)");
}
