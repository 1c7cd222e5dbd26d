/**
 * Real Chromium for browser tests and screenshots: Debian's /usr/bin/chromium driven by
 * playwright-core, headless, with a fresh profile, and a dashboard served on 127.0.0.1:0.
 */
import type { Browser } from "playwright-core";
import fs from "node:fs";
import { createRuntime, type Runtime, type RuntimeOptions } from "../../runtime.ts";
import type { Config } from "../../monitor/config.ts";
import { createApp } from "../../routes/app.ts";

/**
 * playwright-core probes `/proc/sys/fs/binfmt_misc/WSLInterop` with `fs.existsSync` when it is
 * loaded; Deno guards /proc/sys behind --allow-all and throws NotCapable instead of answering
 * false. Answer false for that probe while the module loads, then put `existsSync` back.
 */
async function loadPlaywright() {
  const existsSync = fs.existsSync;
  fs.existsSync = (path) => {
    try {
      return existsSync(path);
    } catch (err) {
      if (err instanceof Deno.errors.NotCapable) return false;
      throw err;
    }
  };
  try {
    return (await import("playwright-core")).chromium;
  } finally {
    fs.existsSync = existsSync;
  }
}

/** Where Debian installs Chromium (`apt-get install -y chromium`). */
export const CHROMIUM = Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium";

/** Flags that keep Chromium quiet, offline and sandbox-free inside a container. */
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Whether Chromium is installed. */
export function hasChromium(): boolean {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
}

/** A launched browser. */
export interface LaunchedBrowser extends AsyncDisposable {
  browser: Browser;
}

/**
 * Launches headless Chromium. Playwright's `launch` gives every run a fresh temporary
 * --user-data-dir of its own (it refuses one passed in `args`) and deletes it on close.
 */
export async function launchChromium(): Promise<LaunchedBrowser> {
  const chromium = await loadPlaywright();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    timeout: 30_000,
  });
  return {
    browser,
    [Symbol.asyncDispose]: () => browser.close(),
  };
}

/** A dashboard served over real HTTP on loopback. */
export interface ServedApp extends AsyncDisposable {
  rt: Runtime;
  url: string;
}

/** Builds a runtime (no cron) on `config` and serves its app on 127.0.0.1:0. */
export async function serveDashboard(
  config: Config,
  opts: RuntimeOptions = {},
): Promise<ServedApp> {
  const rt = await createRuntime(config, { cron: false, ...opts });
  const app = createApp(rt);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, app.fetch);
  return {
    rt,
    url: `http://127.0.0.1:${server.addr.port}`,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
      await rt.stop();
    },
  };
}

/**
 * Browser tests are skipped on a developer machine without Chromium, but never on CI
 * (`CI=true`, where .ci/run installs it): there a missing browser must fail, not pass quietly.
 */
export function skipBrowserTests(): boolean {
  return !hasChromium() && Deno.env.get("CI") !== "true";
}
