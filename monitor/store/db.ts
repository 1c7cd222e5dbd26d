/** Opening the SQLite database: pragmas, migrations and a transaction helper. */
import { DatabaseSync } from "node:sqlite";
import { dirname } from "node:path";
import { migrate } from "./migrations.ts";

/** The database handle every store function takes. */
export type Db = DatabaseSync;

/**
 * Opens (creating when missing) the database at `path`, applies pragmas and pending migrations.
 * `":memory:"` is accepted for tests.
 */
export function openDb(path: string): Db {
  if (path !== ":memory:") Deno.mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path);
  // A second process (the CLI) may hold the write lock briefly; wait instead of failing.
  // Set first: switching a new file to WAL and migrating it also need that lock.
  db.exec("PRAGMA busy_timeout = 5000");
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = NORMAL");
  db.exec("PRAGMA foreign_keys = ON");
  migrate(db);
  return db;
}

/**
 * Runs `fn` inside one write transaction: everything it writes lands together or not at all.
 * Nested calls join the outer transaction.
 */
export function transaction<T>(db: Db, fn: () => T): T {
  if (db.isTransaction) return fn();
  db.exec("BEGIN IMMEDIATE");
  try {
    const result = fn();
    db.exec("COMMIT");
    return result;
  } catch (err) {
    db.exec("ROLLBACK");
    throw err;
  }
}
