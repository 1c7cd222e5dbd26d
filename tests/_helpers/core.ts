/**
 * Helpers for core-service tests: bounded polling, temp directories, a test config and monitor
 * fixtures. Nothing here waits without a deadline.
 */
import { type Config, loadConfig } from "../../monitor/config.ts";
import type { Monitor, MonitorState } from "../../monitor/types.ts";
import { initialState } from "../../monitor/store/records.ts";
import { validateMonitor } from "../../monitor/validate.ts";

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

/** Makes a temp directory that `await using` removes. */
export async function tempDir(prefix = "shc-test-"): Promise<TempDir> {
  const path = await Deno.makeTempDir({ prefix });
  return {
    path,
    [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }).catch(() => {}),
  };
}

/** A config for a database in `dir`, with optional env overrides. */
export function testConfig(dir: string, env: Record<string, string> = {}): Config {
  return loadConfig({ DATABASE_PATH: `${dir}/health.db`, LOG_LEVEL: "error", ...env });
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
