/**
 * Test rig for alert flows: a real store (a SQLite file in a temp dir, or a PostgreSQL schema
 * when SHC_TEST_STORE=postgres), MonitorService + CheckRecorder with the real probe, an
 * AlertService with small timings, a real SMTP server, and flippable local targets. `reopen()`
 * simulates a service restart on the same database.
 */
import type { Config, EmailConfig } from "../../monitor/config.ts";
import type { Store } from "../../monitor/store/store.ts";
import { openStore } from "../../monitor/store/open.ts";
import { MonitorService } from "../../monitor/service.ts";
import { probe } from "../../monitor/probe.ts";
import {
  type AlertService,
  type AlertTuning,
  createAlertService,
} from "../../monitor/alerts/service.ts";
import type { Monitor } from "../../monitor/types.ts";
import { type SmtpFixture, type SmtpServerOptions, startSmtpServer } from "../_helpers/smtp.ts";
import { type HttpTarget, startTarget } from "../_helpers/targets.ts";
import { setLogLevel } from "../../monitor/log.ts";
import { tempDir, testConfig } from "../_helpers/core.ts";

// The sender logs every retry; keep test output readable.
setLogLevel("error");

/** A local HTTP target whose status code can be flipped. */
export interface FlipTarget extends HttpTarget {
  status: number;
}

/** Starts a target answering `status` (200 until flipped). */
export async function flipTarget(): Promise<FlipTarget> {
  // The handler reads `target.status` on each request, so tests flip it by assignment.
  const t = await startTarget(() => new Response("hello", { status: target.status }));
  const target: FlipTarget = Object.assign(t, { status: 200 });
  return target;
}

/** Options for {@link alertEnv}. */
export interface AlertEnvOptions {
  adminEmail?: string | null;
  tuning?: Partial<AlertTuning>;
  email?: Partial<EmailConfig>;
  smtp?: SmtpServerOptions;
  /** No EMAIL_HOST. */
  disabled?: boolean;
  alertMaxAgeHours?: number;
}

/** The rig. */
export interface AlertEnv extends AsyncDisposable {
  dir: string;
  config: Config;
  smtp: SmtpFixture;
  store: Store;
  service: MonitorService;
  alerts: AlertService;
  /** Creates a monitor through the service (validation included). */
  monitor(input: Record<string, unknown>): Promise<Monitor>;
  /** Stops alerting, closes the store and opens it again with a fresh service. */
  reopen(): Promise<void>;
  close(): Promise<void>;
}

/** The timings tests use unless they say otherwise. */
export const FAST: Partial<AlertTuning> = {
  groupWindowMs: 300,
  retryBaseMs: 100,
  retryMaxMs: 400,
  idleMs: 100,
};

/** Builds the rig and starts the sender. */
export async function alertEnv(opts: AlertEnvOptions = {}): Promise<AlertEnv> {
  const temp = await tempDir("shc-alerts-");
  const dir = temp.path;
  const smtp = await startSmtpServer(opts.smtp);
  const base = testConfig(dir, {
    BASE_URL: "http://dash.test",
    ALERT_MAX_AGE_HOURS: String(opts.alertMaxAgeHours ?? 24),
  });
  const config: Config = {
    ...base,
    email: {
      ...smtp.emailConfig(),
      adminEmail: opts.adminEmail === undefined ? "admin@example.test" : opts.adminEmail,
      ...opts.email,
      ...(opts.disabled ? { host: null } : {}),
    },
  };
  const tuning = { ...FAST, smtp: smtp.smtpOptions, ...opts.tuning };
  const build = async () => {
    const store = await openStore(config);
    const service = new MonitorService({ store, probe });
    const alerts = createAlertService({ store, config, recorder: service.recorder }, tuning);
    alerts.start();
    return { store, service, alerts };
  };
  let parts: Awaited<ReturnType<typeof build>>;
  try {
    parts = await build();
  } catch (err) {
    await smtp.close();
    await temp[Symbol.asyncDispose]();
    throw err;
  }
  let closed = false;
  const shutdown = async () => {
    await parts.alerts.stop();
    await parts.store.close();
  };
  const env: AlertEnv = {
    dir,
    config,
    smtp,
    get store() {
      return parts.store;
    },
    get service() {
      return parts.service;
    },
    get alerts() {
      return parts.alerts;
    },
    monitor: (input) =>
      parts.service.create({ interval_s: 60, timeout_ms: 2000, ...input }, { rejectUnknown: true }),
    async reopen() {
      await shutdown();
      parts = await build();
    },
    async close() {
      if (closed) return;
      closed = true;
      await shutdown();
      await smtp.close();
      await temp[Symbol.asyncDispose]();
    },
    [Symbol.asyncDispose]: () => env.close(),
  };
  return env;
}

/** Polls `fn` (sync or async) until it returns a truthy value or the deadline passes. */
export async function until<T>(
  fn: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Messages received so far as `recipient subject` lines, sorted (order-independent asserts). */
export function inbox(smtp: SmtpFixture): string[] {
  return smtp.messages.map((m) => `${m.to.join(",")} ${m.subject}`).sort();
}
