/**
 * The sender loop: delivers due outbox rows one recipient at a time, retries with capped
 * exponential backoff, gives up after the maximum age, and enqueues reminders.
 *
 * Exactly-once: a row is claimed (`sending`, committed) before its SMTP transaction and marked
 * `sent` right after the server's 250. Only a crash between those two commits leaves `sending`
 * behind; the next start sends it again (at least once beats at most once for an outage alert),
 * with the same Message-ID so a mail client may collapse the duplicate. So: never doubled except
 * for at most one copy per row after a crash, which SMTP gives no way to rule out.
 *
 * It never blocks checks: SQLite work is a few indexed statements, SMTP is awaited here only,
 * and every SMTP call is bounded by the transport's timeouts.
 */
import type { Db } from "../store/db.ts";
import { log } from "../log.ts";
import { buildAlertMessage } from "./message.ts";
import { loadFacts } from "./facts.ts";
import { enqueueReminders } from "./reminders.ts";
import {
  type AlertRow,
  claimAlert,
  dueAlerts,
  expireAlerts,
  markFinal,
  markRetry,
  markSent,
  nextDueAt,
  requeueInterrupted,
} from "./outbox.ts";
import { describeSmtpError, type Mailer } from "./smtp.ts";

/** What the loop needs. */
export interface SenderOptions {
  db: Db;
  mailer: Mailer;
  /** For the dashboard link. */
  baseUrl: string;
  /** Domain of the Message-IDs (from DEFAULT_FROM_EMAIL). */
  messageIdDomain: string;
  maxAgeHours: number;
  /** First retry delay; doubles per attempt up to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Longest sleep between passes (reminders and expiry are checked at least this often). */
  idleMs: number;
  /** Strings that must never reach a log or `last_error` (the SMTP password). */
  secrets: (string | null)[];
  now: () => number;
}

/** The delay before retry number `attempt` (1-based): base · 2^(attempt−1), capped at `max`. */
export function backoffMs(attempt: number, base: number, max: number): number {
  return Math.min(max, base * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
}

const BATCH = 50;

/** The loop. `start()` once; `stop()` waits for the message in flight. */
export class AlertSender {
  #o: SenderOptions;
  #abort = new AbortController();
  #loop: Promise<void> | null = null;
  #wake: (() => void) | null = null;
  #kicked = false;
  /** Consecutive server-level failures, and when the server may be tried again. */
  #serverFailures = 0;
  #serverRetryAt = 0;

  constructor(opts: SenderOptions) {
    this.#o = opts;
  }

  /** Re-queues rows a crash left in `sending`, then starts the loop. */
  start(): void {
    if (this.#loop) return;
    const n = requeueInterrupted(this.#o.db, this.#o.now());
    if (n) log.warn("alerts.requeued_interrupted", { rows: n });
    this.#loop = this.#run();
  }

  /** Wakes the loop now (new rows were committed). */
  kick(): void {
    this.#kicked = true;
    this.#wake?.();
  }

  /** Stops the loop after the SMTP transaction in flight, if any, has finished. */
  async stop(): Promise<void> {
    this.#abort.abort();
    this.#wake?.();
    await this.#loop;
    this.#loop = null;
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal;
    while (!signal.aborted) {
      this.#kicked = false;
      let wait: number;
      try {
        await this.runOnce();
        if (signal.aborted || this.#kicked) continue;
        wait = this.#waitMs();
      } catch (err) {
        // A bug or a database error must not end alerting for good: log, back off, go on.
        log.error("alerts.pass_failed", { error: err });
        wait = this.#o.retryBaseMs;
      }
      await this.#sleep(wait);
    }
  }

  #waitMs(): number {
    const now = this.#o.now();
    const due = nextDueAt(this.#o.db);
    let wait = due === null ? this.#o.idleMs : due - now;
    if (this.#serverRetryAt > now) wait = Math.max(wait, this.#serverRetryAt - now);
    return Math.max(0, Math.min(wait, this.#o.idleMs));
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.#abort.signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        this.#wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
    });
  }

  /** One pass: reminders, expiry, then every due row until the server fails. */
  async runOnce(): Promise<void> {
    const { db, now } = this.#o;
    enqueueReminders(db, now());
    const expired = expireAlerts(db, now() - this.#o.maxAgeHours * 3_600_000, this.#o.maxAgeHours);
    if (expired) log.error("alerts.gave_up", { rows: expired, maxAgeHours: this.#o.maxAgeHours });
    if (now() < this.#serverRetryAt) return;
    for (const row of dueAlerts(db, now(), BATCH)) {
      if (this.#abort.signal.aborted) return;
      let more: boolean;
      try {
        more = await this.#deliver(row);
      } catch (err) {
        // Loading or building this row's message failed (a bug or bad data): end this row,
        // visibly, so it cannot stand first in the queue and block every other alert.
        log.error("alert.build_failed", { alert: row.id, error: err });
        markFinal(db, row.id, "failed", `Could not build the message: ${err}`);
        continue;
      }
      if (!more) return;
    }
  }

  /** Sends one row; false when the server is failing and the pass should stop. */
  async #deliver(row: AlertRow): Promise<boolean> {
    const { db, now } = this.#o;
    const facts = loadFacts(db, row, this.#o.baseUrl, now());
    if (!facts) {
      markFinal(db, row.id, "skipped", "The monitor or incident was deleted");
      return true;
    }
    if (row.kind === "reminder" && facts.incident.endedAt !== null) {
      markFinal(db, row.id, "skipped", "Recovered before the reminder was sent");
      return true;
    }
    const msg = buildAlertMessage(facts);
    if (!claimAlert(db, row.id, msg.subject)) return true; // folded meanwhile
    const started = now();
    let response: string;
    try {
      response = (await this.#o.mailer.send({
        to: row.recipient,
        ...msg,
        messageId: `<alert.${row.id}.${row.incidentId}@${this.#o.messageIdDomain}>`,
      })).response;
    } catch (err) {
      return this.#failed(row, describeSmtpError(err, this.#o.secrets));
    }
    this.#serverFailures = 0;
    try {
      markSent(db, row.id, now(), response);
    } catch (err) {
      // The server has the message: never treat this as a send failure (that would send it
      // again at once). The row stays `sending`, re-sent once only after a restart.
      log.error("alert.mark_sent_failed", { alert: row.id, error: err });
      return true;
    }
    log.info("alert.sent", {
      alert: row.id,
      kind: row.kind,
      monitor: row.monitorId,
      incident: row.incidentId,
      to: row.recipient,
      ms: now() - started,
    });
    return true;
  }

  #failed(row: AlertRow, f: ReturnType<typeof describeSmtpError>): boolean {
    const { db, now } = this.#o;
    const attempts = row.attempts + 1;
    const next = now() + backoffMs(attempts, this.#o.retryBaseMs, this.#o.retryMaxMs);
    const expiresAt = row.createdAt + this.#o.maxAgeHours * 3_600_000;
    const fields = { alert: row.id, to: row.recipient, attempts, error: f.message };
    if (f.permanent) {
      markFinal(db, row.id, "failed", f.message);
      log.error("alert.failed", fields);
    } else if (next > expiresAt) {
      markFinal(
        db,
        row.id,
        "failed",
        `Gave up after ${attempts} attempt(s) in ${this.#o.maxAgeHours} h: ${f.message}`,
      );
      log.error("alert.failed", fields);
    } else {
      markRetry(db, row.id, next, f.message);
      log.warn("alert.retry", { ...fields, nextAttemptAt: new Date(next).toISOString() });
    }
    if (!f.serverLevel) return true;
    this.#serverFailures++;
    this.#serverRetryAt = now() +
      backoffMs(this.#serverFailures, this.#o.retryBaseMs, this.#o.retryMaxMs);
    return false;
  }
}
