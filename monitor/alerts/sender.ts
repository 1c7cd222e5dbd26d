/**
 * The sender loop: delivers due outbox rows one target at a time through their channel (see
 * ./channel.ts), retries with capped exponential backoff, gives up after the maximum age, and
 * enqueues reminders. It knows nothing of SMTP: what a failure means is the channel's verdict.
 *
 * Exactly-once: a row is claimed (`sending`, committed) before its send and marked `sent` right
 * after the receiving end accepted it (the SMTP server's 250). Only a crash between those two
 * commits leaves `sending` behind; the next start sends it again (at least once beats at most
 * once for an outage alert), with the same idempotency key (the email's Message-ID) so the
 * duplicate can be recognised. So: never doubled except for at most one copy per row after a
 * crash, which neither SMTP nor most webhooks give a way to rule out.
 *
 * A channel failing as a whole (`server`) is paused with its own backoff; the other channels'
 * rows keep going. It never blocks checks: SQLite work is a few indexed statements, sends are
 * awaited here only, and every send is bounded by its channel's timeouts.
 */
import type { Store } from "../store/store.ts";
import { log } from "../log.ts";
import { loadFacts } from "./facts.ts";
import { enqueueReminders } from "./reminders.ts";
import type { AlertRow } from "./outbox.ts";
import type { ChannelRegistry, ClassifiedError } from "./channel.ts";

/** What the loop needs. */
export interface SenderOptions {
  store: Store;
  /** The channels rows are delivered through, by the rows' `channel` column. */
  channels: ChannelRegistry;
  /** For the dashboard link. */
  baseUrl: string;
  maxAgeHours: number;
  /** First retry delay; doubles per attempt up to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Longest sleep between passes (reminders and expiry are checked at least this often). */
  idleMs: number;
  now: () => number;
}

/** The delay before retry number `attempt` (1-based): base · 2^(attempt−1), capped at `max`. */
export function backoffMs(attempt: number, base: number, max: number): number {
  return Math.min(max, base * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
}

const BATCH = 50;
/** Delivery paths served at once; each path's rows go one after another. */
const LANES = 8;
/** The longest a receiver's Retry-After is honoured; beyond it the usual backoff applies. */
const MAX_RETRY_AFTER_MS = 3_600_000;

/**
 * What one delivery means for the rest of its path: go on; stop the channel (it fails as a
 * whole); or stop this path, whose other rows wait until `until` when the row was retried.
 */
type Outcome =
  | { then: "next" }
  | { then: "stop-channel" }
  | { then: "stop-lane"; retry: { until: number; error: string } | null };

const NEXT: Outcome = { then: "next" };

/**
 * The path a row is delivered on: rows of a channel whose targets share a server (email's SMTP
 * server, whose failure pauses email as a whole) go one after another; each target of a
 * `perTarget` channel (a webhook, a PagerDuty service) is its own path, so a slow or hanging one
 * holds up only its own rows.
 */
function laneOf(row: AlertRow, channels: ChannelRegistry): string {
  return channels.get(row.channel)?.perTarget ? `${row.channel}:${row.target}` : row.channel;
}

/** The loop. `start()` once; `stop()` waits for the message in flight. */
export class AlertSender {
  #o: SenderOptions;
  #abort = new AbortController();
  #loop: Promise<void> | null = null;
  #wake: (() => void) | null = null;
  #kicked = false;
  /** Per channel: consecutive server-level failures, and when it may be tried again. */
  #paused = new Map<string, { failures: number; retryAt: number }>();

  constructor(opts: SenderOptions) {
    this.#o = opts;
  }

  /** Re-queues rows a crash left in `sending`, then starts the loop. */
  start(): void {
    if (this.#loop) return;
    this.#loop = (async () => {
      try {
        const n = await this.#o.store.outbox.requeueInterrupted(this.#o.now());
        if (n) log.warn("alerts.requeued_interrupted", { rows: n });
      } catch (err) {
        log.error("alerts.requeue_failed", { error: err });
      }
      await this.#run();
    })();
  }

  /** Wakes the loop now (new rows were committed). */
  kick(): void {
    this.#kicked = true;
    this.#wake?.();
  }

  /** Stops the loop after the send in flight, if any, has finished. */
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
        wait = await this.#waitMs();
      } catch (err) {
        // A bug or a database error must not end alerting for good: log, back off, go on.
        log.error("alerts.pass_failed", { error: err });
        wait = this.#o.retryBaseMs;
      }
      await this.#sleep(wait);
    }
  }

  async #waitMs(): Promise<number> {
    const now = this.#o.now();
    let due: number | null = null;
    for (const [channel, at] of await this.#o.store.outbox.nextDueByChannel()) {
      // A paused channel's rows are due when the channel may be tried again.
      const t = Math.max(at, this.#paused.get(channel)?.retryAt ?? 0);
      due = due === null ? t : Math.min(due, t);
    }
    const wait = due === null ? this.#o.idleMs : due - now;
    return Math.max(0, Math.min(wait, this.#o.idleMs));
  }

  /** The channels still within their server-level backoff at `now`. */
  #pausedChannels(now: number): string[] {
    return [...this.#paused].filter(([, p]) => p.retryAt > now).map(([kind]) => kind);
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

  /**
   * One pass: reminders, expiry, then every due row, up to {@link LANES} delivery paths at once,
   * except that a channel failing as a whole gets nothing more this pass (nor until its backoff
   * has passed), and an endpoint that failed gets nothing more before its own retry time.
   */
  async runOnce(): Promise<void> {
    const { store, now } = this.#o;
    await enqueueReminders(store, now());
    const maxAgeMs = this.#o.maxAgeHours * 3_600_000;
    const expired = await store.outbox.expire(now() - maxAgeMs, this.#o.maxAgeHours);
    if (expired) log.error("alerts.gave_up", { rows: expired, maxAgeHours: this.#o.maxAgeHours });
    const paused = this.#pausedChannels(now());
    const lanes = new Map<string, AlertRow[]>();
    for (const row of await store.outbox.due(now(), BATCH, paused)) {
      const key = laneOf(row, this.#o.channels);
      const lane = lanes.get(key);
      if (lane) lane.push(row);
      else lanes.set(key, [row]);
    }
    const queue = [...lanes.values()];
    const worker = async () => {
      for (let lane = queue.shift(); lane; lane = queue.shift()) await this.#runLane(lane, paused);
    };
    await Promise.all(Array.from({ length: Math.min(LANES, queue.length) }, worker));
  }

  /** Delivers one path's rows in order, until one says the path (or channel) is failing. */
  async #runLane(rows: AlertRow[], paused: string[]): Promise<void> {
    const outbox = this.#o.store.outbox;
    for (const [i, row] of rows.entries()) {
      if (this.#abort.signal.aborted) return;
      if (paused.includes(row.channel)) return;
      let outcome: Outcome;
      try {
        outcome = await this.#deliver(row);
      } catch (err) {
        // Loading or building this row's message failed (a bug or bad data): end this row,
        // visibly, so it cannot stand first in the queue and block every other alert.
        log.error("alert.build_failed", { alert: row.id, error: err });
        await outbox.markFinal(row.id, "failed", `Could not build the message: ${err}`);
        continue;
      }
      if (outcome.then === "stop-channel") {
        paused.push(row.channel);
        return;
      }
      if (outcome.then === "stop-lane") {
        // The endpoint failed: its other rows wait for the same retry time instead of hitting
        // it again at once (they are not counted as attempts).
        const { retry } = outcome;
        if (!retry) return;
        for (const rest of rows.slice(i + 1)) {
          await outbox.markRetry(rest.id, retry.until, `Waiting for the endpoint: ${retry.error}`);
        }
        return;
      }
    }
  }

  /**
   * Sends one row. `channel`: the channel is failing as a whole and gets nothing more; `lane`:
   * this row's endpoint failed and its other rows wait; `ok`: go on.
   */
  async #deliver(row: AlertRow): Promise<Outcome> {
    const { store, now } = this.#o;
    const outbox = store.outbox;
    const channel = this.#o.channels.get(row.channel);
    if (!channel) {
      await outbox.markFinal(row.id, "failed", `No alert channel "${row.channel}" is configured`);
      log.error("alert.failed", { alert: row.id, channel: row.channel, error: "no channel" });
      return NEXT;
    }
    const invalid = channel.validateTarget(row.target);
    if (invalid !== null) {
      await outbox.markFinal(row.id, "failed", invalid);
      log.error("alert.failed", { alert: row.id, channel: row.channel, error: invalid });
      return NEXT;
    }
    const facts = await loadFacts(store, row, this.#o.baseUrl, now());
    if (!facts) {
      await outbox.markFinal(row.id, "skipped", "The monitor or incident was deleted");
      return NEXT;
    }
    if (row.kind === "reminder" && facts.incident.endedAt !== null) {
      await outbox.markFinal(row.id, "skipped", "Recovered before the reminder was sent");
      return NEXT;
    }
    const msg = channel.buildMessage(facts);
    if (!(await outbox.claim(row.id, msg.subject))) return NEXT; // folded meanwhile
    const started = now();
    let response: string;
    try {
      response = (await channel.send(msg, row.target, {
        idempotencyKey: `alert.${row.id}.${row.incidentId}`,
        signal: this.#abort.signal,
      })).response;
    } catch (err) {
      let f: ClassifiedError;
      try {
        f = channel.classifyError(err);
      } catch (bug) {
        f = { class: "retry", message: `${err} (and classifying it failed: ${bug})` };
      }
      return await this.#failed(row, f);
    }
    this.#paused.delete(row.channel);
    try {
      await outbox.markSent(row.id, now(), response);
    } catch (err) {
      // The receiving end has the message: never treat this as a send failure (that would send
      // it again at once). The row stays `sending`, re-sent once only after a restart.
      log.error("alert.mark_sent_failed", { alert: row.id, error: err });
      return NEXT;
    }
    log.info("alert.sent", {
      alert: row.id,
      kind: row.kind,
      monitor: row.monitorId,
      incident: row.incidentId,
      channel: row.channel,
      to: row.target,
      ms: now() - started,
    });
    return NEXT;
  }

  async #failed(row: AlertRow, f: ClassifiedError): Promise<Outcome> {
    const { store, now } = this.#o;
    const attempts = row.attempts + 1;
    // A receiver that said how long to wait (HTTP 429/503 Retry-After) is not asked sooner.
    const asked = Math.min(f.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS);
    const next = now() +
      Math.max(asked, backoffMs(attempts, this.#o.retryBaseMs, this.#o.retryMaxMs));
    const expiresAt = row.createdAt + this.#o.maxAgeHours * 3_600_000;
    let retry: { until: number; error: string } | null = null;
    const fields = {
      alert: row.id,
      channel: row.channel,
      to: row.target,
      attempts,
      error: f.message,
    };
    if (f.class === "permanent") {
      await store.outbox.markFinal(row.id, "failed", f.message);
      log.error("alert.failed", fields);
    } else if (next > expiresAt) {
      await store.outbox.markFinal(
        row.id,
        "failed",
        `Gave up after ${attempts} attempt(s) in ${this.#o.maxAgeHours} h: ${f.message}`,
      );
      log.error("alert.failed", fields);
    } else {
      await store.outbox.markRetry(row.id, next, f.message);
      retry = { until: next, error: f.message };
      log.warn("alert.retry", { ...fields, nextAttemptAt: new Date(next).toISOString() });
    }
    if (f.class === "permanent") return NEXT;
    // One target failing: the other targets go on; on a per-target path, its other rows wait.
    if (f.class === "retry") {
      return this.#o.channels.get(row.channel)?.perTarget ? { then: "stop-lane", retry } : NEXT;
    }
    const failures = (this.#paused.get(row.channel)?.failures ?? 0) + 1;
    this.#paused.set(row.channel, {
      failures,
      retryAt: now() + backoffMs(failures, this.#o.retryBaseMs, this.#o.retryMaxMs),
    });
    return { then: "stop-channel" };
  }
}
