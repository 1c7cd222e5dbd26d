/**
 * Push (heartbeat) monitors: a job pings `/ping/<token>` (success), `/start`, `/fail` or
 * `/<exit-code>`. Each success or failure ping is recorded as a check through the recorder, so
 * state, incidents and alerts work as for probed monitors; a missing ping is recorded as a `late`
 * check by {@link PushService.recordLate}, which the watcher (./push_watch.ts) calls on time.
 */
import type { Monitor, ProbeResult } from "./types.ts";
import type { Store } from "./store/store.ts";
import type { PushState } from "./store/records.ts";
import type { CheckRecorder } from "./recorder.ts";
import { lateMessage, nextDeadline, type PushDeadline } from "./push_schedule.ts";
import { log } from "./log.ts";

/** What a ping says about the job. */
export type PingKind = "success" | "start" | "fail";

/** One parsed ping. */
export interface Ping {
  kind: PingKind;
  /** The exit code of `/ping/<token>/<code>`; null for the other forms. */
  exitCode: number | null;
  /** The first bytes of a POST body (the job's output), "" for none. */
  body: string;
}

/** How much of a POST body is kept as the check's message. */
export const PING_BODY_BYTES = 10 * 1024;
/** A /start older than this does not make a duration: the run that ended is another one. */
export const MAX_RUN_MS = 12 * 3_600_000;
/** Bound on the catch-up loop of deadlines missed while the service was down. */
const MAX_SKIPPED_DEADLINES = 10_000;

/** A new ping token: 144 random bits, base64url (24 characters, safe in a URL path). */
export function newPushToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_");
}

/** A monitor's push state, created with a fresh token when it has none yet. */
export async function ensurePushState(
  store: Pick<Store, "pushes">,
  monitorId: number,
): Promise<PushState> {
  const found = await store.pushes.get(monitorId);
  if (found) return found;
  const state: PushState = {
    monitorId,
    token: newPushToken(),
    lastPingAt: null,
    lastPingOk: null,
    startedAt: null,
    lastDurationMs: null,
    lateExpectedAt: null,
  };
  await store.pushes.save(state);
  return state;
}

/** The ping URL of a token under the service's public base URL. */
export function pingUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/ping/${token}`;
}

/** Whether `s` looks like a ping token at all (checked before any database lookup). */
export function isTokenShape(s: string): boolean {
  return /^[A-Za-z0-9_-]{16,64}$/.test(s);
}

/**
 * The ping a path suffix means: none → success, `start`, `fail`, or an exit code 0-255 (0 is
 * success). Null for anything else (the route answers 404).
 */
export function parsePingAction(action: string | undefined): Omit<Ping, "body"> | null {
  if (action === undefined || action === "") return { kind: "success", exitCode: null };
  if (action === "start") return { kind: "start", exitCode: null };
  if (action === "fail") return { kind: "fail", exitCode: null };
  if (/^\d{1,3}$/.test(action) && Number(action) <= 255) {
    const code = Number(action);
    return { kind: code === 0 ? "success" : "fail", exitCode: code };
  }
  return null;
}

/** The check a success or failure ping records; pure. Duration from a recent /start. */
export function pingResult(
  ping: Ping,
  startedAt: number | null,
  now: number,
): { result: ProbeResult; durationMs: number | null } {
  const durationMs = startedAt !== null && startedAt <= now && now - startedAt <= MAX_RUN_MS
    ? now - startedAt
    : null;
  const ok = ping.kind === "success";
  const why = ping.exitCode !== null ? ` (exit code ${ping.exitCode})` : "";
  const output = ping.body.trim() === "" ? "" : `: ${ping.body.trim()}`;
  return {
    durationMs,
    result: {
      ok,
      latencyMs: durationMs ?? 0,
      httpStatus: null,
      errorKind: ok ? null : "job_failed",
      errorMessage: ok ? null : `job reported failure${why}${output}`,
    },
  };
}

/**
 * The deadline a late check is recorded for at `now`: the newest one already past, so a service
 * that was down through many deadlines records one late check, not one per missed deadline.
 */
export function dueLate(
  monitor: Monitor,
  state: PushState,
  now: number,
): PushDeadline | null {
  let d = nextDeadline(monitor, state, monitor.updatedAt);
  if (d === null || d.deadline > now) return null;
  for (let i = 0; i < MAX_SKIPPED_DEADLINES; i++) {
    const next = nextDeadline(
      monitor,
      { ...state, lateExpectedAt: d.expectedAt },
      monitor.updatedAt,
    );
    if (next === null || next.deadline > now) break;
    d = next;
  }
  return d;
}

/** What the monitor page and the API show about a push monitor. */
export interface PushView {
  state: PushState;
  /** The next deadline; null when paused or the cron never matches. */
  next: PushDeadline | null;
}

/** The outcome of a ping, as the route answers it. */
export type PingOutcome = "ok" | "unknown" | "paused";

/** Pings, late checks and tokens of push monitors. */
export class PushService {
  readonly #store: Store;
  readonly #recorder: CheckRecorder;
  readonly #now: () => number;
  #listeners: ((monitorId: number) => void)[] = [];
  /** One operation at a time per monitor: a ping and a late check never interleave. */
  #lanes = new Map<number, Promise<unknown>>();

  constructor(opts: { store: Store; recorder: CheckRecorder; now?: () => number }) {
    this.#store = opts.store;
    this.#recorder = opts.recorder;
    this.#now = opts.now ?? Date.now;
  }

  /** Told after every ping or late check that moved a monitor's deadline. */
  onTimingChanged(listener: (monitorId: number) => void): void {
    this.#listeners.push(listener);
  }

  #lane<T>(id: number, fn: () => Promise<T>): Promise<T> {
    const run = (this.#lanes.get(id) ?? Promise.resolve()).catch(() => {}).then(fn);
    this.#lanes.set(id, run);
    run.finally(() => {
      if (this.#lanes.get(id) === run) this.#lanes.delete(id);
    }).catch(() => {});
    return run;
  }

  #changed(id: number): void {
    for (const l of this.#listeners) {
      try {
        l(id);
      } catch (err) {
        log.error("push.listener_failed", { monitor: id, error: err });
      }
    }
  }

  /** The push state of a push monitor, created with a fresh token when missing. */
  ensure(monitorId: number): Promise<PushState> {
    return ensurePushState(this.#store, monitorId);
  }

  /** Replaces the token: the old ping URL answers 404 from now on. Returns the new token. */
  regenerate(monitorId: number): Promise<string> {
    return this.#lane(monitorId, async () => {
      const state = await this.ensure(monitorId);
      const token = newPushToken();
      await this.#store.pushes.save({ ...state, token });
      log.info("push.token_regenerated", { monitor: monitorId });
      return token;
    });
  }

  /** The push view of a monitor (its deadline counted from its last ping or edit). */
  async view(monitor: Monitor): Promise<PushView> {
    const state = await this.ensure(monitor.id);
    return {
      state,
      next: monitor.active && monitor.kind === "push"
        ? nextDeadline(monitor, state, monitor.updatedAt)
        : null,
    };
  }

  /** Handles one ping by token. */
  async ping(token: string, ping: Ping): Promise<PingOutcome> {
    if (!isTokenShape(token)) return "unknown";
    const found = await this.#store.pushes.byToken(token);
    if (!found) return "unknown";
    return await this.#lane(found.monitorId, async () => {
      const monitor = await this.#store.monitors.get(found.monitorId);
      const state = await this.#store.pushes.get(found.monitorId);
      // Regenerated or deleted meanwhile, or no longer a push monitor: the URL is dead.
      if (!monitor || monitor.kind !== "push" || !state || state.token !== token) return "unknown";
      // A paused monitor ignores its pings, as it ignores its checks.
      if (!monitor.active) return "paused";
      const now = this.#now();
      if (ping.kind === "start") {
        await this.#store.pushes.save({ ...state, startedAt: now });
        log.debug("push.started", { monitor: monitor.id });
        return "ok";
      }
      const { result, durationMs } = pingResult(ping, state.startedAt, now);
      const next: PushState = {
        ...state,
        lastPingAt: now,
        lastPingOk: result.ok,
        startedAt: null,
        lastDurationMs: durationMs ?? state.lastDurationMs,
        lateExpectedAt: null,
      };
      await this.#recorder.record(monitor, result, now, {
        alsoWrite: (tx) => tx.pushes.save(next),
      });
      log.debug("push.pinged", { monitor: monitor.id, ok: result.ok, exitCode: ping.exitCode });
      this.#changed(monitor.id);
      return "ok";
    });
  }

  /**
   * Records a `late` check if monitor `id`'s deadline has passed and was not recorded yet;
   * returns whether it did. Idempotent: the missed deadline is stored with the check.
   */
  recordLate(id: number): Promise<boolean> {
    return this.#lane(id, async () => {
      const monitor = await this.#store.monitors.get(id);
      if (!monitor || monitor.kind !== "push" || !monitor.active) return false;
      const state = await this.ensure(id);
      const now = this.#now();
      const d = dueLate(monitor, state, now);
      if (d === null) return false;
      const result: ProbeResult = {
        ok: false,
        latencyMs: 0,
        httpStatus: null,
        errorKind: "late",
        errorMessage: lateMessage(monitor, state, d),
      };
      await this.#recorder.record(monitor, result, now, {
        alsoWrite: (tx) => tx.pushes.save({ ...state, lateExpectedAt: d.expectedAt }),
      });
      this.#changed(id);
      return true;
    });
  }

  /** The next deadline of monitor `id`, or null when it has none (not push, paused, gone). */
  async deadline(id: number): Promise<number | null> {
    const monitor = await this.#store.monitors.get(id);
    if (!monitor || monitor.kind !== "push" || !monitor.active) return null;
    const state = await this.ensure(id);
    return nextDeadline(monitor, state, monitor.updatedAt)?.deadline ?? null;
  }

  /** Every active push monitor's next deadline (for the watcher's periodic reload). */
  async deadlines(): Promise<Map<number, number>> {
    const [monitors, states] = await Promise.all([
      this.#store.monitors.list(),
      this.#store.pushes.all(),
    ]);
    const out = new Map<number, number>();
    for (const m of monitors) {
      if (m.kind !== "push" || !m.active) continue;
      const state = states.get(m.id) ?? await this.ensure(m.id);
      const d = nextDeadline(m, state, m.updatedAt);
      if (d) out.set(m.id, d.deadline);
    }
    return out;
  }
}
