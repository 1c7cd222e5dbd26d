/**
 * Rig for push monitor tests: the real runtime (store on either engine, recorder, push watcher,
 * alert sender with small timings) served over real HTTP on 127.0.0.1, and a real SMTP server.
 * `restart()` stops the runtime and builds a new one on the same database, as a service restart.
 */
import { createRuntime, type Runtime } from "../../runtime.ts";
import { createApp } from "../../routes/app.ts";
import type { Config } from "../../monitor/config.ts";
import { setLogLevel } from "../../monitor/log.ts";
import { tempDir, testConfig } from "./core.ts";
import { type SmtpFixture, startSmtpServer } from "./smtp.ts";

setLogLevel("error");

/** The rig. */
export interface PushEnv extends AsyncDisposable {
  readonly rt: Runtime;
  smtp: SmtpFixture;
  /** http://127.0.0.1:port of the running app. */
  readonly url: string;
  /** An API bearer token. */
  readonly apiToken: string;
  /** The monitor's ping URL (read from the store). */
  pingUrl(monitorId: number): Promise<string>;
  /** Calls the JSON API (the answer's JSON untyped: tests read fields they assert on). */
  // deno-lint-ignore no-explicit-any
  api(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }>;
  restart(): Promise<void>;
}

/** Builds the rig and starts the runtime (no Deno.cron: the watcher's own timers are tested). */
export async function pushEnv(): Promise<PushEnv> {
  const dir = await tempDir("shc-push-");
  const smtp = await startSmtpServer();
  const base = testConfig(dir.path, { BASE_URL: "http://dash.test" });
  const config: Config = { ...base, email: { ...smtp.emailConfig(), adminEmail: null } };
  const tuning = { groupWindowMs: 200, retryBaseMs: 100, retryMaxMs: 400, idleMs: 100 };
  let rt!: Runtime;
  let server!: Deno.HttpServer<Deno.NetAddr>;
  let apiToken = "";
  const up = async () => {
    rt = await createRuntime(config, {
      cron: false,
      alerts: { ...tuning, smtp: smtp.smtpOptions },
    });
    rt.start();
    server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, createApp(rt).fetch);
    if (apiToken === "") apiToken = (await rt.accounts.createToken("push-tests")).token;
  };
  const down = async () => {
    await server.shutdown();
    await rt.stop();
  };
  await up();
  const env: PushEnv = {
    get rt() {
      return rt;
    },
    smtp,
    get url() {
      return `http://127.0.0.1:${server.addr.port}`;
    },
    get apiToken() {
      return apiToken;
    },
    async pingUrl(id) {
      const s = await rt.store.pushes.get(id);
      if (!s) throw new Error(`monitor ${id} has no push state`);
      return `${env.url}/ping/${s.token}`;
    },
    async api(method, path, body) {
      const res = await fetch(`${env.url}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${apiToken}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, json: text ? JSON.parse(text) : null };
    },
    async restart() {
      await down();
      await up();
    },
    async [Symbol.asyncDispose]() {
      await down();
      await smtp.close();
      await dir[Symbol.asyncDispose]();
    },
  };
  return env;
}

/** Sends one ping and returns status and body text. */
export async function ping(
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; text: string }> {
  const res = await fetch(url, init);
  return { status: res.status, text: await res.text() };
}
