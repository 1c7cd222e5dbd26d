/** Server Health Checker: the composition root. Config → database → services → cron → HTTP. */
import { ConfigError, loadConfig } from "./monitor/config.ts";
import { readEnv } from "./monitor/env.ts";
import { createRuntime } from "./monitor/runtime.ts";
import { log, setLogLevel } from "./monitor/log.ts";
import { createApp } from "./routes/app.ts";

function configOrExit() {
  try {
    return loadConfig(readEnv());
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`${err.message}\nSee .env.example for every variable and its default.`);
    Deno.exit(2);
  }
}

const config = configOrExit();
setLogLevel(config.logLevel);
const runtime = createRuntime(config);
const app = createApp(runtime);
runtime.start();

const server = Deno.serve({
  hostname: config.host,
  port: config.port,
  onListen: ({ hostname, port }) => {
    const shown = hostname.includes(":") ? `[${hostname}]` : hostname;
    log.info("server.listening", {
      url: `http://${shown}:${port}/`,
      database: config.databasePath,
    });
    if (!config.email.host) log.warn("alerts.disabled", { reason: "EMAIL_HOST is not set" });
  },
}, app.fetch);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info("server.stopping", { signal });
  await server.shutdown();
  await runtime.stop();
  Deno.exit(0);
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, () => shutdown(signal));
}
