/**
 * Helpers for core-service tests: bounded polling, temp directories, a test config and monitor
 * fixtures. Nothing here waits without a deadline.
 */
import postgres from "postgres";
import { type Config, loadConfig } from "../../monitor/config.ts";
import type { Monitor, MonitorState } from "../../monitor/types.ts";
import { initialState } from "../../monitor/store/records.ts";
import { validateMonitor } from "../../monitor/validate.ts";
import type { Store } from "../../monitor/store/store.ts";
import type { SqliteStore } from "../../monitor/store/sqlite/store.ts";
import type { Db } from "../../monitor/store/sqlite/db.ts";

/** The repository root (where deno.json lives), wherever the checkout is. */
export const REPO_ROOT = new URL("../../", import.meta.url);

/**
 * Polls `condition` every `intervalMs` until it holds, or throws after `timeoutMs` with
 * `message` (and the last value of `describe()` when given).
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  opts: { timeoutMs?: number; intervalMs?: number; message?: string; describe?: () => string } = {},
): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 5000);
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) {
      const detail = opts.describe ? ` (${opts.describe()})` : "";
      throw new Error(`Timed out waiting: ${opts.message ?? "condition"}${detail}`);
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 10));
  }
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A temp directory removed on dispose. */
export interface TempDir extends AsyncDisposable {
  path: string;
}

/**
 * Makes a temp directory that `await using` removes. On the PostgreSQL test run it also creates
 * the schema `storeEnv()` points the service at for this folder, and drops it with the folder.
 */
export async function tempDir(prefix = "shc-test-"): Promise<TempDir> {
  const path = await Deno.makeTempDir({ prefix });
  const removeDir = () => Deno.remove(path, { recursive: true }).catch(() => {});
  if (TEST_ENGINE !== "postgres") return { path, [Symbol.asyncDispose]: removeDir };
  const schema = schemaFor(path);
  await onTestDatabase(`CREATE SCHEMA "${schema}"`);
  return {
    path,
    async [Symbol.asyncDispose]() {
      await onTestDatabase(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await removeDir();
    },
  };
}

/** Runs one statement on TEST_DATABASE_URL over a short-lived connection. */
async function onTestDatabase(statement: string): Promise<void> {
  const admin = postgres(Deno.env.get("TEST_DATABASE_URL")!, {
    max: 1,
    connect_timeout: 5,
    onnotice: () => {},
  });
  try {
    await admin.unsafe(statement);
  } finally {
    await admin.end();
  }
}

/**
 * The engine the service-level tests run on: PostgreSQL when `SHC_TEST_STORE=postgres` (with
 * `TEST_DATABASE_URL` naming a database the tests may fill), else SQLite files in temp folders.
 */
export const TEST_ENGINE: "sqlite" | "postgres" = Deno.env.get("SHC_TEST_STORE") === "postgres"
  ? "postgres"
  : "sqlite";
if (TEST_ENGINE === "postgres" && !Deno.env.get("TEST_DATABASE_URL")) {
  throw new Error("SHC_TEST_STORE=postgres needs TEST_DATABASE_URL=postgres://user:pw@host/db");
}

/** For `Deno.test({ ignore })`: the test reaches into the SQLite file itself. */
export const SQLITE_ONLY = TEST_ENGINE !== "sqlite";

/** A schema name that is the same for the same folder, so a restart finds its data again. */
function schemaFor(dir: string): string {
  let h = 0x811c9dc5;
  for (const ch of dir) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return `shc_test_${h.toString(36)}_${dir.length}`;
}

/** Environment variables that put the service's data in `dir` (or its PostgreSQL schema). */
export function storeEnv(dir: string): Record<string, string> {
  const env: Record<string, string> = { DATABASE_PATH: `${dir}/health.db` };
  if (TEST_ENGINE === "postgres") {
    const url = new URL(Deno.env.get("TEST_DATABASE_URL")!);
    url.searchParams.set("search_path", schemaFor(dir));
    env.DATABASE_URL = url.href;
  }
  return env;
}

/** A config for a database in `dir`, with optional env overrides. */
export function testConfig(dir: string, env: Record<string, string> = {}): Config {
  return loadConfig({ ...storeEnv(dir), LOG_LEVEL: "error", ...env });
}

/** The SQLite handle behind a runtime's store, for tests that inspect or break the file. */
export function sqliteDb(owner: { store: Store }): Db {
  if (owner.store.engine !== "sqlite") throw new Error("This test needs the SQLite store");
  return (owner.store as SqliteStore).db;
}

let nextId = 1;

/**
 * A monitor object (not stored) for scheduler tests; intervals may be fractions of a second.
 * Every field not set here takes the validator's default, so a new registry field needs nothing.
 */
export function fakeMonitor(over: Partial<Monitor> = {}): Monitor {
  const id = over.id ?? nextId++;
  const r = validateMonitor(
    { name: `m${id}`, url: `http://127.0.0.1:9/${id}` },
    { getParent: () => null },
  );
  if (r.errors) throw new Error(`fakeMonitor: ${JSON.stringify(r.errors)}`);
  return {
    id,
    ...r.fields,
    timeoutMs: 1000,
    maxRedirects: 5,
    createdAt: 0,
    updatedAt: 0,
    ...over,
  };
}

/** A monitor state; never checked unless `lastCheckedAt` is given. */
export function fakeState(monitorId: number, over: Partial<MonitorState> = {}): MonitorState {
  return { ...initialState(monitorId, 0), ...over };
}
