/**
 * The alerting façade the runtime, routes and dashboard use: registers the outbox writer on the
 * recorder, runs the sender loop, and reports status, history and test emails.
 *
 * With no EMAIL_HOST the service still records email rows, as `skipped`, so the history shows
 * what would have been sent, and `status()` says "disabled: EMAIL_HOST is not set"; the loop
 * still delivers the notification channels (Slack, webhooks, …).
 */
import type { Config } from "../config.ts";
import { isEmailAddress } from "../config.ts";
import type { Store } from "../store/store.ts";
import type { CheckRecorder } from "../recorder.ts";
import { ValidationError } from "../errors.ts";
import { log } from "../log.ts";
import { alertWriter } from "./writer.ts";
import { AlertSender } from "./sender.ts";
import { type AnyChannel, channelRegistry } from "./channel.ts";
import { CHANNEL_KINDS } from "./channels/index.ts";
import { httpChannel } from "./channels/http.ts";
import { emailChannel } from "./email.ts";
import type { AlertQuery, AlertRecord, AlertStatus } from "./outbox.ts";
import {
  createMailer,
  describeSmtpError,
  type Mailer,
  sendTestEmail,
  type SentInfo,
  type SmtpFailure,
  type SmtpOptions,
  tlsMode,
} from "./smtp.ts";

/** Knobs with production defaults; tests shrink the times. */
export interface AlertTuning {
  /** How long a fresh DOWN/RECOVERED of a website with apps, or of an app, waits. Default 5 s. */
  groupWindowMs: number;
  /** First retry delay after an SMTP failure. Default 10 s. */
  retryBaseMs: number;
  /** Retry delay cap. Default 10 min. */
  retryMaxMs: number;
  /** Longest sleep of the sender between passes. Default 60 s. */
  idleMs: number;
  smtp: SmtpOptions;
  now: () => number;
  /** What HTTP channels send with (tests wrap it to watch requests). */
  fetch?: typeof fetch;
}

/** The defaults. */
export const DEFAULT_TUNING: AlertTuning = {
  groupWindowMs: 5_000,
  retryBaseMs: 10_000,
  retryMaxMs: 600_000,
  idleMs: 60_000,
  smtp: {},
  now: Date.now,
};

/** What the dashboard and README show about alerting. */
export interface AlertServiceStatus {
  enabled: boolean;
  /** `disabled: EMAIL_HOST is not set` or `enabled: host:port (STARTTLS), from …`. */
  message: string;
  counts: Record<AlertStatus, number>;
  lastSentAt: number | null;
  /** The newest error of a row still pending or failed. */
  lastError: string | null;
}

/** A test email could not be sent; `failure` is null when email is disabled. */
export class EmailError extends Error {
  constructor(message: string, readonly failure: SmtpFailure | null) {
    super(message);
    this.name = "EmailError";
  }
}

/** Alerting, as the rest of the app sees it. */
export interface AlertService {
  readonly enabled: boolean;
  /** Starts the sender (picking up rows left pending by an earlier run). */
  start(): void;
  /** Stops the sender; call before closing the database. */
  stop(): Promise<void>;
  status(): Promise<AlertServiceStatus>;
  /** Recent alert rows, newest first. */
  list(query?: AlertQuery): Promise<AlertRecord[]>;
  /**
   * Sends a test email now, bypassing the outbox. Throws ValidationError for a bad address and
   * EmailError with the server's exact words when sending fails or email is disabled.
   */
  sendTest(to: string): Promise<SentInfo>;
}

/** Builds the service and registers its writer on `recorder`; nothing runs until `start()`. */
export function createAlertService(
  deps: { store: Store; config: Config; recorder: CheckRecorder },
  tuning: Partial<AlertTuning> = {},
): AlertService {
  const { store, config, recorder } = deps;
  const t: AlertTuning = { ...DEFAULT_TUNING, ...tuning };
  const email = config.email;
  const enabled = email.host !== null;
  recorder.addTransitionWriter(alertWriter({
    enabled,
    adminEmail: email.adminEmail,
    groupWindowMs: t.groupWindowMs,
    now: t.now,
  }));

  let mailer: Mailer | null = null;
  const getMailer = () => mailer ??= createMailer(email, t.smtp);
  // Notification channels run whether or not email is configured; email only with EMAIL_HOST.
  const loadChannel = (id: number) => store.channels.get(id);
  const channels: AnyChannel[] = [...CHANNEL_KINDS.values()].map((kind) =>
    httpChannel(kind, loadChannel, { fetch: t.fetch })
  );
  if (enabled) {
    channels.unshift(emailChannel({
      mailer: { send: (m) => getMailer().send(m), close: () => mailer?.close() },
      messageIdDomain: email.from.split("@")[1] || "server-health-checker.invalid",
      secrets: [email.password],
    }));
  }
  const sender = new AlertSender({
    store,
    channels: channelRegistry(...channels),
    baseUrl: config.baseUrl,
    maxAgeHours: config.alertMaxAgeHours,
    retryBaseMs: t.retryBaseMs,
    retryMaxMs: t.retryMaxMs,
    idleMs: t.idleMs,
    now: t.now,
  });
  // After the commit, not inside the writer: the sender must see the rows when it wakes.
  recorder.onRecorded((e) => {
    if (e.transition) sender.kick();
  });

  const mode = tlsMode(email);
  const message = enabled
    ? `enabled: ${email.host}:${email.port} (${mode}), from ${email.from}`
    : "disabled: EMAIL_HOST is not set";
  let started = false;

  return {
    enabled,
    start() {
      if (started) return;
      started = true;
      sender.start();
    },
    async stop() {
      await sender.stop();
      mailer?.close();
      mailer = null;
    },
    async status() {
      const [counts, activity] = await Promise.all([
        store.outbox.counts(),
        store.outbox.activity(),
      ]);
      return { enabled, message, counts, ...activity };
    },
    list(query) {
      return store.outbox.list(query);
    },
    async sendTest(to) {
      const addr = to.trim();
      if (!isEmailAddress(addr)) {
        throw new ValidationError({ to: `Not a valid email address: ${to}` }, "Invalid input");
      }
      if (!enabled) {
        throw new EmailError("Cannot send a test email: EMAIL_HOST is not set", null);
      }
      try {
        return await sendTestEmail(getMailer(), email, addr);
      } catch (err) {
        const f = describeSmtpError(err, [email.password]);
        log.warn("alerts.test_failed", { to: addr, error: f.message });
        throw new EmailError(`Cannot send a test email: ${f.message}`, f);
      }
    },
  };
}
