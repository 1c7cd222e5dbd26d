/**
 * Test rig for alert flows: a real SQLite file in a temp dir, MonitorService + CheckRecorder
 * with the real probe, an AlertService with small timings, a real SMTP server, and flippable
 * local targets. `reopen()` simulates a service restart on the same database file.
 */
import { loadConfig } from "../../monitor/config.ts";
import type { Config, EmailConfig } from "../../monitor/config.ts";
import { type Db, openDb } from "../../monitor/store/sqlite/db.ts";
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
  db: Db;
  service: MonitorService;
  alerts: AlertService;
  /** Creates a monitor through the service (validation included). */
  monitor(input: Record<string, unknown>): Monitor;
  /** Stops alerting, closes the database and opens it again with a fresh service. */
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
  const dir = await Deno.makeTempDir({ prefix: "shc-alerts-" });
  const smtp = await startSmtpServer(opts.smtp);
  const base = loadConfig({
    DATABASE_PATH: `${dir}/health.db`,
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
  const build = () => {
    const db = openDb(config.databasePath);
    const service = new MonitorService({ db, probe });
    const alerts = createAlertService({ db, config, recorder: service.recorder }, tuning);
    alerts.start();
    return { db, service, alerts };
  };
  let parts = build();
  let closed = false;
  const shutdown = async () => {
    await parts.alerts.stop();
    parts.db.close();
  };
  const env: AlertEnv = {
    dir,
    config,
    smtp,
    get db() {
      return parts.db;
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
      parts = build();
    },
    async close() {
      if (closed) return;
      closed = true;
      await shutdown();
      await smtp.close();
      await Deno.remove(dir, { recursive: true });
    },
    [Symbol.asyncDispose]: () => env.close(),
  };
  return env;
}

/** Polls `fn` until it returns a truthy value or the deadline passes. */
export async function until<T>(
  fn: () => T | undefined | null | false,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
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
