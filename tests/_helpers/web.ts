/**
 * Helpers for dashboard tests: a runtime on a temp database, the app, and a tiny browser-like
 * client (cookie jar + CSRF token) for `app.request()`.
 */
import type { Hono } from "hono";
import { createRuntime, type Runtime, type RuntimeOptions } from "../../runtime.ts";
import type { Config } from "../../monitor/config.ts";
import type { ProbeFn } from "../../monitor/service.ts";
import type { ProbeResult } from "../../monitor/types.ts";
import { createApp } from "../../routes/app.ts";
import type { WebOptions } from "../../routes/web.tsx";
import { setLogLevel } from "../../monitor/log.ts";
import { tempDir, testConfig } from "./core.ts";

/** The administrator every fixture can create. */
export const ADMIN = { username: "admin", password: "correct horse battery" };

/** A probe result that says "up". */
export const UP: ProbeResult = {
  ok: true,
  latencyMs: 12,
  httpStatus: 200,
  errorKind: null,
  errorMessage: null,
};

/** A dashboard under test. */
export interface WebFixture extends AsyncDisposable {
  rt: Runtime;
  app: Hono;
  /** Signs in as ADMIN (creating it if needed) and returns a client with the session. */
  login(): Promise<Client>;
  /** A client without a session. */
  anonymous(): Client;
}

/** Starts a runtime (no cron, scheduler stopped) on a temp database with a fake probe. */
export async function webFixture(
  opts: {
    probe?: ProbeFn;
    withUser?: boolean;
    web?: WebOptions;
    env?: Record<string, string>;
    /** Adjusts the loaded config (e.g. point email at a test SMTP server). */
    configure?: (config: Config) => Config;
    alerts?: RuntimeOptions["alerts"];
  } = {},
): Promise<WebFixture> {
  // Transitions log at warn; keep test output to failures.
  setLogLevel("error");
  const dir = await tempDir("shc-web-");
  const config = testConfig(dir.path, opts.env);
  let rt: Runtime;
  try {
    rt = await createRuntime(opts.configure ? opts.configure(config) : config, {
      cron: false,
      alerts: opts.alerts,
      probe: opts.probe ?? (() => Promise.resolve(UP)),
    });
  } catch (err) {
    await dir[Symbol.asyncDispose]();
    throw err;
  }
  try {
    if (opts.withUser !== false) await rt.accounts.createUser(ADMIN);
  } catch (err) {
    await rt.stop();
    await dir[Symbol.asyncDispose]();
    throw err;
  }
  const app = createApp(rt, opts.web);
  return {
    rt,
    app,
    anonymous: () => new Client(app),
    async login() {
      if ((await rt.accounts.userCount()) === 0) await rt.accounts.createUser(ADMIN);
      const client = new Client(app);
      await client.login(ADMIN.username, ADMIN.password);
      return client;
    },
    async [Symbol.asyncDispose]() {
      await rt.stop();
      await dir[Symbol.asyncDispose]();
    },
  };
}

/** Request options for {@link Client}. */
export interface ReqOptions {
  /** Send `HX-Request: true` like htmx. */
  htmx?: boolean;
  headers?: Record<string, string>;
  /** Omit the CSRF token from a POST. */
  noCsrf?: boolean;
  /** Use this CSRF token instead of the session's. */
  csrf?: string;
}

/** A cookie-keeping client for `app.request()`. */
export class Client {
  cookies = new Map<string, string>();
  /** The CSRF token last seen in a page (hidden `_csrf` field). */
  csrf = "";

  constructor(readonly app: Hono) {}

  #remember(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /max-age=0\b/i.test(a.trim())) || value === "";
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  #headers(o: ReqOptions): Record<string, string> {
    const h: Record<string, string> = { ...o.headers };
    if (this.cookies.size) {
      h.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    }
    if (o.htmx) h["HX-Request"] = "true";
    return h;
  }

  /** GET; remembers cookies and the page's CSRF token. */
  async get(path: string, o: ReqOptions = {}): Promise<{ res: Response; text: string }> {
    const res = await this.app.request(path, { headers: this.#headers(o) });
    this.#remember(res);
    const text = await res.text();
    const m = /name="_csrf" value="([^"]+)"/.exec(text);
    if (m) this.csrf = m[1];
    return { res, text };
  }

  /** POST a form (with the CSRF token unless told otherwise). */
  async post(
    path: string,
    form: Record<string, string> = {},
    o: ReqOptions = {},
  ): Promise<{ res: Response; text: string }> {
    const body = new URLSearchParams(form);
    const token = o.csrf ?? this.csrf;
    if (!o.noCsrf && token) body.set("_csrf", token);
    const res = await this.app.request(path, {
      method: "POST",
      headers: { ...this.#headers(o), "Content-Type": "application/x-www-form-urlencoded" },
      body,
    });
    this.#remember(res);
    const text = await res.text();
    const m = /name="_csrf" value="([^"]+)"/.exec(text);
    if (m) this.csrf = m[1];
    return { res, text };
  }

  /** Signs in through the login form. */
  async login(username: string, password: string): Promise<Response> {
    await this.get("/login");
    const { res } = await this.post("/login", { username, password });
    if (res.status !== 303) throw new Error(`Login failed with ${res.status}`);
    // Pick up the session's CSRF token from a page.
    await this.get("/settings");
    return res;
  }
}
