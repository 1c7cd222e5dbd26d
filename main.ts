/** Server Health Checker: the composition root. Config → database → services → cron → HTTP. */
import { ConfigError, loadConfig } from "./monitor/config.ts";
import { readEnv } from "./monitor/env.ts";
import { createRuntime, type Runtime } from "./runtime.ts";
import { log, redactUrl, setLogLevel } from "./monitor/log.ts";
import { startupErrorMessage } from "./monitor/startup_errors.ts";
import { settleWithin } from "./monitor/settle.ts";
import { createApp } from "./routes/app.ts";

/** Shutdown never takes longer than this, whatever targets, clients or SMTP servers do. */
const SHUTDOWN_LIMIT_MS = 8_000;
/** Open HTTP requests (a "check now" on a hanging target) get this long to finish. */
const HTTP_DRAIN_MS = 2_000;

/** Prints one line that says what went wrong and what to do, then exits. */
function fail(message: string, code = 1): never {
  try {
    console.error(message);
  } catch { /* stderr is gone; the exit code still tells */ }
  Deno.exit(code);
}

function configOrExit() {
  try {
    return loadConfig(readEnv());
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    fail(`${err.message}\nSee .env.example for every variable and its default.`, 2);
  }
}

// A stray rejection or error in some callback must be logged, not end the monitor.
globalThis.addEventListener("unhandledrejection", (e) => {
  e.preventDefault();
  log.error("process.unhandled_rejection", { error: e.reason });
});
globalThis.addEventListener("error", (e) => {
  e.preventDefault();
  log.error("process.uncaught_error", { error: e.error ?? e.message });
});

const config = configOrExit();
setLogLevel(config.logLevel);

let runtime: Runtime;
try {
  runtime = await createRuntime(config);
} catch (err) {
  fail(startupErrorMessage(err, config));
}
const app = createApp(runtime);

let server: Deno.HttpServer;
try {
  server = Deno.serve({
    hostname: config.host,
    port: config.port,
    onListen: ({ hostname, port }) => {
      const shown = hostname.includes(":") ? `[${hostname}]` : hostname;
      log.info("server.listening", {
        url: `http://${shown}:${port}/`,
        database: config.databaseUrl ? redactUrl(config.databaseUrl) : config.databasePath,
      });
      if (!config.email.host) log.warn("alerts.disabled", { reason: "EMAIL_HOST is not set" });
    },
  }, app.fetch);
} catch (err) {
  await runtime.stop().catch(() => {});
  fail(startupErrorMessage(err, config));
}
runtime.start();

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info("server.stopping", { signal });
  const forced = setTimeout(() => {
    log.error("server.stop_timeout", { limitMs: SHUTDOWN_LIMIT_MS });
    Deno.exit(1);
  }, SHUTDOWN_LIMIT_MS);
  await settleWithin(server.shutdown(), HTTP_DRAIN_MS);
  await runtime.stop().catch((err) => log.error("server.stop_failed", { error: err }));
  clearTimeout(forced);
  log.info("server.stopped", {});
  Deno.exit(0);
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, () => shutdown(signal));
}
